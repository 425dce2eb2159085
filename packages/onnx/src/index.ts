export { importOnnx, OnnxModel, type OnnxValueInfo } from './importOnnx.js';
export { exportOnnx, onnxSignature, type OnnxStage, type OnnxExportOptions, type OnnxSignature } from './exportOnnx.js';
export { runStages, onnxExample, toJsonTensor, fromJsonTensor, type JsonTensor } from './runStages.js';
