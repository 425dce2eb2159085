import { type Tensor, tensor, checkOptions, option } from '@recurrent/tensor';
import type { Dataset } from './dataLoader.js';

/**
 * Per-feature standardisation `(x − mean) / std`, fitted on one split (the training split) and
 * applied to all, so validation statistics never leak into training.
 *
 * @example
 * const scaler = Standardizer.fit(new Float32Array([1, 2, 3, 4]), 1);
 * scaler.transform(new Float32Array([2.5])); // Float32Array [0]
 */
export class Standardizer {
  constructor(
    readonly mean: Float64Array,
    readonly std: Float64Array,
  ) {}

  /** Fits on a flat `[steps · features]` series (population standard deviation; 1 where it is 0). */
  static fit(values: ArrayLike<number>, features: number): Standardizer {
    if (!Number.isInteger(features) || features <= 0) throw new Error(`Standardizer.fit: expected a positive integer features, got ${features}`);
    if (values.length === 0 || values.length % features !== 0) {
      throw new Error(`Standardizer.fit: expected a non-empty series of whole steps of ${features} features, got ${values.length} values`);
    }
    const steps = values.length / features;
    const mean = new Float64Array(features);
    const std = new Float64Array(features);
    for (let t = 0; t < steps; t++) for (let f = 0; f < features; f++) mean[f] += values[t * features + f];
    for (let f = 0; f < features; f++) mean[f] /= steps;
    for (let t = 0; t < steps; t++) {
      for (let f = 0; f < features; f++) {
        const d = values[t * features + f] - mean[f];
        std[f] += d * d;
      }
    }
    for (let f = 0; f < features; f++) std[f] = Math.sqrt(std[f] / steps) || 1;
    return new Standardizer(mean, std);
  }

  /** `(x − mean) / std`, feature by feature. */
  transform(values: ArrayLike<number>): Float32Array {
    const features = this.mean.length;
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = (values[i] - this.mean[i % features]) / this.std[i % features];
    return out;
  }

  /** `x · std + mean`: back to the original units. */
  inverse(values: ArrayLike<number>): Float32Array {
    const features = this.mean.length;
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] * this.std[i % features] + this.mean[i % features];
    return out;
  }
}

/**
 * Options of {@link WindowDataset}.
 *
 * @example
 * const options: WindowOptions = { window: 24, horizon: 6, stride: 1, features: 3, targetFeatures: [0] };
 */
export interface WindowOptions {
  /** Input steps per window. */
  window: number;
  /** Steps predicted after each window (default 1). */
  horizon?: number;
  /** Steps between window starts (default 1). */
  stride?: number;
  /** Features per step of the flat series (default 1). */
  features?: number;
  /** Which features are targets (default: all). */
  targetFeatures?: readonly number[];
}

/**
 * One window: `input` `[window · features]`, `target` `[horizon · targetFeatures]`.
 *
 * @example
 * const { input, target }: WindowExample = new WindowDataset(new Float32Array([1, 2, 3]), { window: 2 }).get(0);
 */
export interface WindowExample {
  input: Float32Array;
  target: Float32Array;
}

/**
 * Sliding windows over a series: example k reads steps `[k·stride, k·stride + window)` and
 * predicts the next `horizon` steps. Windows never reach past the series' end.
 * Shapes after `collate`: `inputs` `[window, B, features]` (or batch-first), `targets` `[B, horizon · targetFeatures]`.
 *
 * @example
 * const windows = new WindowDataset(new Float32Array([0, 1, 2, 3, 4, 5]), { window: 3, horizon: 1, stride: 2 });
 * windows.length; // 2: [0 1 2] → 3, [2 3 4] → 5
 */
export class WindowDataset implements Dataset<WindowExample> {
  /** Number of windows: ⌊(steps − window − horizon) / stride⌋ + 1, or 0 when the series is too short. */
  readonly length: number;
  private readonly settings: Required<WindowOptions>;

  constructor(
    readonly values: Float32Array,
    options: WindowOptions,
  ) {
    checkOptions('WindowDataset', options, {
      window: option.integer({ min: 1 }), horizon: option.integer({ min: 1 }), stride: option.integer({ min: 1 }), features: option.integer({ min: 1 }),
      targetFeatures: option.arrayOf(option.integer({ min: 0 })),
    }, ['window']);
    const { window, horizon = 1, stride = 1, features = 1 } = options;
    for (const [name, value] of [['window', window], ['horizon', horizon], ['stride', stride], ['features', features]] as const) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`WindowDataset: expected a positive integer ${name}, got ${value}`);
    }
    if (values.length % features !== 0) throw new Error(`WindowDataset: expected whole steps of ${features} features, got ${values.length} values`);
    const targetFeatures = options.targetFeatures ?? Array.from({ length: features }, (_, f) => f);
    for (const f of targetFeatures) if (!Number.isInteger(f) || f < 0 || f >= features) throw new Error(`WindowDataset: expected target features in [0, ${features}), got ${f}`);
    this.settings = { window, horizon, stride, features, targetFeatures };
    const steps = values.length / features;
    this.length = steps < window + horizon ? 0 : Math.floor((steps - window - horizon) / stride) + 1;
  }

  /** Window `index` (copied out of the series). */
  get(index: number): WindowExample {
    const { window, horizon, stride, features, targetFeatures } = this.settings;
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new Error(`WindowDataset.get: expected an index in [0, ${this.length}), got ${index}`);
    const start = index * stride;
    const input = this.values.slice(start * features, (start + window) * features);
    const target = new Float32Array(horizon * targetFeatures.length);
    for (let h = 0; h < horizon; h++) {
      for (let k = 0; k < targetFeatures.length; k++) target[h * targetFeatures.length + k] = this.values[(start + window + h) * features + targetFeatures[k]];
    }
    return { input, target };
  }

  /**
   * A collate function stacking windows into `inputs` `[window, B, features]` (`[B, window, features]`
   * batch-first) and `targets` `[B, horizon · targetFeatures]`.
   *
   * @example
   * const loader = new DataLoader(windows, { batchSize: 16, collate: windows.collator() });
   */
  collator(options: { batchFirst?: boolean } = {}): (items: WindowExample[]) => { inputs: Tensor; targets: Tensor } {
    return (items) => {
      const { window, features } = this.settings;
      const batchSize = items.length;
      const inputs = new Float32Array(batchSize * window * features);
      items.forEach((item, b) => {
        if (options.batchFirst) inputs.set(item.input, b * window * features);
        else for (let t = 0; t < window; t++) inputs.set(item.input.subarray(t * features, (t + 1) * features), (t * batchSize + b) * features);
      });
      const width = items[0]?.target.length ?? 0;
      const targets = new Float32Array(batchSize * width);
      items.forEach((item, b) => targets.set(item.target, b * width));
      return {
        inputs: tensor(inputs, { shape: options.batchFirst ? [batchSize, window, features] : [window, batchSize, features] }),
        targets: tensor(targets, { shape: [batchSize, width] }),
      };
    };
  }
}

/**
 * Options of {@link splitSeries}.
 *
 * @example
 * const options: SplitSeriesOptions = { window: 24, validation: 0.1, test: 0.1, normalize: true };
 */
export interface SplitSeriesOptions extends WindowOptions {
  /** Fractions of the steps for validation and test, taken from the end in time order (defaults 0.1, 0). */
  validation?: number;
  test?: number;
  /** Standardise with statistics of the training split only (default true). */
  normalize?: boolean;
}

/**
 * Splits a series in time order (train, then validation, then test; no shuffling across time),
 * fits a {@link Standardizer} on the training steps only, and windows each split on its own so
 * no window straddles two splits.
 *
 * @example
 * const { train, validation, standardizer } = splitSeries(series, { window: 24, horizon: 1, validation: 0.2 });
 */
export function splitSeries(
  series: ArrayLike<number>,
  options: SplitSeriesOptions,
): { train: WindowDataset; validation: WindowDataset; test: WindowDataset; standardizer: Standardizer | undefined } {
  const { validation = 0.1, test = 0, normalize = true, features = 1 } = options;
  if (!(validation >= 0 && test >= 0 && validation + test < 1)) throw new Error(`splitSeries: expected validation, test ≥ 0 with a sum below 1, got ${validation} and ${test}`);
  if (series.length % features !== 0) throw new Error(`splitSeries: expected whole steps of ${features} features, got ${series.length} values`);
  const steps = series.length / features;
  const testSteps = Math.floor(steps * test);
  const validationSteps = Math.floor(steps * validation);
  const trainSteps = steps - validationSteps - testSteps;
  const values = Float32Array.from(series);
  const trainValues = values.subarray(0, trainSteps * features);
  const standardizer = normalize ? Standardizer.fit(trainValues, features) : undefined;
  const scaled = standardizer ? standardizer.transform(values) : values;
  // the window options only: WindowDataset refuses names it does not take
  const { validation: _validation, test: _test, normalize: _normalize, ...windowOptions } = options;
  const part = (from: number, to: number) => new WindowDataset(scaled.slice(from * features, to * features), windowOptions);
  return {
    train: part(0, trainSteps),
    validation: part(trainSteps, trainSteps + validationSteps),
    test: part(trainSteps + validationSteps, steps),
    standardizer,
  };
}
