export { JordanCell, type JordanCellOptions, type JordanStep } from './jordanCell.js';
export { ClockworkCell, type ClockworkCellOptions, type ClockworkStep } from './clockworkCell.js';
export { SCRNCell, type SCRNCellOptions, type SCRNStep } from './scrnCell.js';
export { RNNCell, ElmanCell, type RNNCellOptions } from './rnnCell.js';
export { LSTMCell, type LSTMCellOptions, type LSTMState, type LSTMStateInput } from './lstmCell.js';
export { GRUCell, type GRUCellOptions } from './gruCell.js';
export { type RecurrentInit, orthogonalBlocks, uniformParameter } from './init.js';
export type { StepInput } from './stepTools.js';
export {
  recurrentPrimitive, recurrenceOf, type RecurrentInput, type RecurrentPrimitiveOptions,
} from './recurrentPrimitive.js';
export { type RecurrentCell, type CellStepResult, type CellOptions, type CellConfig, cellSchema, drawSchema } from './cell.js';
export { MinGRUCell, type MinCellOptions } from './minGRUCell.js';
export { MinLSTMCell } from './minLSTMCell.js';
export { minRnnG } from './minRnnMath.js';
export {
  LayerNormLSTMCell, LayerNormGRUCell, layerNormRows, layerNormParameters, layerNormLSTMStep, layerNormGRUStep,
  type LayerNormCellOptions, type LayerNormParameters,
} from './layerNormCells.js';
