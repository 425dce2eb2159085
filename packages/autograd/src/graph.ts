import { type Backend, type DType, type Tensor, add, clone, formatShape, shapesEqual, zeros, zerosLike } from '@recurrent/tensor';
import { Variable } from './variable.js';

/**
 * Turns the gradients of a node's outputs into gradients of its inputs (`null` for inputs that
 * get none). It closes over whatever the forward pass saved; the engine drops it after use.
 */
/** A node's backward: input gradients from output gradients; `retain` is true when the graph is
 * kept for another backward (what it saved must then stay valid). */
export type BackwardFunction = (gradients: Tensor[], retain: boolean) => (Tensor | null)[];

/**
 * One recorded op application in the graph: the op's name, its input variables and the backward
 * function; {@link record} creates it and a non-leaf variable points at it as `node`.
 *
 * @example
 * const y = tanh(x);
 * y.node?.op; // 'tanh'
 */
export class GraphNode {
  /** Name of the op, used in error messages. */
  readonly op: string;
  /** The op's inputs, as given (constants are `null`). */
  readonly inputs: (Variable | null)[];
  /** What each output is, to make zero gradients for outputs that received none. */
  readonly outputs: { shape: readonly number[]; dtype: DType; backend: Backend }[];
  /** The output variables (set by {@link record}), whose hooks see their total gradient. */
  outputVariables: Variable[] = [];
  private backwardFunction: BackwardFunction | null;

  constructor(op: string, inputs: (Variable | null)[], outputs: Tensor[], backward: BackwardFunction) {
    this.op = op;
    this.inputs = inputs;
    this.outputs = outputs.map((t) => ({ shape: t.shape, dtype: t.dtype, backend: t.backend }));
    this.backwardFunction = backward;
  }

  /** Whether backward already ran through this node and freed what it saved. */
  get released(): boolean {
    return this.backwardFunction === null;
  }

  /** Runs the backward function; frees saved tensors unless `retain`. */
  run(gradients: Tensor[], retain: boolean): (Tensor | null)[] {
    const backward = this.backwardFunction;
    if (backward === null) {
      throw new Error(
        `backward: expected a graph that is still alive, got one already released by an earlier backward through '${this.op}' (pass { retainGraph: true } to the first call to backward twice)`,
      );
    }
    if (!retain) this.backwardFunction = null;
    return backward(gradients, retain);
  }
}

let gradientDepth = 0;

/**
 * Whether ops record the graph now (false inside {@link noGrad}).
 *
 * @example
 * noGrad(() => isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  return gradientDepth === 0;
}

/**
 * Runs `fn` without recording the graph: results are constants. Use it for evaluation and for
 * optimizer updates.
 *
 * @example
 * const prediction = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  gradientDepth++;
  try {
    return fn();
  } finally {
    gradientDepth--;
  }
}

/**
 * Unwraps a variable to its value (a tensor is returned as is).
 *
 * @example
 * const data = valueOf(input).data; // input: Variable | Tensor
 */
export function valueOf(x: Variable | Tensor): Tensor {
  return x instanceof Variable ? x.value : x;
}

/**
 * Records one op application: `outputs` were computed from `inputs`, and `backward` maps output
 * gradients to input gradients. Returns the outputs as variables (constants when no input needs
 * a gradient or inside {@link noGrad}). Gradient rules and fused primitives both go through here.
 *
 * @example
 * // y = x², d x = 2x·dy
 * const v = valueOf(x);
 * const [y] = record('square', [x], [T.square(v)], ([dy]) => [T.mul(T.mul(dy, v), 2)]);
 */
export function record(op: string, inputs: (Variable | Tensor | number | null | undefined)[], outputs: Tensor[], backward: BackwardFunction): Variable[] {
  const variables = inputs.map((x) => (x instanceof Variable ? x : null));
  const needsGrad = isGradEnabled() && variables.some((v) => v !== null && v.requiresGrad);
  if (!needsGrad) return outputs.map((t) => new Variable(t));
  const node = new GraphNode(op, variables.map((v) => (v && v.requiresGrad ? v : null)), outputs, backward);
  node.outputVariables = outputs.map((t, outputIndex) => new Variable(t, { node, outputIndex }));
  return node.outputVariables;
}

/** Options of {@link backward} and {@link grad}. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
  /** Check every gradient for NaN and name the op that produced it (slower). */
  checkNaN?: boolean;
}

function checkSeed(op: string, output: Variable, seed: Tensor | undefined): Tensor {
  if (seed === undefined) {
    if (output.size !== 1) {
      throw new Error(`${op}: expected a scalar output or a seed gradient, got an output of shape ${formatShape(output.shape)} and no seed`);
    }
    const one = zerosLike(output.value);
    one.data[0] = 1;
    return one;
  }
  if (!shapesEqual(seed.shape, output.shape)) {
    throw new Error(`${op}: expected a seed of shape ${formatShape(output.shape)}, got ${formatShape(seed.shape)}`);
  }
  return seed;
}

function accumulate(current: Tensor | null | undefined, gradient: Tensor): Tensor {
  return current ? add(current, gradient) : gradient;
}

function applyHooks(variable: Variable, gradient: Tensor): Tensor {
  let result = gradient;
  for (const hook of variable.hooks) result = hook(result) ?? result;
  return result;
}

function hasNaN(t: Tensor): boolean {
  const data = t.data;
  for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) return true;
  return false;
}

/** Nodes reachable from `roots`, ordered so that every node comes before the nodes it consumes. */
function topologicalOrder(roots: GraphNode[]): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  // Iterative depth-first search: graphs of long sequences are too deep for recursion.
  const stack: { node: GraphNode; next: number }[] = [];
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    stack.push({ node: root, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputs.length) {
        const input = top.node.inputs[top.next++];
        const child = input?.node;
        if (child && !seen.has(child)) {
          seen.add(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        stack.pop();
        order.push(top.node);
      }
    }
  }
  return order.reverse();
}

/** Propagates output gradients through the graph; returns the total gradient of each leaf
 * reached (hooks already applied). */
function propagate(op: string, outputs: Variable[], seeds: Tensor[], options: BackwardOptions): Map<Variable, Tensor> {
  const leaves = new Map<Variable, Tensor>();
  const pending = new Map<GraphNode, (Tensor | null)[]>();
  const roots: GraphNode[] = [];
  const send = (target: Variable, gradient: Tensor) => {
    if (target.node === null) {
      leaves.set(target, accumulate(leaves.get(target), gradient));
      return;
    }
    const slots = pending.get(target.node) ?? new Array<Tensor | null>(target.node.outputs.length).fill(null);
    slots[target.outputIndex] = accumulate(slots[target.outputIndex], gradient);
    pending.set(target.node, slots);
  };
  outputs.forEach((output, i) => {
    if (!output.requiresGrad) throw new Error(`${op}: expected an output that requires grad, got a constant (was it computed inside noGrad, or from no parameters?)`);
    send(output, seeds[i]);
    if (output.node) roots.push(output.node);
  });
  for (const node of topologicalOrder(roots)) {
    const slots = pending.get(node);
    if (!slots) continue;
    pending.delete(node);
    const gradients = slots.map((g, i) => {
      const { shape, dtype, backend } = node.outputs[i];
      const total = g ?? zeros(shape, { dtype, backend });
      const variable = node.outputVariables[i];
      return variable && variable.hooks.length > 0 ? applyHooks(variable, total) : total;
    });
    const inputGradients = node.run(gradients, options.retainGraph ?? false);
    node.inputs.forEach((input, i) => {
      const gradient = inputGradients[i];
      if (!input || !gradient) return;
      if (!shapesEqual(gradient.shape, input.shape)) {
        throw new Error(`${node.op} backward: expected a gradient of shape ${formatShape(input.shape)} for input ${i}, got ${formatShape(gradient.shape)}`);
      }
      if (options.checkNaN && hasNaN(gradient)) {
        throw new Error(`${node.op} backward: expected a finite gradient for input ${i}, got NaN`);
      }
      send(input, gradient);
    });
  }
  for (const [leaf, gradient] of leaves) if (leaf.hooks.length > 0) leaves.set(leaf, applyHooks(leaf, gradient));
  return leaves;
}

/**
 * Reverse-mode differentiation from `output`: adds `∂output/∂leaf` (times `seed`) into the
 * `.grad` of every leaf that requires a gradient. Gradients accumulate until zeroed, as in
 * PyTorch. The graph is released afterwards unless `retainGraph`.
 *
 * @example
 * backward(loss);            // loss is a scalar
 * backward(y, { seed: dy }); // y of any shape, dy of the same shape
 */
export function backward(output: Variable, options: BackwardOptions & { seed?: Tensor } = {}): void {
  const seed = checkSeed('backward', output, options.seed);
  // Each leaf gets a gradient with its own storage (rules may pass one gradient on to several
  // inputs, or the caller's seed), so that in-place updates such as clipping touch one leaf only.
  const owned = new Set<ArrayBufferLike>([seed.data.buffer]);
  for (const [leaf, gradient] of propagate('backward', [output], [seed], options)) {
    if (leaf.grad) {
      leaf.grad = add(leaf.grad, gradient);
    } else {
      leaf.grad = owned.has(gradient.data.buffer) ? clone(gradient) : gradient;
      owned.add(leaf.grad.data.buffer);
    }
  }
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned rather than accumulated into
 * `.grad` (`null` for an input that does not influence the outputs).
 *
 * @example
 * const [dx] = grad([y], [x]);
 */
export function grad(
  outputs: Variable[],
  inputs: Variable[],
  seeds?: (Tensor | undefined)[],
  options: BackwardOptions = {},
): (Tensor | null)[] {
  const checked = outputs.map((o, i) => checkSeed('grad', o, seeds?.[i]));
  const wanted = new Map<Variable, Tensor | null>(inputs.map((x) => [x, null]));
  for (const input of inputs) {
    if (!input.isLeaf) {
      // A non-leaf input: catch its gradient with a temporary hook.
      input.hooks.push((g) => {
        wanted.set(input, accumulate(wanted.get(input), g));
      });
    }
  }
  try {
    for (const [leaf, gradient] of propagate('grad', outputs, checked, options)) {
      if (wanted.has(leaf)) wanted.set(leaf, gradient);
    }
  } finally {
    for (const input of inputs) if (!input.isLeaf) input.hooks.pop();
  }
  return inputs.map((x) => wanted.get(x) ?? null);
}

/**
 * A constant copy of a variable's value, cut from the graph (truncated BPTT carries states so).
 *
 * @example
 * state = state.map(detach); // the next chunk does not backpropagate into this one
 */
export function detach(x: Variable | Tensor): Variable {
  return new Variable(valueOf(x));
}
