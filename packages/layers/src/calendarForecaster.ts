import { type Backend, type Tensor, checkOptions, fail, option } from '@recurrent/tensor';
import { Module, type Variable, add, concat, expand, narrow, reshape, tanh } from '@recurrent/autograd';
import type { Embedding } from './embedding.js';
import type { Linear } from './linear.js';
import type { FusedRecurrentLayer } from './tokenModel.js';

/** The submodules of a {@link CalendarForecaster}. */
export interface CalendarForecasterOptions {
  /** Reads the past `[window, B, inputSize]`: one direction, time-major (`batchFirst: false`). */
  rnn: FusedRecurrentLayer;
  /** Embeds each target's day of week (ids 0–6, Monday first, for a daily series). */
  weekday: Embedding;
  /** Embeds each target's day of year (ids 0–365). */
  day: Embedding;
  /** Embeds each target's horizon: `numEmbeddings` is the horizon `K`, ids `h − 1` for `h = 1 … K`. */
  step: Embedding;
  /** `inFeatures` = the recurrent width + the three embedding sizes + `V` per-target values; then tanh. */
  hidden: Linear;
  /** `hidden.outFeatures → 1`: the prediction (added to the target's `base` when one is given). */
  output: Linear;
}

/** The inputs of {@link CalendarForecaster.forward} for `B` forecast origins and horizon `K`. */
export interface CalendarForecasterInput {
  /** The past, `[window, B, inputSize]` float32, time-major, the origin's day last. */
  past: Tensor;
  /** Target day-of-week ids `[B·K]` int32, origin-major (row `b·K + h − 1` is origin `b`'s target `h`). */
  weekday: Tensor;
  /** Target day-of-year ids `[B·K]` int32, same order. */
  dayOfYear: Tensor;
  /** Horizon ids `h − 1`, `[B·K]` int32, same order. */
  step: Tensor;
  /** Per-target values `[B·K, V]` float32 (what baselines would predict, the last value…). */
  values: Tensor;
  /** Per-target value the prediction corrects, `[B·K]` float32 (absent: none is added). */
  base?: Tensor;
}

/**
 * A direct multi-horizon forecaster for a daily series: a recurrent layer reads `window` past
 * steps; its top layer's last state `h_T` is paired with each of the `K` targets' calendar and
 * values, and a tanh MLP predicts every target at once (no feeding back of predictions):
 *
 *   z_{b,h} = [h_T(b) ; E_weekday[w_{b,h}] ; E_day[d_{b,h}] ; E_step[h − 1] ; v_{b,h}]
 *   ŷ_{b,h} = W_o · tanh(W_1 · z_{b,h} + b_1) + b_o  (+ base_{b,h})
 *
 * With `base` the value a season earlier, the network learns a correction to that baseline. The
 * cli's `recurrent train births` trains one on US daily births ({@link dailyCalendarInputs} makes
 * its inputs from raw counts and dates, {@link forecastDaily} runs a loaded model file end to end).
 * State-dict names are PyTorch's for an `nn.Module` with submodules `rnn`, `weekday`, `day`,
 * `step`, `hidden` and `output`.
 *
 * Shapes: `past [window, B, inputSize]`, ids `[B·K]`, `values [B·K, V]`, `base [B·K]` →
 * predictions `[B·K]` (origin-major).
 *
 * @example
 * const model = new CalendarForecaster({
 *   rnn: new LSTM({ inputSize: 11, hiddenSize: 16 }),
 *   weekday: new Embedding({ numEmbeddings: 7, embeddingDim: 4 }),
 *   day: new Embedding({ numEmbeddings: 366, embeddingDim: 8 }),
 *   step: new Embedding({ numEmbeddings: 28, embeddingDim: 4 }),
 *   hidden: new Linear({ inFeatures: 16 + 4 + 8 + 4 + 3, outFeatures: 64 }),
 *   output: new Linear({ inFeatures: 64, outFeatures: 1 }),
 * });
 * // 500 days of counts from 2012-01-01; the calendar runs 28 days past them
 * const births = Array.from({ length: 500 }, (_, k) => 11000 + 2000 * Math.cos((2 * Math.PI * k) / 7));
 * const series = { values: births, ...dailyCalendar('2012-01-01', births.length + 28) };
 * const input = dailyCalendarInputs(series, [499, 480], { normalization: { mean: 0, std: 11000 }, window: 56, horizon: 28 });
 * model.forward(input).shape; // [56]: 28 days after each of the two origins
 */
export class CalendarForecaster extends Module {
  readonly rnn: FusedRecurrentLayer;
  readonly weekday: Embedding;
  readonly day: Embedding;
  readonly step: Embedding;
  readonly hidden: Linear;
  readonly output: Linear;
  /** Targets per origin (`step.numEmbeddings`). */
  readonly horizon: number;
  /** Per-target values `V` each row of `values` holds. */
  readonly valueFeatures: number;

  constructor(options: CalendarForecasterOptions) {
    super();
    const parts = ['rnn', 'weekday', 'day', 'step', 'hidden', 'output'] as const;
    checkOptions('CalendarForecaster', options, Object.fromEntries(parts.map((name) => [name, option.any])), parts);
    const { rnn, weekday, day, step, hidden, output } = options;
    if (rnn.bidirectional || rnn.batchFirst) {
      fail('CalendarForecaster', 'a one-direction, time-major recurrent layer', `bidirectional ${rnn.bidirectional}, batchFirst ${rnn.batchFirst}`);
    }
    const width = rnn.projSize > 0 ? rnn.projSize : rnn.hiddenSize;
    const fixed = width + weekday.embeddingDim + day.embeddingDim + step.embeddingDim;
    if (hidden.inFeatures < fixed) {
      fail('CalendarForecaster', `hidden inFeatures of at least ${fixed} (recurrent ${width} + embeddings ${weekday.embeddingDim} + ${day.embeddingDim} + ${step.embeddingDim} + values)`, `inFeatures ${hidden.inFeatures}`);
    }
    if (output.inFeatures !== hidden.outFeatures || output.outFeatures !== 1) {
      fail('CalendarForecaster', `output ${hidden.outFeatures} → 1 (hidden's outFeatures in, one prediction out)`, `${output.inFeatures} → ${output.outFeatures}`);
    }
    this.rnn = this.registerModule('rnn', rnn);
    this.weekday = this.registerModule('weekday', weekday);
    this.day = this.registerModule('day', day);
    this.step = this.registerModule('step', step);
    this.hidden = this.registerModule('hidden', hidden);
    this.output = this.registerModule('output', output);
    this.horizon = step.numEmbeddings;
    this.valueFeatures = hidden.inFeatures - fixed;
  }

  /** The backend the parameters live on: make the inputs on it. */
  get backend(): Backend {
    return this.output.weight.value.backend;
  }

  /** The options besides the submodules that rebuild this model, as JSON: none (the sizes are the submodules'). */
  config(): Record<string, never> {
    return {};
  }

  /** Predictions `[B·K]`, origin-major, in the units of the inputs. */
  forward(input: CalendarForecasterInput): Variable {
    checkOptions('CalendarForecaster.forward', input, {
      past: option.any, weekday: option.any, dayOfYear: option.any, step: option.any, values: option.any, base: option.any,
    }, ['past', 'weekday', 'dayOfYear', 'step', 'values']);
    const { past } = input;
    const K = this.horizon, V = this.valueFeatures;
    if (past.shape.length !== 3 || past.shape[2] !== this.rnn.inputSize) {
      fail('CalendarForecaster.forward', `past [window, B, ${this.rnn.inputSize}]`, `[${past.shape.join(', ')}]`);
    }
    const B = past.shape[1], rows = B * K;
    for (const name of ['weekday', 'dayOfYear', 'step', 'base'] as const) {
      const t = input[name];
      if (t !== undefined && (t.shape.length !== 1 || t.shape[0] !== rows)) fail('CalendarForecaster.forward', `${name} [${rows}] (B ${B} × horizon ${K})`, `[${t.shape.join(', ')}]`);
    }
    if (input.values.shape.length !== 2 || input.values.shape[0] !== rows || input.values.shape[1] !== V) {
      fail('CalendarForecaster.forward', `values [${rows}, ${V}]`, `[${input.values.shape.join(', ')}]`);
    }
    const { h_n } = this.rnn.forward(past, { h0: null, lengths: null }) as { h_n: Variable };
    const H = h_n.shape[2];
    // one row per (origin, horizon): the top layer's last state repeated for each of the K targets
    const top = reshape(narrow(h_n, 0, h_n.shape[0] - 1, 1), [B, 1, H]);
    const repeated = reshape(expand(top, [B, K, H]), [rows, H]);
    const features = concat([repeated, this.weekday.forward(input.weekday), this.day.forward(input.dayOfYear), this.step.forward(input.step), input.values], 1);
    const prediction = reshape(this.output.forward(tanh(this.hidden.forward(features))), [rows]);
    return input.base === undefined ? prediction : add(prediction, input.base);
  }
}
