import { CliError } from '../cliError.js';
import type { CellName } from '../tasks/models.js';

/** What the estimate needs of a task's model and batches. */
export interface ModelSize {
  cell: CellName;
  /** Features entering the first recurrent layer (the embedding size for token models). */
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** Rows of the embedding table (0 without one). */
  vocabularySize: number;
  outputSize: number;
  batch: number;
  /** Time steps of one training sequence. */
  steps: number;
}

// gate blocks per cell (the min-RNNs' have no recurrent weights: counting them bounds from above)
const gates: Record<CellName, number> = { lstm: 4, gru: 3, rnn: 1, 'layernorm-lstm': 4, mingru: 2, minlstm: 3 };

/**
 * Bytes a training run is expected to hold: every parameter four times (weights, gradients and
 * two Adam moments, float32) plus the activations one step keeps for backpropagation (gates,
 * states and their gradients for every layer, direction and time step, and the logits).
 */
export function estimateTrainingBytes(size: ModelSize): { bytes: number; parameters: number } {
  const directions = size.bidirectional ? 2 : 1;
  const g = gates[size.cell];
  let parameters = size.vocabularySize * size.inputSize;
  for (let layer = 0; layer < size.numLayers; layer++) {
    const input = layer === 0 ? size.inputSize : directions * size.hiddenSize;
    parameters += directions * g * size.hiddenSize * (input + size.hiddenSize + 2);
  }
  parameters += (directions * size.hiddenSize + 1) * size.outputSize;
  const activations = size.batch * size.steps * (size.numLayers * directions * (g + 3) * size.hiddenSize * 2 + size.outputSize * 3 + size.inputSize);
  return { bytes: 4 * (4 * parameters + activations), parameters };
}

/** Refuses, with one line, a model expected to need more than `limitGB` gigabytes. */
export function checkMemory(size: ModelSize, limitGB: number): void {
  const { bytes, parameters } = estimateTrainingBytes(size);
  if (!Number.isFinite(bytes) || bytes > limitGB * 1e9) {
    const needed = bytes / 1e9;
    throw new CliError(
      `recurrent train: expected a model within --max-memory ${limitGB} GB, got one needing about ${needed.toPrecision(3)} GB `
      + `(${parameters.toExponential(2)} parameters, hidden size ${size.hiddenSize}, ${size.numLayers} layers, batch ${size.batch}); `
      + (needed < 1e5 ? `pass --max-memory ${Math.ceil(needed)} to try anyway` : 'no machine has that much'),
    );
  }
}
