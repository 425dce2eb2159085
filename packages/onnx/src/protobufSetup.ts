// protobufjs (under onnx-proto) looks up the `long` package at load time through an eval'd
// require, which bundlers and vitest resolve to the wrong module (or none): its int64 fields then
// break. ONNX's int64 values (dimensions, axes, indices) all fit a double, so protobufjs is told to
// use plain numbers before onnx-proto's schema loads.
import protobuf from 'protobufjs/minimal.js';

protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

/** The configured protobufjs runtime (imported first by ./proto.ts). */
export const protobufRuntime = protobuf;
