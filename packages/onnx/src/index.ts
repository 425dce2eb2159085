export { importOnnx, OnnxModel, type OnnxValueInfo } from './importOnnx.js';
export { onnxModelKind } from './onnxModelKind.js';
export { checkOnnxGraph, type OnnxGraph, type OnnxGraphNode } from './onnxGraph.js';
export type { JsonAttribute, JsonRawTensor, JsonFloat } from './attributes.js';
export type { RecurrentWeightShapes } from './recurrentNode.js';
export { exportOnnx, onnxSignature, type OnnxStage, type OnnxExportOptions, type OnnxSignature } from './exportOnnx.js';
export { recurrentView, type RecurrentView, type ResetBeforeGRU, type DirectionWeights } from './recurrentView.js';
export { runStages, onnxExample, toJsonTensor, fromJsonTensor, type JsonTensor } from './runStages.js';
