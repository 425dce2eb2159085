import { type Tensor, formatShape } from '@recurrent/tensor';
import type { GraphNode } from './graph.js';

/** A function called with the gradient of a variable when backward reaches it; it may return a
 * replacement gradient. */
export type GradientHook = (gradient: Tensor) => Tensor | void;

/**
 * A tensor that takes part in reverse-mode differentiation: its value, the graph node that made
 * it (none for leaves), and, for leaves that require gradients, the accumulated `grad`.
 * Differentiable ops of this package take `Variable`s (or plain tensors and numbers, treated as
 * constants) and return `Variable`s.
 *
 * @example
 * import { tensor } from '@recurrent/tensor';
 * import { Variable, mul, sum, backward } from '@recurrent/autograd';
 * const x = new Variable(tensor([1, 2, 3]), { requiresGrad: true });
 * backward(sum(mul(x, x)));
 * x.grad?.toArray(); // [2, 4, 6]
 */
export class Variable {
  /** The value. */
  readonly value: Tensor;
  /** Accumulated gradient (leaves with `requiresGrad` only); `null` until backward reaches it. */
  grad: Tensor | null = null;
  /** Whether gradients flow to (or through) this variable. */
  readonly requiresGrad: boolean;
  /** The node that produced this variable, `null` for leaves and constants. */
  readonly node: GraphNode | null;
  /** Which output of `node` this is. */
  readonly outputIndex: number;
  /** Hooks run on this variable's gradient, in order. */
  readonly hooks: GradientHook[] = [];

  constructor(value: Tensor, options: { requiresGrad?: boolean; node?: GraphNode | null; outputIndex?: number } = {}) {
    this.value = value;
    this.node = options.node ?? null;
    this.outputIndex = options.outputIndex ?? 0;
    this.requiresGrad = options.requiresGrad ?? this.node !== null;
  }

  /** Shape of the value. */
  get shape(): readonly number[] {
    return this.value.shape;
  }

  /** Element type of the value. */
  get dtype() {
    return this.value.dtype;
  }

  /** Number of elements. */
  get size(): number {
    return this.value.size;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.value.rank;
  }

  /** Whether this variable is a leaf (made by the user, not by an op). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The value of a one-element variable. */
  item(): number {
    return this.value.item();
  }

  /** Registers a hook on this variable's gradient; returns a function that removes it. */
  registerHook(hook: GradientHook): () => void {
    if (!this.requiresGrad) throw new Error('registerHook: expected a variable that requires grad, got a constant');
    this.hooks.push(hook);
    return () => {
      const index = this.hooks.indexOf(hook);
      if (index >= 0) this.hooks.splice(index, 1);
    };
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  toString(): string {
    return `Variable(${this.dtype}, ${formatShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/**
 * A named trainable leaf variable, as modules hold them. `set` replaces its value in place (the
 * storage is reused when shapes agree), so optimizers and checkpoint loading keep identity.
 *
 * @example
 * const weight = new Parameter(zeros([4, 3]), 'weight');
 */
export class Parameter extends Variable {
  /** Name within its module (PyTorch's state-dict name, e.g. `weight_ih`). */
  name: string;

  constructor(value: Tensor, name = '') {
    super(value, { requiresGrad: true });
    this.name = name;
  }

  /** Overwrites the values (same shape) in place. */
  set(values: ArrayLike<number>): void {
    if (values.length !== this.value.size) {
      throw new Error(`Parameter ${this.name}: expected ${this.value.size} values for shape ${formatShape(this.shape)}, got ${values.length}`);
    }
    this.value.data.set(values);
  }
}

/** Anything ops accept: a variable, a plain tensor (a constant) or a number. */
export type Differentiable = Variable | Tensor | number;
