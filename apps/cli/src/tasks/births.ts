import { backward, l1Loss, noGrad } from '@recurrent/autograd';
import { type BirthsSplits, type UsBirths, birthsSplits, loadUsBirths } from '@recurrent/data';
import {
  CalendarForecaster, type CalendarForecasterInput, Embedding, type GRU, type LSTM, Linear, type RNN, dailyCalendarIO, dailyCalendarInputs, dailyCalendarSizes,
} from '@recurrent/layers';
import { type Backend, Generator, type Tensor, fromData } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import type { TrainingTask } from '../training/task.js';
import { type RecurrentModelSettings, recurrentLayer } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Days forecast from each origin, and days of history the recurrent layer reads. */
export const horizon = 28;
export const birthsDefaults = { hiddenSize: 64, numLayers: 1, batch: 64, window: 56 };

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

/**
 * The births model: the library's {@link CalendarForecaster} (an LSTM/GRU over the past days, each
 * target's calendar embedded, a tanh MLP correcting the value 364 days earlier), of fresh
 * parameters drawn from `generator`, on `backend`. Its inputs are {@link dailyCalendarInputs}'
 * (11 numbers per past day, 3 values per target), so its checkpoint is a model file that plain
 * `loadModel` rebuilds and `forecastDaily` runs.
 */
export function birthsModel(config: { cell: 'lstm' | 'gru' | 'rnn'; hiddenSize: number; numLayers: number; dropout: number }, generator: Generator, backend?: Backend): CalendarForecaster {
  const width = config.hiddenSize + 4 + 8 + 4 + dailyCalendarSizes.targetValues;
  return new CalendarForecaster({
    rnn: recurrentLayer({ ...config, inputSize: dailyCalendarSizes.pastFeatures, bidirectional: false }, generator, backend) as LSTM | GRU | RNN,
    weekday: new Embedding({ numEmbeddings: 7, embeddingDim: 4, generator, backend }),
    day: new Embedding({ numEmbeddings: 366, embeddingDim: 8, generator, backend }),
    step: new Embedding({ numEmbeddings: horizon, embeddingDim: 4, generator, backend }),
    hidden: new Linear({ inFeatures: width, outFeatures: 64, generator, backend }),
    output: new Linear({ inFeatures: 64, outFeatures: 1, generator, backend }),
  });
}

/** The model's inputs for a set of origins, with the targets (births / mean). */
export interface BirthsBatch {
  input: CalendarForecasterInput;
  size: number;
  /** Births / mean of each target, `[size·28]`, origin-major. */
  target: Tensor;
}

/** Builds the inputs of `origins` ({@link dailyCalendarInputs}, scaled by the training mean) and their targets. */
export function birthsBatch(data: UsBirths, mean: number, window: number, origins: readonly number[], backend?: Backend): BirthsBatch {
  const y = data.births;
  const input = dailyCalendarInputs({ values: y, dayOfWeek: data.dayOfWeek, dayOfYear: data.dayOfYear }, origins, { normalization: { mean: 0, std: mean }, window, horizon, backend });
  const target = new Float32Array(origins.length * horizon);
  origins.forEach((t, b) => {
    for (let h = 1; h <= horizon; h++) target[b * horizon + h - 1] = y[t + h] / mean;
  });
  return { input, size: origins.length, target: fromData(target, [origins.length * horizon], { backend }) };
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
  const modelConfig = { kind: 'CalendarForecaster', cell, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, window: settings.window, mean };
  const generator = new Generator(settings.seed);
  const model = birthsModel({ cell, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, dropout: settings.dropout }, generator, settings.backend);
  const batches = new ShuffledBatches(splits.train.length, settings.batch, settings.seed + 1);
  const baselines = Object.fromEntries((['validation', 'test'] as const).flatMap((split) => [
    [`${split}_mae_same_weekday`, meanAbsoluteError(y, splits[split], (t, h) => sameWeekday(y, t, h))],
    [`${split}_mae_year_earlier`, meanAbsoluteError(y, splits[split], (t, h) => yearEarlier(y, t, h))],
  ]));
  let details: Record<string, number> = { ...baselines };
  const mae = (origins: number[]) => noGrad(() => {
    const predicted = model.forward(birthsBatch(data, mean, settings.window, origins, settings.backend).input).value.data;
    return meanAbsoluteError(y, origins, (t, h) => predicted[origins.indexOf(t) * horizon + h - 1] * mean);
  });
  return {
    name: 'births', model, modelConfig, vocabulary: null,
    // every value the model reads is births / the training mean: (x − 0) / mean; with the window,
    // the horizon and the feature definition, what forecastDaily needs to run the file on raw counts
    io: { task: 'births', ...dailyCalendarIO({ normalization: { mean: 0, std: mean }, window: settings.window, horizon }) },
    metric: { name: 'validation_mae', direction: 'lower' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const batch = birthsBatch(data, mean, settings.window, batches.next().map((k) => splits.train[k]), settings.backend);
      const loss = l1Loss(model.forward(batch.input), batch.target);
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
