import { describe, expect, it } from 'vitest';
import { Generator, tensor } from '@recurrent/tensor';
import { sampleLogits, samplingDistribution } from './sampling.js';

describe('sampling', () => {
  const logits = [1.5, -0.5, 0.25, 1.0];

  it('scales by temperature and truncates to the top k', () => {
    const plain = logits.map((v) => Math.exp(v / 0.7));
    const total = plain.reduce((a, b) => a + b, 0);
    const distribution = samplingDistribution(logits, { temperature: 0.7 });
    plain.forEach((v, i) => expect(distribution[i]).toBeCloseTo(v / total, 12));
    const top2 = samplingDistribution(logits, { topK: 2 });
    const kept = Math.exp(1.5) + Math.exp(1.0);
    [Math.exp(1.5) / kept, 0, 0, Math.exp(1.0) / kept].forEach((v, i) => expect(top2[i]).toBeCloseTo(v, 12));
    expect(Array.from(samplingDistribution(logits, { temperature: 0 }))).toEqual([1, 0, 0, 0]);
  });

  it('draws with the frequencies of the distribution, reproducibly from a seed', () => {
    const rows = 20000;
    const batch = tensor(Array.from({ length: rows }, () => logits));
    const draws = sampleLogits(batch, { temperature: 1.3, topK: 3, generator: new Generator(5) });
    const expected = samplingDistribution(logits, { temperature: 1.3, topK: 3 });
    const counts = new Array(4).fill(0);
    for (const d of draws) counts[d]++;
    // Binomial standard deviation ≤ √(0.25/20000) ≈ 0.0035: allow four of them.
    counts.forEach((count, i) => expect(Math.abs(count / rows - expected[i])).toBeLessThan(0.015));
    expect(counts[1]).toBe(0);
    expect(sampleLogits(batch, { temperature: 1.3, topK: 3, generator: new Generator(5) })).toEqual(draws);
  });

  it('is greedy at temperature 0 and rejects bad options', () => {
    expect(sampleLogits(tensor([logits, [0, 3, 1, 2]]), { temperature: 0 })).toEqual([0, 1]);
    expect(() => sampleLogits(tensor(logits), { topK: 0 })).toThrow('sampleLogits: expected topK to be an integer ≥ 1, got number 0');
    expect(() => sampleLogits(tensor(logits), { temperature: -1 })).toThrow('sampleLogits: expected temperature to be a finite number ≥ 0, got number -1');
    expect(() => sampleLogits(tensor(logits), { topP: 0 })).toThrow('sampleLogits: expected topP to be a finite number > 0 and ≤ 1, got number 0');
    expect(() => sampleLogits(tensor(logits), { top_k: 2 } as never)).toThrow("sampleLogits: unknown option 'top_k' (did you mean 'topK'?)");
  });

  it('keeps the nucleus: the fewest most probable classes reaching topP, renormalised', () => {
    const full = samplingDistribution(logits);
    const order = [0, 3, 2, 1]; // by decreasing logit
    for (const topP of [0.2, full[0] + 1e-9, 0.7, 0.95, 1]) {
      let cumulative = 0, count = 0;
      while (cumulative < topP && count < 4) cumulative += full[order[count++]];
      const kept = order.slice(0, count);
      const mass = kept.reduce((a, i) => a + full[i], 0);
      const nucleus = samplingDistribution(logits, { topP });
      full.forEach((p, i) => expect(nucleus[i]).toBeCloseTo(kept.includes(i) ? p / mass : 0, 12));
    }
    // after temperature and topK
    const both = samplingDistribution(logits, { temperature: 2, topK: 3, topP: 0.5 });
    const top3 = samplingDistribution(logits, { temperature: 2, topK: 3 });
    expect(both[1]).toBe(0);
    expect(both[0]).toBeCloseTo(top3[0] / (top3[0] + top3[3]), 12);
  });
});
