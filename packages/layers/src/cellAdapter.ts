import type { Tensor } from '@recurrent/tensor';
import { zeros } from '@recurrent/tensor';
import { Module, type Parameter, type Variable } from '@recurrent/autograd';
import { GRUCell, LSTMCell, RNNCell } from '@recurrent/cells';
import type { CellStepResult, RecurrentCell, SequenceLayer, SequenceOptions, SequenceResult } from './recurrent.js';
import type { FusedLayer } from './sequence/fusedLayer.js';

/** The built-in cells whose step is `forward(x, h)` / `forward(x, { h, c })`. */
export type BuiltInCell = RNNCell | GRUCell | LSTMCell;

/** Anything {@link Recurrent} can run: a cell with `step`, or a built-in cell. */
export type AnyCell = RecurrentCell | BuiltInCell;

/**
 * Presents `RNNCell`, `GRUCell` or `LSTMCell` through the common step interface
 * (`step(x, state, t) → { output, state }`, state `[h]` or `[h, c]`), with the cell's own
 * parameter names. Other cells are returned unchanged.
 *
 * @example
 * const layer = new Recurrent(asRecurrentCell(new GRUCell({ inputSize: 4, hiddenSize: 8 })));
 */
export function asRecurrentCell(cell: AnyCell): RecurrentCell {
  if (cell instanceof RNNCell || cell instanceof GRUCell || cell instanceof LSTMCell) return new BuiltInCellAdapter(cell);
  return cell;
}

/**
 * A built-in cell behind the common step interface (see {@link asRecurrentCell}).
 *
 * @example
 * const adapter = new BuiltInCellAdapter(new LSTMCell({ inputSize: 4, hiddenSize: 8 }));
 * const { output, state } = adapter.step(x, adapter.initialState(batch), 0); // state [h, c]
 */
export class BuiltInCellAdapter extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];

  constructor(readonly cell: BuiltInCell) {
    super();
    this.inputSize = cell.inputSize;
    this.hiddenSize = cell.hiddenSize;
    const lstm = cell instanceof LSTMCell;
    this.outputSize = lstm ? cell.projSize || cell.hiddenSize : cell.hiddenSize;
    this.stateSizes = lstm ? [this.outputSize, cell.hiddenSize] : [cell.hiddenSize];
    for (const [name, parameter] of cell.namedParameters()) this.registerParameter(name, parameter as Parameter);
  }

  override train(mode = true): this {
    super.train(mode);
    this.cell.train(mode);
    return this;
  }

  /** Zeros for every state tensor, of the cell's dtype and backend. */
  initialState(batch: number): Tensor[] {
    const like = this.cell.weightIh.value;
    return this.stateSizes.map((size) => zeros([batch, size], { dtype: like.dtype, backend: like.backend }));
  }

  /** One step of the wrapped cell; the output is `h`. */
  step(input: Variable | Tensor, state: readonly (Variable | Tensor)[] | undefined): CellStepResult {
    if (this.cell instanceof LSTMCell) {
      const { h, c } = this.cell.forward(input, state ? { h: state[0], c: state[1] } : null);
      return { output: h, state: [h, c] };
    }
    const h = this.cell.forward(input, state?.[0] ?? null);
    return { output: h, state: [h] };
  }
}

/**
 * Presents a fused `RNN`, `LSTM` or `GRU` as a {@link SequenceLayer}: `initialState` is
 * `[h0]` or `[h0, c0]` in the fused layer's layout `[numLayers·D, B, H]`, and the final state is
 * `[h_n]` or `[h_n, c_n]`.
 *
 * @example
 * const stack = new Stacked([asSequenceLayer(new LSTM({ inputSize: 4, hiddenSize: 8 })), new JordanCell({ … })]);
 */
export function asSequenceLayer(layer: FusedLayer | SequenceLayer): SequenceLayer {
  return 'stateCount' in layer ? layer : new FusedLayerAdapter(layer);
}

class FusedLayerAdapter extends Module implements SequenceLayer {
  readonly batchFirst: boolean;
  readonly outputSize: number;
  readonly stateCount: number;

  constructor(readonly layer: FusedLayer) {
    super();
    this.batchFirst = layer.batchFirst;
    this.outputSize = (layer.bidirectional ? 2 : 1) * (layer.projSize || layer.hiddenSize);
    this.stateCount = layer.constructor.name === 'LSTM' ? 2 : 1;
    for (const [name, parameter] of layer.namedParameters()) this.registerParameter(name, parameter as Parameter);
  }

  override train(mode = true): this {
    super.train(mode);
    this.layer.train(mode);
    return this;
  }

  forward(input: Variable | Tensor, options: SequenceOptions = {}): SequenceResult {
    const [h0, c0] = options.initialState ?? [];
    const run = this.layer as unknown as { forward(x: Variable | Tensor, state: object): { output: Variable; h_n: Variable; c_n?: Variable } };
    const result = run.forward(input, { h0: h0 ?? null, c0: c0 ?? null, lengths: options.lengths ?? null });
    return { output: result.output, state: result.c_n ? [result.h_n, result.c_n] : [result.h_n] };
  }
}
