import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataLoader.js';
import { SequenceClassificationDataset, SequenceLabellingDataset } from './sequenceDatasets.js';
import { Standardizer, WindowDataset, splitSeries } from './timeSeries.js';

describe('sequence datasets', () => {
  it('classification: labels stay with their sequences through shuffled, padded batches', () => {
    const inputs = Array.from({ length: 23 }, (_, i) => Array.from({ length: 1 + (i % 5) }, () => i));
    const labels = inputs.map((_, i) => i % 3);
    const dataset = new SequenceClassificationDataset(inputs, labels, { numClasses: 3 });
    const loader = new DataLoader(dataset, { batchSize: 4, shuffle: true, seed: 3, collate: dataset.collator({ batchFirst: true }) });
    let seen = 0;
    for (const batch of loader) {
      const [batchSize, time] = batch.data.shape;
      for (let b = 0; b < batchSize; b++) {
        const example = batch.data.data[b * time];
        expect(batch.targets.data[b]).toBe(example % 3);
        expect(batch.lengths.data[b]).toBe(1 + (example % 5));
        seen++;
      }
    }
    expect(seen).toBe(23);
  });

  it('classification with features: [T, B, F] float32; ragged and mislabelled input is rejected', () => {
    const dataset = new SequenceClassificationDataset([new Float32Array([1, 2, 3, 4]), [5, 6]], [1, 0], { featureSize: 2 });
    const batch = dataset.collator()([dataset.get(0), dataset.get(1)]);
    expect(batch.data.shape).toEqual([2, 2, 2]);
    expect(Array.from(batch.targets.data)).toEqual([1, 0]);
    expect(() => new SequenceClassificationDataset([[1, 2, 3]], [0], { featureSize: 2 })).toThrow(
      'SequenceClassificationDataset: expected example 0 to hold whole steps of 2 features, got 3 values (a ragged step)',
    );
    expect(() => new SequenceClassificationDataset([[1], [2]], [0])).toThrow('expected as many labels as inputs (2), got 1');
    expect(() => new SequenceClassificationDataset([[1]], [3], { numClasses: 3 })).toThrow('expected an integer label in [0, 3), got 3 at example 0');
  });

  it('labelling: one label per step, padded with ignoreIndex; a length mismatch names the example', () => {
    const dataset = new SequenceLabellingDataset([[1, 2, 3], [4]], [[0, 1, 0], [1]]);
    const batch = dataset.collator({ batchFirst: true })([dataset.get(0), dataset.get(1)]);
    expect(batch.targets.shape).toEqual([2, 3]);
    expect(Array.from(batch.targets.data)).toEqual([0, 1, 0, 1, -100, -100]);
    expect(() => new SequenceLabellingDataset([[1, 2, 3], [4, 5]], [[0, 1, 0], [1]])).toThrow(
      'SequenceLabellingDataset: expected 2 labels for example 1 (one per step), got 1',
    );
  });
});

describe('time series', () => {
  it('windows with window, horizon and stride, never past the end', () => {
    const series = Float32Array.from({ length: 10 }, (_, i) => i);
    const windows = new WindowDataset(series, { window: 3, horizon: 2, stride: 2 });
    expect(windows.length).toBe(3);
    const items = Array.from({ length: windows.length }, (_, k) => windows.get(k));
    expect(items.map((item) => Array.from(item.input))).toEqual([[0, 1, 2], [2, 3, 4], [4, 5, 6]]);
    expect(items.map((item) => Array.from(item.target))).toEqual([[3, 4], [5, 6], [7, 8]]);
    const batch = windows.collator()(items);
    expect(batch.inputs.shape).toEqual([3, 3, 1]);
    expect(Array.from(batch.inputs.data.slice(0, 3))).toEqual([0, 2, 4]);
    expect(() => windows.get(3)).toThrow('WindowDataset.get: expected an index in [0, 3), got 3');
  });

  it('multivariate windows pick the target features', () => {
    const series = Float32Array.from({ length: 12 }, (_, i) => i); // 6 steps of 2 features
    const windows = new WindowDataset(series, { window: 2, features: 2, targetFeatures: [1] });
    expect(windows.length).toBe(4);
    expect(Array.from(windows.get(0).target)).toEqual([5]);
    expect(windows.collator({ batchFirst: true })([windows.get(0)]).inputs.shape).toEqual([1, 2, 2]);
  });

  it('splits in time order and fits normalisation on the training split only', () => {
    const series = Float32Array.from({ length: 100 }, (_, i) => i * i * 0.01);
    const { train, validation, test, standardizer } = splitSeries(series, { window: 5, validation: 0.2, test: 0.1 });
    let mean = 0;
    for (let i = 0; i < 70; i++) mean += series[i];
    mean /= 70;
    let variance = 0;
    for (let i = 0; i < 70; i++) variance += (series[i] - mean) ** 2;
    expect(standardizer!.mean[0]).toBeCloseTo(mean, 4);
    expect(standardizer!.std[0]).toBeCloseTo(Math.sqrt(variance / 70), 4);
    expect([train.length, validation.length, test.length]).toEqual([70 - 5, 20 - 5, 10 - 5]);
    expect(validation.get(0).input[0]).toBeCloseTo((series[70] - mean) / standardizer!.std[0], 4);
    const back = standardizer!.inverse(standardizer!.transform(series));
    back.forEach((value, i) => expect(value).toBeCloseTo(series[i], 3));
    expect(() => Standardizer.fit([1, 2, 3], 2)).toThrow('Standardizer.fit: expected a non-empty series of whole steps of 2 features, got 3 values');
  });
});
