import { Module, type Variable, add, backward, concat, expand, l1Loss, narrow, noGrad, reshape, tanh } from '@recurrent/autograd';
import { type BirthsSplits, type UsBirths, birthsSplits, loadUsBirths } from '@recurrent/data';
import { Embedding, type GRU, type LSTM, Linear, type ModuleKind, type RNN, prefixedShapes } from '@recurrent/layers';
import { type Backend, Generator, fromData } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import type { TrainingTask } from '../training/task.js';
import { type RecurrentModelSettings, recurrentLayer, runRecurrent } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Days forecast from each origin, and days of history the recurrent layer reads. */
export const horizon = 28;
export const birthsDefaults = { hiddenSize: 64, numLayers: 1, batch: 64, window: 56 };

/** Per past day: births and births 364 days earlier (both / the training mean), day of week one-hot, sin/cos of the day of year. */
const pastFeatures = 2 + 7 + 2;
/** Per target: the two baselines' values and the last observed value (/ mean). */
const targetValues = 3;

/** Settings of `recurrent train births`. */
export interface BirthsSettings extends RecurrentModelSettings {
  window: number;
  evalLimit?: number;
}

/** The two baselines of learning.md for target `t + h` of origin `t`. */
export function sameWeekday(y: Float64Array, t: number, h: number): number {
  return y[t + h - 7 * Math.ceil(h / 7)];
}
export function yearEarlier(y: Float64Array, t: number, h: number): number {
  return y[t + h - 364];
}

/** Mean absolute error of a forecaster over every origin and every horizon 1…28. */
export function meanAbsoluteError(y: Float64Array, origins: readonly number[], forecast: (t: number, h: number) => number): number {
  let total = 0;
  for (const t of origins) for (let h = 1; h <= horizon; h++) total += Math.abs(forecast(t, h) - y[t + h]);
  return total / (origins.length * horizon);
}

/** The parts of a {@link BirthsModel}: the recurrent layer, the three calendar embeddings, the MLP. */
export interface BirthsModelParts {
  /** Reads the past days `[window, B, 11]` (time-major, one direction). */
  rnn: LSTM | GRU | RNN;
  /** Day of week of the target (7 × 4). */
  weekday: Embedding;
  /** Day of year of the target (366 × 8). */
  day: Embedding;
  /** Horizon 1…28 of the target (28 × 4). */
  step: Embedding;
  /** `[H + 4 + 8 + 4 + 3] → 64`, then tanh. */
  hidden: Linear;
  /** `64 → 1`: the correction to the value 364 days earlier. */
  output: Linear;
}

/**
 * Direct multi-horizon forecaster: an LSTM/GRU reads `window` past days; its last state, with each
 * target day's calendar (day of week and day of year embedded, the horizon embedded) and the
 * values the baselines would use, goes through a tanh MLP that predicts the target's births as a
 * correction to the value 364 days earlier (all in units of the training mean). Built from the
 * library's modules, so a checkpoint is a model file: {@link birthsModelKind} describes it.
 */
export class BirthsModel extends Module {
  readonly rnn: LSTM | GRU | RNN;
  readonly weekday: Embedding;
  readonly day: Embedding;
  readonly step: Embedding;
  readonly hidden: Linear;
  readonly output: Linear;

  constructor(parts: BirthsModelParts) {
    super();
    const { rnn } = parts;
    if (rnn.inputSize !== pastFeatures || rnn.bidirectional || rnn.batchFirst) {
      throw new CliError(`BirthsModel: expected a one-direction, time-major layer of inputSize ${pastFeatures}, got inputSize ${rnn.inputSize}, bidirectional ${rnn.bidirectional}, batchFirst ${rnn.batchFirst}`);
    }
    const width = rnn.hiddenSize + parts.weekday.embeddingDim + parts.day.embeddingDim + parts.step.embeddingDim + targetValues;
    if (parts.hidden.inFeatures !== width || parts.output.inFeatures !== parts.hidden.outFeatures || parts.output.outFeatures !== 1) {
      throw new CliError(`BirthsModel: expected hidden inFeatures ${width} and output ${parts.hidden.outFeatures} → 1, got ${parts.hidden.inFeatures} and ${parts.output.inFeatures} → ${parts.output.outFeatures}`);
    }
    this.rnn = this.registerModule('rnn', rnn);
    this.weekday = this.registerModule('weekday', parts.weekday);
    this.day = this.registerModule('day', parts.day);
    this.step = this.registerModule('step', parts.step);
    this.hidden = this.registerModule('hidden', parts.hidden);
    this.output = this.registerModule('output', parts.output);
  }

  /** Predictions `[B·28]` (origin-major) in units of the training mean. */
  forward(batch: BirthsBatch): Variable {
    const { h_n } = runRecurrent(this.rnn, batch.past, null);
    const layers = this.rnn.numLayers, B = batch.size, H = this.rnn.hiddenSize;
    // one row per (origin, horizon): the top layer's last state repeated for each of the 28 targets
    const top = reshape(narrow(h_n, 0, layers - 1, 1), [B, 1, H]);
    const repeated = reshape(expand(top, [B, horizon, H]), [B * horizon, H]);
    const features = concat([
      repeated, this.weekday.forward(batch.weekday), this.day.forward(batch.dayOfYear), this.step.forward(batch.horizon), batch.values,
    ], 1);
    const correction = this.output.forward(tanh(this.hidden.forward(features)));
    return add(reshape(correction, [B * horizon]), batch.yearAgo);
  }
}

/** A {@link BirthsModel} of fresh parameters drawn from `generator`, on `backend`. */
export function birthsModel(config: { cell: 'lstm' | 'gru' | 'rnn'; hiddenSize: number; numLayers: number; dropout: number }, generator: Generator, backend?: Backend): BirthsModel {
  const width = config.hiddenSize + 4 + 8 + 4 + targetValues;
  return new BirthsModel({
    rnn: recurrentLayer({ ...config, inputSize: pastFeatures, bidirectional: false }, generator, backend) as LSTM | GRU | RNN,
    weekday: new Embedding({ numEmbeddings: 7, embeddingDim: 4, generator, backend }),
    day: new Embedding({ numEmbeddings: 366, embeddingDim: 8, generator, backend }),
    step: new Embedding({ numEmbeddings: horizon, embeddingDim: 4, generator, backend }),
    hidden: new Linear({ inFeatures: width, outFeatures: 64, generator, backend }),
    output: new Linear({ inFeatures: 64, outFeatures: 1, generator, backend }),
  });
}

const birthsParts = ['rnn', 'weekday', 'day', 'step', 'hidden', 'output'] as const;

/**
 * The model-file kind of {@link BirthsModel}: no options of its own, the six parts as submodules
 * (their kinds are the library's). Pass it in `kinds` to `encodeModel` / `loadModel`.
 *
 * @example
 * const { module } = await loadModel('/models/births.safetensors', { kinds: [birthsModelKind] });
 */
export const birthsModelKind: ModuleKind = {
  kind: 'BirthsModel', schema: {},
  matches: (module) => module instanceof BirthsModel,
  describe: (module) => ({ options: {}, children: Object.fromEntries(birthsParts.map((name) => [name, (module as BirthsModel)[name]])) }),
  childNames: () => birthsParts,
  build: (_options, children) => new BirthsModel(children as unknown as BirthsModelParts),
  parameterShapes: (_options, children) => prefixedShapes(children, birthsParts),
};

/** The model's inputs for a set of origins. */
export interface BirthsBatch {
  size: number;
  past: ReturnType<typeof fromData>;
  weekday: ReturnType<typeof fromData>;
  dayOfYear: ReturnType<typeof fromData>;
  horizon: ReturnType<typeof fromData>;
  values: ReturnType<typeof fromData>;
  yearAgo: ReturnType<typeof fromData>;
  target: ReturnType<typeof fromData>;
}

/** Builds the inputs of `origins` (values before index 364 of the series fall back to index 0). */
export function birthsBatch(data: UsBirths, mean: number, window: number, origins: readonly number[], backend?: Backend): BirthsBatch {
  const y = data.births, B = origins.length;
  const past = new Float32Array(window * B * pastFeatures);
  const weekday = new Int32Array(B * horizon), dayOfYear = new Int32Array(B * horizon), step = new Int32Array(B * horizon);
  const values = new Float32Array(B * horizon * targetValues), yearAgo = new Float32Array(B * horizon), target = new Float32Array(B * horizon);
  origins.forEach((t, b) => {
    for (let k = 0; k < window; k++) {
      const s = t - window + 1 + k, o = (k * B + b) * pastFeatures;
      past[o] = y[s] / mean;
      past[o + 1] = y[Math.max(0, s - 364)] / mean;
      past[o + 1 + data.dayOfWeek[s]] = 1;
      const angle = (2 * Math.PI * data.dayOfYear[s]) / 365.25;
      past[o + 9] = Math.sin(angle);
      past[o + 10] = Math.cos(angle);
    }
    for (let h = 1; h <= horizon; h++) {
      const r = b * horizon + h - 1;
      weekday[r] = data.dayOfWeek[t + h] - 1;
      dayOfYear[r] = data.dayOfYear[t + h] - 1;
      step[r] = h - 1;
      values.set([yearEarlier(y, t, h) / mean, sameWeekday(y, t, h) / mean, y[t] / mean], r * targetValues);
      yearAgo[r] = yearEarlier(y, t, h) / mean;
      target[r] = y[t + h] / mean;
    }
  });
  const options = { backend };
  return {
    size: B,
    past: fromData(past, [window, B, pastFeatures], options),
    weekday: fromData(weekday, [B * horizon], options), dayOfYear: fromData(dayOfYear, [B * horizon], options), horizon: fromData(step, [B * horizon], options),
    values: fromData(values, [B * horizon, targetValues], options), yearAgo: fromData(yearAgo, [B * horizon], options), target: fromData(target, [B * horizon], options),
  };
}

/**
 * US daily births, forecast 1–28 days ahead (learning.md's splits: targets in 2000–2012 train,
 * 2013 validates, 2014 tests). Metric: validation MAE in births/day; every evaluation also reports
 * the 2014 test MAE and, computed in the same run on the same origins, the two baselines' (the value
 * 7·⌈h/7⌉ days earlier, the value 364 days earlier).
 */
export async function birthsTask(settings: BirthsSettings): Promise<TrainingTask> {
  const cell = settings.cell;
  if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn') throw new CliError(`recurrent train births: expected --cell lstm, gru or rnn, got ${cell}`);
  const data = await loadUsBirths();
  const splits: BirthsSplits = birthsSplits(data, { minimumHistory: Math.max(364, settings.window - 1) });
  const y = data.births;
  let mean = 0;
  for (const t of splits.train) mean += y[t] / splits.train.length;
  mean = Math.round(mean);
  const modelConfig = { kind: 'BirthsModel', cell, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, window: settings.window, mean };
  const generator = new Generator(settings.seed);
  const model = birthsModel({ cell, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, dropout: settings.dropout }, generator, settings.backend);
  const batches = new ShuffledBatches(splits.train.length, settings.batch, settings.seed + 1);
  const baselines = Object.fromEntries((['validation', 'test'] as const).flatMap((split) => [
    [`${split}_mae_same_weekday`, meanAbsoluteError(y, splits[split], (t, h) => sameWeekday(y, t, h))],
    [`${split}_mae_year_earlier`, meanAbsoluteError(y, splits[split], (t, h) => yearEarlier(y, t, h))],
  ]));
  let details: Record<string, number> = { ...baselines };
  const mae = (origins: number[]) => noGrad(() => {
    const predicted = model.forward(birthsBatch(data, mean, settings.window, origins, settings.backend)).value.data;
    return meanAbsoluteError(y, origins, (t, h) => predicted[origins.indexOf(t) * horizon + h - 1] * mean);
  });
  return {
    name: 'births', model, modelConfig, vocabulary: null, kinds: [birthsModelKind],
    io: {
      task: 'births',
      // every value the model reads is births / the training mean: (x − 0) / mean
      normalization: { mean: 0, std: mean }, window: settings.window,
      extra: {
        horizon,
        pastFeatures: ['births', 'births 364 days earlier', 'day of week one-hot (7, Monday first)', 'sin(2π·dayOfYear / 365.25)', 'cos(2π·dayOfYear / 365.25)'],
        targetInputs: ['weekday id (day of week − 1)', 'day-of-year id (day of year − 1)', 'horizon id (h − 1)'],
        targetValues: ['births 364 days earlier', 'births 7·⌈h/7⌉ days earlier', 'births on the origin day'],
        output: 'births / mean, with the value 364 days earlier added',
      },
    },
    metric: { name: 'validation_mae', direction: 'lower' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const batch = birthsBatch(data, mean, settings.window, batches.next().map((k) => splits.train[k]), settings.backend);
      const loss = l1Loss(model.forward(batch), batch.target);
      backward(loss);
      return loss.item();
    },
    evaluate() {
      model.eval();
      const validation = mae(splits.validation);
      const test = mae(splits.test);
      const better = Math.min(baselines.test_mae_same_weekday, baselines.test_mae_year_earlier);
      details = { test_mae: test, ...baselines, test_mae_vs_better_baseline: test / better };
      return validation;
    },
    details: () => details,
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
  };
}
