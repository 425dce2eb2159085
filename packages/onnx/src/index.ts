export { importOnnx, OnnxModel, type OnnxValueInfo } from './importOnnx.js';
