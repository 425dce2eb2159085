import { backward, mseLoss, noGrad } from '@recurrent/autograd';
import { readCsvFile } from '@recurrent/data/node';
import { Generator, fromData } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import type { TrainingTask } from '../training/task.js';
import { SequenceModel, type RecurrentModelSettings } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Settings of one-step-ahead forecasting of a CSV column. */
export interface ForecastSettings extends RecurrentModelSettings {
  csv: string;
  target: string;
  /** Past values the model reads to predict the next one. */
  window: number;
}

export const forecastDefaults = { hiddenSize: 32, numLayers: 1, batch: 32, window: 24 };

/** Reads one numeric column of a CSV file; errors name the file, the line and the column. */
export async function readSeries(csv: string, target: string): Promise<Float64Array> {
  const values: number[] = [];
  try {
    for await (const row of readCsvFile(csv, { columns: { [target]: 'number' } })) values.push(row[target] as number);
  } catch (error) {
    // readCsvFile's errors (DataError) name the file, the line and the column
    throw new CliError(`recurrent train forecast: ${(error as Error).message.split('\n')[0]}`);
  }
  return Float64Array.from(values);
}

/**
 * One-step-ahead forecasting of a CSV column: the first 80% of the series trains, the last 20%
 * validates; values are standardised with the training mean and deviation; the model reads
 * `window` past values and predicts the next one (mean squared error). Metric: validation root
 * mean squared error in the column's own units.
 */
export async function forecastTask(settings: ForecastSettings): Promise<TrainingTask> {
  const series = await readSeries(settings.csv, settings.target);
  const split = Math.floor(series.length * 0.8);
  if (split - settings.window < settings.batch || series.length - split < 1) {
    throw new CliError(`recurrent train forecast: expected at least ${Math.ceil((settings.window + settings.batch) / 0.8) + 1} rows for --bptt ${settings.window} and --batch ${settings.batch}, got ${series.length}`);
  }
  let mean = 0;
  for (let k = 0; k < split; k++) mean += series[k] / split;
  let variance = 0;
  for (let k = 0; k < split; k++) variance += (series[k] - mean) ** 2 / split;
  const deviation = Math.sqrt(variance) || 1;
  const scaled = Float32Array.from(series, (v) => (v - mean) / deviation);
  const modelConfig = {
    kind: 'SequenceModel', cell: settings.cell, inputSize: 1, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers,
    bidirectional: false, outputSize: 1, window: settings.window, target: settings.target, mean, deviation,
  };
  const generator = new Generator(settings.seed);
  const model = new SequenceModel({ ...modelConfig, dropout: settings.dropout }, generator, settings.backend);
  // training targets are the values at positions window … split−1
  const batches = new ShuffledBatches(split - settings.window, settings.batch, settings.seed + 1);
  const windows = (ends: number[]) => {
    const x = new Float32Array(settings.window * ends.length);
    const y = new Float32Array(ends.length);
    ends.forEach((end, b) => {
      for (let t = 0; t < settings.window; t++) x[t * ends.length + b] = scaled[end - settings.window + t];
      y[b] = scaled[end];
    });
    return { x: fromData(x, [settings.window, ends.length, 1], { backend: model.backend }), y: fromData(y, [ends.length, 1], { backend: model.backend }) };
  };
  return {
    name: 'forecast', model, modelConfig, vocabulary: null,
    io: { task: 'forecast', normalization: { mean, std: deviation }, window: settings.window },
    metric: { name: 'validation_rmse', direction: 'lower' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const { x, y } = windows(batches.next().map((k) => k + settings.window));
      const loss = mseLoss(model.forward(x), y);
      backward(loss);
      return loss.item();
    },
    evaluate() {
      model.eval();
      let squared = 0;
      noGrad(() => {
        for (let start = Math.max(split, settings.window); start < series.length; start += 512) {
          const ends = Array.from({ length: Math.min(512, series.length - start) }, (_, k) => start + k);
          const { x, y } = windows(ends);
          const predicted = model.forward(x).value.data;
          for (let b = 0; b < ends.length; b++) squared += ((predicted[b] - y.data[b]) * deviation) ** 2;
        }
      });
      return Math.sqrt(squared / (series.length - Math.max(split, settings.window)));
    },
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
  };
}
