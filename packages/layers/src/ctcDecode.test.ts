import { describe, expect, it } from 'vitest';
import { Generator, tensor } from '@recurrent/tensor';
import { ctcBeamSearch, ctcCollapse, ctcGreedyDecode } from './ctcDecode.js';

/** Every path of T frames over C classes with its probability, grouped by collapsed labelling. */
function labellingProbabilities(probs: number[][], blank: number, score: (labels: number[]) => number = () => 1): Map<string, number> {
  const T = probs.length, C = probs[0].length;
  const totals = new Map<string, number>();
  const path = new Array<number>(T).fill(0);
  for (let index = 0; index < C ** T; index++) {
    let rest = index, p = 1;
    for (let t = 0; t < T; t++) {
      path[t] = rest % C;
      rest = Math.floor(rest / C);
      p *= probs[t][path[t]];
    }
    const labels = ctcCollapse(path, blank);
    const key = labels.join(',');
    totals.set(key, (totals.get(key) ?? 0) + p * score(labels));
  }
  return totals;
}

function best(totals: Map<string, number>): [string, number] {
  return [...totals].reduce((a, b) => (b[1] > a[1] ? b : a));
}

function randomDistribution(T: number, C: number, generator: Generator): number[][] {
  return Array.from({ length: T }, () => {
    const row = Array.from({ length: C }, () => Math.exp(3 * generator.uniform()));
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / total);
  });
}

const logTensor = (probs: number[][]) => tensor(probs.map((row) => row.map(Math.log)), { dtype: 'float64' });

describe('ctcCollapse', () => {
  it('merges repeats and drops blanks', () => {
    expect(ctcCollapse([1, 1, 0, 1, 2, 2, 0], 0)).toEqual([1, 1, 2]);
    expect(ctcCollapse([2, 2, 2], 2)).toEqual([]);
  });
});

describe('ctcGreedyDecode', () => {
  it('takes the best class per frame, per sample and length', () => {
    // [T=4, N=2, C=3], blank 0
    const probs = [
      [[0.1, 0.8, 0.1], [0.7, 0.2, 0.1]],
      [[0.1, 0.8, 0.1], [0.1, 0.1, 0.8]],
      [[0.9, 0.05, 0.05], [0.1, 0.1, 0.8]],
      [[0.1, 0.8, 0.1], [0.1, 0.8, 0.1]],
    ];
    expect(ctcGreedyDecode(tensor(probs))).toEqual([[1, 1], [2, 1]]);
    expect(ctcGreedyDecode(tensor(probs), { inputLengths: [2, 3] })).toEqual([[1], [2]]);
  });
});

describe('ctcBeamSearch', () => {
  it('finds the labelling that greedy decoding misses (brute force over all alignments)', () => {
    // Each frame: blank 0.6, label 0.4. Best path is "blank blank" → [], p = 0.36, but the
    // labelling [1] collects three paths: 0.4·0.4 + 0.4·0.6 + 0.6·0.4 = 0.64.
    const probs = [[0.6, 0.4], [0.6, 0.4]];
    const totals = labellingProbabilities(probs, 0);
    const [bestKey, bestProbability] = best(totals);
    const greedy = ctcGreedyDecode(tensor(probs.map((row) => [row])))[0];
    const [hypothesis] = ctcBeamSearch(logTensor(probs), { beamWidth: 4 });
    expect(greedy).toEqual([]);
    expect(hypothesis.labels.join(',')).toBe(bestKey);
    expect(hypothesis.labels).not.toEqual(greedy);
    expect(hypothesis.logProb).toBeCloseTo(Math.log(bestProbability), 12);
  });

  it.each([0, 1, 2, 3])('is exact with a wide beam on random distributions (seed %i)', (seed) => {
    const generator = new Generator(seed);
    const probs = randomDistribution(5, 3, generator);
    const totals = labellingProbabilities(probs, 1);
    const hypotheses = ctcBeamSearch(logTensor(probs), { beamWidth: 1000, blank: 1, topPaths: 3 });
    const ranked = [...totals].sort((a, b) => b[1] - a[1]);
    hypotheses.forEach((h, i) => {
      expect(h.labels.join(',')).toBe(ranked[i][0]);
      expect(h.logProb).toBeCloseTo(Math.log(ranked[i][1]), 10);
    });
  });

  it('applies the scorer hook with its weight at every label it adds', () => {
    const generator = new Generator(9);
    const probs = randomDistribution(4, 3, generator);
    // A "language model" that dislikes label 2 after anything and likes label 1 first.
    const scorer = (prefix: readonly number[], next: number) => (next === 2 ? -2 : prefix.length === 0 ? 0.5 : -0.1);
    const weight = 0.7;
    const lmFactor = (labels: number[]) => Math.exp(weight * labels.reduce((acc, label, i) => acc + scorer(labels.slice(0, i), label), 0));
    const [bestKey, bestScore] = best(labellingProbabilities(probs, 0, lmFactor));
    const [hypothesis] = ctcBeamSearch(logTensor(probs), { beamWidth: 1000, scorer, scorerWeight: weight });
    expect(hypothesis.labels.join(',')).toBe(bestKey);
    expect(hypothesis.logProb).toBeCloseTo(Math.log(bestScore), 10);
  });

  it('rejects bad options', () => {
    expect(() => ctcBeamSearch(tensor([[0, 0]]), { beamWidth: 0 })).toThrow('ctcBeamSearch: expected beamWidth to be an integer ≥ 1, got number 0');
    expect(() => ctcBeamSearch(tensor([0, 0]))).toThrow('ctcBeamSearch: expected scores [T, C], got [2]');
    expect(() => ctcGreedyDecode(tensor([[0, 0]]))).toThrow('ctcGreedyDecode: expected scores [T, N, C], got [1, 2]');
  });
});
