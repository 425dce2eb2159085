import type { Backend } from '../backend.js';
import { type DataArray, dtypeOf } from '../dtype.js';
import { fromData } from '../ops/creation.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { readHeaderKeys } from './headerKeys.js';

/** Element types a safetensors file may name; `F16`, `BF16` and `I64` are read (widened to
 * float32, or narrowed to int32 with a range check) but never written. */
export type SafetensorsDType = 'F32' | 'F64' | 'I32' | 'I64' | 'F16' | 'BF16';

/** String-to-string metadata stored under the header's `__metadata__` key. */
export type SafetensorsMetadata = Record<string, string>;

/** What went wrong in a safetensors file, one code per kind of damage (see {@link SafetensorsError}). */
export type SafetensorsErrorCode =
  | 'not-bytes' | 'too-short' | 'header-too-large' | 'header-truncated' | 'header-not-utf8' | 'header-not-json'
  | 'header-not-object' | 'duplicate-name' | 'bad-metadata' | 'bad-entry' | 'bad-dtype' | 'bad-shape' | 'bad-offsets'
  | 'offsets-outside' | 'shape-too-large' | 'size-mismatch' | 'overlap' | 'gap' | 'trailing-bytes' | 'value-range'
  | 'bad-name' | 'bad-tensor' | 'header-too-deep';

/** The error {@link decodeSafetensors} and {@link encodeSafetensors} throw: a message naming what
 * was expected and what came, and a `code` a program can test. */
export class SafetensorsError extends Error {
  constructor(readonly code: SafetensorsErrorCode, message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** What {@link decodeSafetensors} returns. */
export interface DecodedSafetensors {
  /** Tensors by name, in header order (a copy of the file's bytes, never a view of them). */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` entry, or `undefined` when the file has none. */
  metadata: SafetensorsMetadata | undefined;
  /** Each tensor's dtype as the file names it (`F16` read as float32 says `F16` here). */
  dtypes: Record<string, SafetensorsDType>;
  /** Where the data bytes begin (8 + the header length): the file's bytes from here are the tensors'. */
  dataStart: number;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** Largest header accepted, in bytes (default 100 MB, the reference implementation's cap). */
  maxHeaderBytes?: number;
  /** Backend of the returned tensors (default: the CPU backend). */
  backend?: Backend;
}

const elementBytes: Record<SafetensorsDType, number> = { F32: 4, F64: 8, I32: 4, I64: 8, F16: 2, BF16: 2 };
const writtenDType = { float32: 'F32', float64: 'F64', int32: 'I32' } as const;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const op = 'decodeSafetensors';
// Rust's Dtype enum order (increasing alignment); the reference writer puts larger ones first.
const dtypeRank: Record<SafetensorsDType, number> = { F16: 7, BF16: 8, I32: 9, F32: 11, F64: 12, I64: 13 };

function fault(code: SafetensorsErrorCode, message: string): never {
  throw new SafetensorsError(code, message);
}

/** Orders two names by Unicode code point, as Rust compares `String`s (byte order of UTF-8);
 * JavaScript's `<` compares UTF-16 units, which differs above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const d = left[i].codePointAt(0)! - right[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return left.length - right.length;
}

/**
 * Writes tensors as a safetensors file the way the reference writer (`safetensors.torch.save_file`,
 * Rust `safetensors::serialize`) lays it out: an unsigned 64-bit little-endian header length `N`,
 * a compact UTF-8 JSON header (`__metadata__` first, then one entry per tensor) padded with spaces
 * so `N` is a multiple of 8, then every tensor's little-endian row-major bytes. Tensors are ordered
 * as the reference orders them: by dtype, larger alignment first (`F64`, then `F32`, then `I32`),
 * then by name in code-point order. So for float32 tensors and metadata of at most one key (such
 * as `{ format: 'pt' }`) the bytes equal the file `save_file` writes; with several metadata keys
 * the reference writes them in its hash map's order, which no other writer can reproduce.
 * PyTorch reads the file with `model.load_state_dict(safetensors.torch.load_file(path))`.
 *
 * Shapes: any; dtypes float32 → `F32`, float64 → `F64`, int32 → `I32`.
 *
 * @example
 * const bytes = encodeSafetensors({ weight: zeros([2, 3]) }, { format: 'pt' });
 * decodeSafetensors(bytes).tensors.weight.shape; // [2, 3]
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: SafetensorsMetadata): Uint8Array {
  const entries: string[] = [];
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') fault('bad-metadata', `encodeSafetensors: expected string metadata values, got ${typeof value} for '${key}'`);
    }
    entries.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === '__metadata__') fault('bad-name', "encodeSafetensors: expected tensor names other than '__metadata__', got '__metadata__'");
    if (!Object.hasOwn(writtenDType, tensors[name]?.dtype)) fault('bad-tensor', `encodeSafetensors: expected a float32, float64 or int32 tensor for '${name}', got ${Object.prototype.toString.call(tensors[name])}`);
  }
  names.sort((a, b) => dtypeRank[writtenDType[tensors[b].dtype]] - dtypeRank[writtenDType[tensors[a].dtype]] || compareCodePoints(a, b));
  for (const name of names) {
    const tensor = tensors[name];
    const dtype = writtenDType[tensor.dtype];
    const end = offset + tensor.size * elementBytes[dtype];
    entries.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":${JSON.stringify(tensor.shape)},"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const name of names) {
    const data = tensors[name].data;
    writeLittleEndian(data, bytes, view, position);
    position += data.byteLength;
  }
  return bytes;
}

/**
 * Reads a safetensors file, validating everything before trusting it: the header length lies
 * inside the file and under a cap, the header is well-formed UTF-8 JSON holding one object with
 * unique names, every entry has a known dtype, a shape of non-negative integers whose byte count
 * equals its `data_offsets` span, and the spans lie inside the data, do not overlap and cover it
 * exactly. Anything else throws an error naming what was expected; nothing is evaluated as code.
 * `I64` values are narrowed to int32 (an error if one does not fit), `F16` / `BF16` widened to
 * float32.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(readFileSync('model.safetensors'));
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) fault('not-bytes', `${op}: expected a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  const maxHeaderBytes = options.maxHeaderBytes ?? 100_000_000;
  if (bytes.length < 8) fault('too-short', `${op}: expected at least 8 bytes (the header length), got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (high >= 2 ** 21 || headerLength > maxHeaderBytes) {
    fault('header-too-large', `${op}: expected a header length of at most ${maxHeaderBytes} bytes, got ${headerLength}`);
  }
  if (8 + headerLength > bytes.length) {
    fault('header-truncated', `${op}: expected a header of ${headerLength} bytes inside the file, got a file of ${bytes.length} bytes (truncated?)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fault('header-not-utf8', `${op}: expected a UTF-8 header, got invalid UTF-8`);
  }
  // error messages and checks walk the parsed header recursively: a header nested 100,000 deep
  // overflowed the stack, so nesting is bounded before parsing (real headers are 3 deep)
  const depth = nestingDepth(text, maxHeaderDepth);
  if (depth > maxHeaderDepth) fault('header-too-deep', `${op}: expected a header nested at most ${maxHeaderDepth} levels deep, got more`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fault('header-not-json', `${op}: expected a JSON header, got malformed JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fault('header-not-object', `${op}: expected the header to be a JSON object, got ${Array.isArray(header) ? 'an array' : typeof header}`);
  }
  // JSON.parse keeps the last of two equal keys silently, so the keys are counted from the text
  const seen = new Set<string>();
  for (const key of readHeaderKeys(text)) {
    if (seen.has(key)) fault('duplicate-name', `${op}: expected unique tensor names, got '${key}' twice`);
    seen.add(key);
  }
  const record = header as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let metadata: SafetensorsMetadata | undefined;
  const entries: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] = [];
  for (const name of Object.keys(record)) {
    const entry = record[name];
    if (name === '__metadata__') {
      metadata = checkMetadata(entry);
      continue;
    }
    entries.push({ name, ...checkEntry(name, entry, dataLength) });
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const entry of byOffset) {
    if (entry.begin !== covered) {
      const what = entry.begin < covered ? 'overlaps the previous tensor' : `leaves a gap at byte ${covered}`;
      fault(entry.begin < covered ? 'overlap' : 'gap', `${op}: expected non-overlapping tensors covering the data, got '${entry.name}' at [${entry.begin}, ${entry.end}] which ${what}`);
    }
    covered = entry.end;
  }
  if (covered !== dataLength) {
    fault('trailing-bytes', `${op}: expected the tensors to cover all ${dataLength} data bytes, got ${covered} covered`);
  }
  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  const dtypes: Record<string, SafetensorsDType> = Object.create(null) as Record<string, SafetensorsDType>;
  for (const entry of entries) {
    const data = readData(entry.name, entry.dtype, bytes.subarray(dataStart + entry.begin, dataStart + entry.end));
    tensors[entry.name] = fromData(data, entry.shape, { backend: options.backend });
    dtypes[entry.name] = entry.dtype;
  }
  return { tensors, metadata, dtypes, dataStart };
}

function checkMetadata(value: unknown): SafetensorsMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fault('bad-metadata', `${op}: expected __metadata__ to be an object of strings, got ${JSON.stringify(value)}`);
  }
  const result: SafetensorsMetadata = Object.create(null) as SafetensorsMetadata;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') fault('bad-metadata', `${op}: expected __metadata__ values to be strings, got ${JSON.stringify(entry)} for '${key}'`);
    result[key] = entry;
  }
  return result;
}

function checkEntry(name: string, value: unknown, dataLength: number): { dtype: SafetensorsDType; shape: number[]; begin: number; end: number } {
  const where = `${op}: tensor '${name}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fault('bad-entry', `${where}: expected {dtype, shape, data_offsets}, got ${JSON.stringify(value)}`);
  const { dtype, shape, data_offsets: offsets, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) fault('bad-entry', `${where}: expected only dtype, shape and data_offsets, got ${extra.join(', ')}`);
  if (typeof dtype !== 'string' || !Object.hasOwn(elementBytes, dtype)) {
    fault('bad-dtype', `${where}: expected dtype F32, F64, I32, I64, F16 or BF16, got ${JSON.stringify(dtype)}`);
  }
  const size = elementBytes[dtype as SafetensorsDType];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fault('bad-shape', `${where}: expected a shape of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fault('bad-offsets', `${where}: expected data_offsets [begin, end] of non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    fault('offsets-outside', `${where}: expected data_offsets inside the ${dataLength} data bytes, got [${begin}, ${end}]`);
  }
  // multiply step by step so a huge shape is caught before it overflows
  let bytesNeeded = size;
  for (const dimension of shape as number[]) {
    bytesNeeded *= dimension;
    if (bytesNeeded > dataLength) {
      fault('shape-too-large', `${where}: expected a shape that fits the ${dataLength} data bytes, got ${formatShape(shape as number[])}`);
    }
  }
  if (bytesNeeded !== end - begin) {
    fault('size-mismatch', `${where}: expected ${bytesNeeded} bytes for ${dtype} ${formatShape(shape as number[])}, got data_offsets spanning ${end - begin}`);
  }
  return { dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

function readData(name: string, dtype: SafetensorsDType, source: Uint8Array): DataArray {
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const count = source.byteLength / elementBytes[dtype];
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      if (littleEndian) new Uint8Array(out.buffer).set(source);
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'F64': {
      const out = new Float64Array(count);
      if (littleEndian) new Uint8Array(out.buffer).set(source);
      else for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const low = view.getUint32(8 * i, true);
        const high = view.getInt32(8 * i + 4, true);
        // fits int32 iff the high word is the sign extension of the low word
        if (high !== (low >= 0x80000000 ? -1 : 0)) {
          fault('value-range', `${op}: tensor '${name}': expected I64 values within int32 range, got ${(BigInt(high) << 32n) + BigInt(low)} at index ${i}`);
        }
        out[i] = low | 0;
      }
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const widened = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        widened.setUint32(0, view.getUint16(2 * i, true) << 16);
        out[i] = widened.getFloat32(0);
      }
      return out;
    }
  }
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function writeLittleEndian(data: DataArray, bytes: Uint8Array, view: DataView, position: number): void {
  if (littleEndian) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    return;
  }
  const dtype = dtypeOf(data);
  for (let i = 0; i < data.length; i++) {
    if (dtype === 'float32') view.setFloat32(position + 4 * i, data[i], true);
    else if (dtype === 'float64') view.setFloat64(position + 8 * i, data[i], true);
    else view.setInt32(position + 4 * i, data[i], true);
  }
}

/** Deepest nesting a header may have (a real one: object → entry → shape array, 3). */
const maxHeaderDepth = 64;

/** The bracket nesting depth of JSON text outside strings, counted up to just past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}
