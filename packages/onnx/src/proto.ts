// The ONNX protobuf schema comes from onnx-proto (protobufjs-generated, CommonJS); this file is
// the one place that touches it, so the rest of the package sees plain arrays.
import { protobufRuntime } from './protobufSetup.js';
import onnxProto from 'onnx-proto';

/** The generated ONNX message classes (`ModelProto`, `GraphProto`, `NodeProto`, `TensorProto`, …). */
export const onnx = onnxProto.onnx;
/** Whether int64 fields decode as plain numbers (kept referenced so bundlers keep the setup module). */
export const int64AsNumbers = protobufRuntime.util.Long === undefined;
export type ModelProto = onnxProto.onnx.ModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** ONNX element types this package reads and writes (`TensorProto.DataType`). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** A protobuf int64 as a JavaScript number (protobufjs hands out `Long` objects when `long` is installed). */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** A decoded initializer or constant: its element type, shape and values (int64 as numbers). */
export interface RawTensor {
  dataType: number;
  shape: number[];
  data: Float32Array | number[];
}

/** Reads a TensorProto's values, from `raw_data` (little-endian) or the typed repeated fields. */
export function readTensor(t: TensorProto, where: string): RawTensor {
  const shape = (t.dims ?? []).map(toNumber);
  const size = shape.reduce((a, b) => a * b, 1);
  const dataType = t.dataType ?? 0;
  if (t.dataLocation === 1) throw new Error(`ONNX import: expected tensor data inside the file, got external data for ${where}`);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  let data: Float32Array | number[];
  switch (dataType) {
    case DataType.FLOAT:
      data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = view ? view.getFloat32(4 * i, true) : t.floatData![i];
      break;
    case DataType.DOUBLE:
      data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = view ? view.getFloat64(8 * i, true) : t.doubleData![i];
      break;
    case DataType.INT64:
      data = Array.from({ length: size }, (_, i) => (view ? Number(view.getBigInt64(8 * i, true)) : toNumber(t.int64Data![i])));
      break;
    case DataType.INT32:
      data = Array.from({ length: size }, (_, i) => (view ? view.getInt32(4 * i, true) : t.int32Data![i]));
      break;
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.BOOL:
      data = Array.from({ length: size }, (_, i) => (raw ? (dataType === DataType.INT8 ? view!.getInt8(i) : raw[i]) : t.int32Data![i]));
      break;
    default:
      throw new Error(`ONNX import: expected a tensor of float, double, int64, int32, int8, uint8 or bool, got data type ${dataType} in ${where}`);
  }
  if (data.length !== size) throw new Error(`ONNX import: expected ${size} values for shape [${shape.join(', ')}] in ${where}, got ${data.length}`);
  return { dataType, shape, data };
}

/** Decodes an `.onnx` file. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(`ONNX import: expected an ONNX ModelProto, got bytes that do not decode (${(error as Error).message})`);
  }
}

/** Encodes a model to `.onnx` bytes. */
export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
