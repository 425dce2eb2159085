import { type AttributeProto, type NodeProto, type RawTensor, toNumber } from './proto.js';
import { readTensor } from './proto.js';

/** A float as JSON: a number, or `'NaN'`, `'Infinity'`, `'-Infinity'` (JSON has no such numbers). */
export type JsonFloat = number | string;

/** A tensor attribute or constant as JSON: its ONNX element type, shape and values. */
export interface JsonRawTensor {
  dataType: number;
  shape: number[];
  data: JsonFloat[];
}

/**
 * One attribute as a model file keeps it: the fields of ONNX's `AttributeProto` that hold its
 * value (`i`, `f`, `s`, `t`, `ints`, `floats`, `strings`), strings as text.
 */
export interface JsonAttribute {
  i?: number;
  f?: JsonFloat;
  s?: string;
  t?: JsonRawTensor;
  ints?: number[];
  floats?: JsonFloat[];
  strings?: string[];
}

/** A float as JSON ({@link JsonFloat}). */
export function floatToJson(value: number): JsonFloat {
  return Number.isFinite(value) ? value : String(value);
}

/** A {@link JsonFloat} back as a number; anything else is an error naming `where`. */
export function floatFromJson(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`${where}: expected a number (or 'NaN', 'Infinity', '-Infinity'), got ${JSON.stringify(value)?.slice(0, 40)}`);
}

/** A decoded tensor as JSON. */
export function rawTensorToJson(raw: RawTensor): JsonRawTensor {
  return { dataType: raw.dataType, shape: [...raw.shape], data: Array.from(raw.data, floatToJson) };
}

/** ONNX `AttributeProto.AttributeType` values this package reads. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** An ONNX attribute as JSON: the field its type names (every set field when the file gives no type). */
export function attributeToJson(a: AttributeProto, where: string): JsonAttribute {
  const type = a.type ?? 0;
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const out: JsonAttribute = {};
  const all = type === 0;
  if (all ? a.i !== undefined && a.i !== null && toNumber(a.i) !== 0 : type === AttributeType.INT) out.i = toNumber(a.i);
  if (all ? !!a.f : type === AttributeType.FLOAT) out.f = floatToJson(a.f ?? 0);
  if (all ? !!a.s && a.s.length > 0 : type === AttributeType.STRING) out.s = text(a.s ?? new Uint8Array());
  if ((all || type === AttributeType.TENSOR) && a.t) out.t = rawTensorToJson(readTensor(a.t, `attribute '${a.name}' of ${where}`));
  if (all ? (a.ints?.length ?? 0) > 0 : type === AttributeType.INTS) out.ints = (a.ints ?? []).map(toNumber);
  if (all ? (a.floats?.length ?? 0) > 0 : type === AttributeType.FLOATS) out.floats = [...(a.floats ?? [])].map(floatToJson);
  if (all ? (a.strings?.length ?? 0) > 0 : type === AttributeType.STRINGS) out.strings = (a.strings ?? []).map(text);
  return out;
}

/** Every attribute of a node as JSON, by name. */
export function nodeAttributesToJson(node: NodeProto, where: string): Record<string, JsonAttribute> {
  const out: Record<string, JsonAttribute> = {};
  for (const attribute of node.attribute ?? []) out[attribute.name ?? ''] = attributeToJson(attribute, where);
  return out;
}

/** A node's attributes by name, read with the type each operator expects. */
export class Attributes {
  private readonly byName: Map<string, JsonAttribute>;
  private readonly used = new Set<string>();

  constructor(
    attributes: Record<string, JsonAttribute>,
    private readonly where: string,
  ) {
    this.byName = new Map(Object.entries(attributes));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.take(name);
    return a ? (a.i ?? 0) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.take(name);
    return a ? floatFromJson(a.f ?? 0, `attribute '${name}' of ${this.where}`) : fallback;
  }

  ints(name: string): number[] | null {
    const a = this.take(name);
    return a ? [...(a.ints ?? [])] : null;
  }

  floats(name: string): number[] | null {
    const a = this.take(name);
    return a ? (a.floats ?? []).map((v) => floatFromJson(v, `attribute '${name}' of ${this.where}`)) : null;
  }

  string(name: string, fallback: string): string {
    const a = this.take(name);
    return a ? (a.s ?? '') : fallback;
  }

  strings(name: string): string[] | null {
    const a = this.take(name);
    return a ? [...(a.strings ?? [])] : null;
  }

  tensor(name: string): RawTensor | null {
    const a = this.take(name);
    if (!a?.t) return null;
    const where = `attribute '${name}' of ${this.where}`;
    const data = a.t.data.map((v) => floatFromJson(v, where));
    return { dataType: a.t.dataType, shape: [...a.t.shape], data: a.t.dataType === 1 || a.t.dataType === 11 ? Float32Array.from(data) : data };
  }

  /** Attributes the operator never read: ones it does not implement, so an error beats a silent wrong result. */
  unread(): string[] {
    return [...this.byName.keys()].filter((name) => !this.used.has(name));
  }

  private take(name: string): JsonAttribute | undefined {
    this.used.add(name);
    return this.byName.get(name);
  }
}
