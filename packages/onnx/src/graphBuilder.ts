// Writes ONNX nodes, initializers and value infos in the shapes protobufjs encodes.
import { DataType } from './proto.js';

/** An attribute value: a number (int unless `float`), numbers (ints unless `floats`), a string or strings. */
export type AttributeValue = number | { float: number } | { floats: number[] } | number[] | string | string[];

type Dim = number | string;

/** Collects one graph: nodes in order, initializers with unique names. */
export class GraphBuilder {
  readonly nodes: object[] = [];
  readonly initializers: object[] = [];
  readonly inputs: object[] = [];
  readonly outputs: object[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** A fresh value name from a stem (`/rnn/LSTM_output_0` style names stay readable). */
  fresh(stem: string): string {
    let name = stem;
    while (this.names.has(name)) name = `${stem}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node; returns its output names (fresh unless given). */
  node(opType: string, inputs: string[], options: { outputs?: (string | number)[]; name?: string; attributes?: Record<string, AttributeValue> } = {}): string[] {
    const name = this.fresh(options.name ?? `/${opType}`);
    const outputs = (options.outputs ?? [1]).map((o) => (typeof o === 'number' ? this.fresh(`${name}_output_${o - 1}`) : o));
    const attribute = Object.entries(options.attributes ?? {}).map(([key, value]) => attributeOf(key, value));
    this.nodes.push({ opType, name, input: inputs, output: outputs, attribute });
    return outputs;
  }

  /** A float32 initializer. */
  floats(name: string, data: ArrayLike<number>, dims: number[]): string {
    const unique = this.fresh(name);
    const bytes = new Uint8Array(Float32Array.from(data).buffer);
    this.initializers.push({ name: unique, dims, dataType: DataType.FLOAT, rawData: bytes });
    return unique;
  }

  /** An int64 initializer (axes, shapes, indices). */
  ints(name: string, data: number[], dims: number[] = [data.length]): string {
    const unique = this.fresh(name);
    const bytes = new Uint8Array(BigInt64Array.from(data.map((v) => BigInt(v))).buffer);
    this.initializers.push({ name: unique, dims, dataType: DataType.INT64, rawData: bytes });
    return unique;
  }

  /** Declares a graph input. */
  input(name: string, elemType: number, dims: Dim[]): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output (the value must be named `name`: pass it as a node's output);
   * `dims` null leaves its shape to the runtime's inference. */
  output(name: string, elemType: number, dims: Dim[] | null): void {
    if (dims === null) {
      this.outputs.push({ name, type: { tensorType: { elemType } } });
      return;
    }
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Reserves an output name so `fresh` never hands it out. */
  reserve(name: string): string {
    this.names.add(name);
    return name;
  }
}

function valueInfo(name: string, elemType: number, dims: Dim[]): object {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

function attributeOf(name: string, value: AttributeValue): object {
  if (typeof value === 'number') return { name, type: 2, i: value };
  if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { name, type: 8, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
  if (Array.isArray(value)) return { name, type: 7, ints: value };
  if ('floats' in value) return { name, type: 6, floats: value.floats };
  return { name, type: 1, f: value.float };
}
