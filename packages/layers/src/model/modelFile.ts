import { type Backend, SafetensorsError, type Tensor, decodeSafetensors, encodeSafetensors, formatShape } from '@recurrent/tensor';
import type { Module } from '@recurrent/autograd';
import { type ModelIO, checkModelIO } from './modelIO.js';
import { ModelFileError } from './modelFileError.js';
import { buildDescribed, checkDescription, describeModule, expectedShapes, kindTable } from './moduleDescription.js';
import type { ModuleDescription, ModuleKind } from './moduleKind.js';
import { sha256Hex } from './sha256.js';

/** The version of the model description this library writes and reads. */
export const modelFormatVersion = 1;

/** The `__metadata__` key holding the description (beside `format: 'pt'`, which PyTorch's loader expects). */
export const modelMetadataKey = 'recurrent';

/** The description a model file holds, as JSON in its `__metadata__`. */
export interface ModelDescription {
  format: 'recurrent-model';
  version: number;
  /** The module tree. */
  module: ModuleDescription;
  /** Every parameter's shape by PyTorch state-dict name, in state-dict order (all float32). */
  tensors: Record<string, number[]>;
  /** SHA-256 (hex) of the file's data bytes: every tensor's bytes in file order. */
  sha256: string;
  /** How raw input becomes the model's input and back, or null. */
  io: ModelIO | null;
}

/** Options of {@link encodeModel}. */
export interface EncodeModelOptions {
  /** Preprocessing kept with the model (vocabulary, normalisation, framing). */
  io?: ModelIO;
  /** How the user's own module classes are described (tried before the library's kinds). */
  kinds?: readonly ModuleKind[];
}

/** Options of {@link decodeModel}. */
export interface DecodeModelOptions {
  /** The user's own module kinds the file may name. */
  kinds?: readonly ModuleKind[];
  /** Backend the parameters are made on (default: the CPU backend). */
  backend?: Backend;
}

/** A model read from a file, in evaluation mode. */
export interface LoadedModel<M extends Module = Module> {
  module: M;
  io: ModelIO | null;
  description: ModelDescription;
}

/**
 * Writes a module as one safetensors file: the weights under PyTorch's state-dict names (so
 * `model.load_state_dict(safetensors.torch.load_file(path))` reads them) and, in `__metadata__`,
 * the description: module kinds and options, parameter shapes, a SHA-256 of the weights and the
 * `io` that turns raw input into the model's input. A module no kind describes is an error naming
 * it.
 *
 * @example
 * const bytes = encodeModel(model, { io: { task: 'char-lm', vocabulary } });
 * const { module } = decodeModel(bytes);
 */
export function encodeModel(module: Module, options: EncodeModelOptions = {}): Uint8Array {
  const tree = describeModule(module, options.kinds ?? []);
  const state = module.stateDict();
  const tensors: Record<string, number[]> = {};
  for (const [name, value] of Object.entries(state)) {
    if (value.dtype !== 'float32') throw new ModelFileError('not-float32', `encodeModel: expected float32 parameters, got ${value.dtype} '${name}'`);
    tensors[name] = [...value.shape];
  }
  const io = options.io === undefined ? null : checkModelIO(JSON.parse(JSON.stringify(options.io)), 'encodeModel');
  // the data bytes do not depend on the header: lay them out once to hash them
  const plain = encodeSafetensors(state, { format: 'pt' });
  const dataStart = 8 + new DataView(plain.buffer, plain.byteOffset).getUint32(0, true);
  const description: ModelDescription = { format: 'recurrent-model', version: modelFormatVersion, module: tree, tensors, sha256: sha256Hex(plain.subarray(dataStart)), io };
  return encodeSafetensors(state, { format: 'pt', [modelMetadataKey]: JSON.stringify(description) });
}

/**
 * Reads a model file, validating everything before building anything: the safetensors layout
 * (header length, JSON, every tensor's dtype, shape and byte range), the description's format and
 * version, every module kind and its options, each tensor against the description (names, float32,
 * shapes), the SHA-256 of the weights, the shapes the options imply (so a description that would
 * allocate more than the file holds is refused first) and the `io` entry. Then it builds the
 * modules, loads the weights and returns the model in evaluation mode. Every problem is one
 * {@link ModelFileError}; nothing in a file is evaluated as code.
 *
 * @example
 * const { module, io } = decodeModel(new Uint8Array(await (await fetch('/models/moby.safetensors')).arrayBuffer()));
 */
export function decodeModel<M extends Module = Module>(bytes: Uint8Array, options: DecodeModelOptions = {}): LoadedModel<M> {
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new ModelFileError(error.code, `loadModel: ${error.message}`);
    throw error;
  }
  const text = decoded.metadata?.[modelMetadataKey];
  if (text === undefined) throw new ModelFileError('not-a-model', `loadModel: expected a model file (a '${modelMetadataKey}' entry in __metadata__), got a safetensors file without one (plain weights: load them with module.loadStateDict)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError('bad-description', `loadModel: expected the description to be JSON, got malformed JSON (${(error as Error).message})`);
  }
  const description = checkFileDescription(raw);
  const table = kindTable(options.kinds);
  description.module = checkDescription(description.module, table);
  checkTensors(description, decoded.tensors, decoded.dtypes);
  const digest = sha256Hex(bytes.subarray(decoded.dataStart));
  if (digest !== description.sha256) throw new ModelFileError('checksum', `loadModel: expected weights with SHA-256 ${description.sha256}, got ${digest} (the file was changed or damaged)`);
  const implied = expectedShapes(description.module, table, Object.keys(description.tensors).length);
  if (implied !== null) compareShapes('the options', implied, description.tensors);
  description.io = checkModelIO(description.io);
  const module = buildDescribed(description.module, table, { backend: options.backend });
  const built: Record<string, number[]> = Object.fromEntries(Object.entries(module.stateDict()).map(([name, value]) => [name, [...value.shape]]));
  compareShapes('the built model', built, description.tensors);
  module.loadStateDict(decoded.tensors, { strict: true });
  module.eval();
  return { module: module as M, io: description.io, description };
}

function checkFileDescription(raw: unknown): ModelDescription {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFileError('bad-description', `loadModel: expected the description to be an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  const record = raw as Record<string, unknown>;
  if (record.format !== 'recurrent-model') throw new ModelFileError('bad-description', `loadModel: expected format 'recurrent-model', got ${JSON.stringify(record.format)?.slice(0, 60)}`);
  if (record.version !== modelFormatVersion) throw new ModelFileError('unsupported-version', `loadModel: expected description version ${modelFormatVersion}, got ${JSON.stringify(record.version)?.slice(0, 60)} (written by another version of @recurrent/layers?)`);
  const extra = Object.keys(record).filter((key) => !['format', 'version', 'module', 'tensors', 'sha256', 'io'].includes(key));
  if (extra.length > 0) throw new ModelFileError('bad-description', `loadModel: expected only format, version, module, tensors, sha256 and io in the description, got ${extra.join(', ').slice(0, 80)}`);
  if (typeof record.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.sha256)) throw new ModelFileError('bad-description', `loadModel: expected sha256 to be 64 hex digits, got ${JSON.stringify(record.sha256)?.slice(0, 80)}`);
  const tensors = record.tensors;
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) throw new ModelFileError('bad-description', 'loadModel: expected tensors to be an object of shapes');
  for (const [name, shape] of Object.entries(tensors)) {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ModelFileError('bad-description', `loadModel: expected the shape of '${name}' to be non-negative integers, got ${JSON.stringify(shape)?.slice(0, 80)}`);
  }
  return record as unknown as ModelDescription;
}

function checkTensors(description: ModelDescription, tensors: Record<string, Tensor>, dtypes: Record<string, string>): void {
  for (const [name, shape] of Object.entries(description.tensors)) {
    const tensor = tensors[name];
    if (!Object.hasOwn(tensors, name)) throw new ModelFileError('missing-tensor', `loadModel: expected tensor '${name}' ${formatShape(shape)} in the file, got none`);
    if (dtypes[name] !== 'F32') throw new ModelFileError('dtype-mismatch', `loadModel: expected tensor '${name}' to be F32, got ${dtypes[name]}`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, k) => d !== shape[k])) {
      throw new ModelFileError('shape-mismatch', `loadModel: expected tensor '${name}' ${formatShape(shape)} (the description's), got ${formatShape(tensor.shape)}`);
    }
  }
  for (const name of Object.keys(tensors)) {
    if (!Object.hasOwn(description.tensors, name)) throw new ModelFileError('unexpected-tensor', `loadModel: expected only the described tensors, got '${name.slice(0, 80)}' too`);
  }
}

function compareShapes(source: string, actual: Record<string, number[]>, described: Record<string, number[]>): void {
  for (const [name, shape] of Object.entries(described)) {
    const other = actual[name];
    if (!Object.hasOwn(actual, name) || other.length !== shape.length || other.some((d, k) => d !== shape[k])) {
      const got = Object.hasOwn(actual, name) ? formatShape(other) : 'no such parameter';
      throw new ModelFileError('description-mismatch', `loadModel: expected '${name}' ${formatShape(shape)} as the file holds it, got ${got} from ${source}`);
    }
  }
  for (const name of Object.keys(actual)) {
    if (!Object.hasOwn(described, name)) throw new ModelFileError('description-mismatch', `loadModel: expected the parameters the file holds, got '${name}' too from ${source}`);
  }
}
