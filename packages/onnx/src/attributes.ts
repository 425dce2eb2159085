import { type AttributeProto, type NodeProto, readTensor, toNumber } from './proto.js';
import type { RawTensor } from './proto.js';

/** A node's attributes by name, read with the type each operator expects. */
export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();
  private readonly used = new Set<string>();

  constructor(
    node: NodeProto,
    private readonly where: string,
  ) {
    for (const attribute of node.attribute ?? []) this.byName.set(attribute.name ?? '', attribute);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.take(name);
    return a ? toNumber(a.i) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.take(name);
    return a ? (a.f ?? 0) : fallback;
  }

  ints(name: string): number[] | null {
    const a = this.take(name);
    return a ? (a.ints ?? []).map(toNumber) : null;
  }

  floats(name: string): number[] | null {
    const a = this.take(name);
    return a ? [...(a.floats ?? [])] : null;
  }

  string(name: string, fallback: string): string {
    const a = this.take(name);
    return a ? new TextDecoder().decode(a.s ?? new Uint8Array()) : fallback;
  }

  strings(name: string): string[] | null {
    const a = this.take(name);
    return a ? (a.strings ?? []).map((s) => new TextDecoder().decode(s)) : null;
  }

  tensor(name: string): RawTensor | null {
    const a = this.take(name);
    return a?.t ? readTensor(a.t, `attribute '${name}' of ${this.where}`) : null;
  }

  /** Attributes the operator never read: ones it does not implement, so an error beats a silent wrong result. */
  unread(): string[] {
    return [...this.byName.keys()].filter((name) => !this.used.has(name));
  }

  private take(name: string): AttributeProto | undefined {
    this.used.add(name);
    return this.byName.get(name);
  }
}
