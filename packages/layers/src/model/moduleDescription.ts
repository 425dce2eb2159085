import { checkOptions, describeValue } from '@recurrent/tensor';
import type { Module } from '@recurrent/autograd';
import { FusedLayer } from '../sequence/fusedLayer.js';
import { builtInKinds } from './builtInKinds.js';
import { ModelFileError } from './modelFileError.js';
import type { BuildContext, Json, JsonObject, ModuleDescription, ModuleKind, ShapeMap } from './moduleKind.js';

/** Deepest module tree a file may describe (a guard against hostile nesting, not a design limit). */
export const maxDepth = 32;

/** The adapters the layers wrap fused layers in: a description names what they wrap. */
function unwrap(module: Module): Module {
  const inner = (module as { layer?: unknown }).layer;
  if (inner instanceof FusedLayer && module.namedChildren().length === 0) return inner;
  return module;
}

/** The kinds a caller's list and the built-in ones make, the caller's first. */
export function kindTable(kinds: readonly ModuleKind[] = []): Map<string, ModuleKind> {
  const table = new Map<string, ModuleKind>();
  for (const kind of [...kinds, ...builtInKinds]) if (!table.has(kind.kind)) table.set(kind.kind, kind);
  return table;
}

function isJson(value: unknown, depth = 0): value is Json {
  if (depth > maxDepth) return false;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every((item) => isJson(item, depth + 1));
  return false;
}

/**
 * The description of a module tree: every module matched to a kind (the caller's `kinds` first,
 * then the library's), its options and its submodules. A module no kind matches is an error
 * naming its path and class.
 *
 * @example
 * describeModule(new LSTM({ inputSize: 4, hiddenSize: 8 })).options.hiddenSize; // 8
 */
export function describeModule(module: Module, kinds: readonly ModuleKind[] = [], path = 'model'): ModuleDescription {
  const target = unwrap(module);
  const kind = [...kinds, ...builtInKinds].find((candidate) => candidate.matches(target));
  if (!kind) {
    const name = (target as object).constructor?.name ?? typeof target;
    throw new ModelFileError('cannot-describe', `encodeModel: expected modules of a known kind, got a ${name} at ${path} (register a ModuleKind for it in the 'kinds' option)`);
  }
  const { options, children } = kind.describe(target);
  if (!isJson(options)) throw new ModelFileError('cannot-describe', `encodeModel: expected JSON options from kind '${kind.kind}' at ${path}, got ${describeValue(options)} holding something else`);
  const description: ModuleDescription = { kind: kind.kind, options };
  if (children && Object.keys(children).length > 0) {
    description.children = Object.fromEntries(Object.entries(children).map(([name, child]) => [name, describeModule(child, kinds, `${path}.${name}`)]));
  }
  return description;
}

/**
 * Checks a description read from a file before anything is built: its shape, every kind known,
 * options against the kind's schema (unknown names are errors), the submodules the kind needs.
 * Returns the kinds of every node, by node.
 */
export function checkDescription(value: unknown, table: Map<string, ModuleKind>, path = 'model', depth = 0): ModuleDescription {
  const where = `loadModel: ${path}`;
  if (depth > maxDepth) throw new ModelFileError('too-deep', `${where}: expected a module tree at most ${maxDepth} levels deep, got a deeper one`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFileError('bad-description', `${where}: expected a module description {kind, options, children}, got ${describeValue(value)}`);
  const { kind, options, children, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new ModelFileError('bad-description', `${where}: expected only kind, options and children, got ${extra.join(', ')}`);
  if (typeof kind !== 'string') throw new ModelFileError('bad-description', `${where}: expected kind to be a string, got ${describeValue(kind)}`);
  const entry = table.get(kind);
  if (!entry) throw new ModelFileError('unknown-kind', `${where}: expected a known module kind (${[...table.keys()].join(', ')}), got '${kind.slice(0, 60)}'`);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ModelFileError('bad-options', `${where} (${kind}): expected options to be an object, got ${describeValue(options)}`);
  try {
    if (entry.schema) checkOptions(`${kind} at ${path}`, options, entry.schema);
  } catch (error) {
    throw new ModelFileError('bad-options', `loadModel: ${(error as Error).message}`);
  }
  for (const name of entry.required ?? []) {
    if (!Object.hasOwn(options, name)) throw new ModelFileError('bad-options', `${where} (${kind}): expected option ${name}, got none`);
  }
  const wanted = entry.childNames?.(options as JsonObject) ?? [];
  const given = children === undefined ? {} : children;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new ModelFileError('bad-description', `${where} (${kind}): expected children to be an object, got ${describeValue(given)}`);
  const names = Object.keys(given);
  const missing = wanted.filter((name) => !Object.hasOwn(given, name));
  const unexpected = names.filter((name) => !wanted.includes(name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new ModelFileError('bad-children', `${where} (${kind}): expected submodules [${wanted.join(', ')}], got [${names.join(', ')}]`);
  }
  const checked: ModuleDescription = { kind, options: options as JsonObject };
  if (names.length > 0) {
    checked.children = Object.fromEntries(wanted.map((name) => [name, checkDescription((given as Record<string, unknown>)[name], table, `${path}.${name}`, depth + 1)]));
  }
  return checked;
}

/** The parameter shapes a checked description implies, or null where a kind cannot say before building. */
export function expectedShapes(description: ModuleDescription, table: Map<string, ModuleKind>, limit: number): ShapeMap | null {
  const kind = table.get(description.kind)!;
  const children: Record<string, ShapeMap | null> = {};
  for (const [name, child] of Object.entries(description.children ?? {})) children[name] = expectedShapes(child, table, limit);
  return kind.parameterShapes ? kind.parameterShapes(description.options, children, limit) : null;
}

/** Builds a checked description, children first. */
export function buildDescribed(description: ModuleDescription, table: Map<string, ModuleKind>, context: BuildContext, path = 'model'): Module {
  const kind = table.get(description.kind)!;
  const children: Record<string, Module> = {};
  for (const [name, child] of Object.entries(description.children ?? {})) children[name] = buildDescribed(child, table, context, `${path}.${name}`);
  try {
    return kind.build(description.options, children, context);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError('build-failed', `loadModel: ${path} (${description.kind}): ${(error as Error).message}`);
  }
}
