import type { Variable } from '@recurrent/autograd';
import type { FloatArray } from '@recurrent/tensor';

/** One parameter's optimizer state: a step count and element buffers (PyTorch's keys). */
export type ParameterState = Record<string, number | FloatArray>;

/** The JSON-serialisable state of an optimizer (numbers and plain arrays only), for checkpoints. */
export interface OptimizerStateDict {
  /** Which optimizer wrote it (`SGD`, `Adam`, …). */
  optimizer: string;
  /** The hyper-parameters, `lr` included, and the parameter indices they apply to. */
  paramGroups: [{ params: number[]; initialLr: number; [option: string]: number | boolean | number[] }];
  /** Per parameter index (as a string), its step count and buffers; absent before its first update. */
  state: Record<string, Record<string, number | number[]>>;
}

/** Hyper-parameters every optimizer has. */
export interface OptimizerOptions {
  /** Learning rate γ. */
  lr?: number;
}

/**
 * The base of every optimizer: the parameters (each once), the hyper-parameters, per-parameter
 * state, `step()`, `zeroGrad()`, the learning rate for schedules and state dicts for checkpoints.
 *
 * A parameter whose `.grad` is `null` is skipped by `step()`: no update, no weight decay, no state
 * change, and its step count `t` does not advance (a missing gradient is not a zero gradient).
 *
 * @example
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 * optimizer.zeroGrad(); backward(loss); optimizer.step();
 */
export abstract class Optimizer<Options extends object = object> {
  /** The parameters, in the order given. */
  readonly parameters: readonly Variable[];
  /** The learning rate at construction (schedules start from it, as PyTorch's `initial_lr`). */
  initialLr: number;
  /** The hyper-parameters, defaults filled in. */
  protected readonly options: Required<Options> & { lr: number };
  /** State of each parameter, created at its first update. */
  protected readonly state = new Map<Variable, ParameterState>();
  private readonly name: string;

  protected constructor(name: string, parameters: Iterable<Variable>, options: Required<Options> & { lr: number }) {
    this.name = name;
    this.parameters = [...parameters];
    if (this.parameters.length === 0) throw new Error(`${name}: expected at least one parameter, got an empty list`);
    const seen = new Map<Variable, number>();
    this.parameters.forEach((parameter, index) => {
      const first = seen.get(parameter);
      if (first !== undefined) {
        const label = (parameter as { name?: string }).name ? `'${(parameter as { name?: string }).name}' ` : '';
        throw new Error(`${name}: expected each parameter once, got parameter ${label}at positions ${first} and ${index}`);
      }
      seen.set(parameter, index);
      if (!parameter.isLeaf || !parameter.requiresGrad) {
        throw new Error(`${name}: expected leaf variables that require grad, got ${parameter.toString()} at position ${index}`);
      }
    });
    checkNonNegative(name, 'lr', options.lr);
    this.options = { ...options };
    this.initialLr = options.lr;
  }

  /** The learning rate γ (schedules set it between steps). */
  get lr(): number {
    return this.options.lr;
  }

  set lr(value: number) {
    checkNonNegative(this.name, 'lr', value);
    this.options.lr = value;
  }

  /** Updates every parameter that has a gradient, in place. */
  step(): void {
    for (const parameter of this.parameters) {
      const gradient = parameter.grad;
      if (!gradient) continue;
      if (gradient.size !== parameter.size) {
        throw new Error(`${this.name}.step: expected a gradient of ${parameter.size} elements for ${parameter.toString()}, got ${gradient.size}`);
      }
      let state = this.state.get(parameter);
      if (!state) {
        state = this.initialState(parameter.value.data as FloatArray);
        this.state.set(parameter, state);
      }
      this.update(parameter.value.data as FloatArray, gradient.data as FloatArray, state);
    }
  }

  /** Clears the gradients of every parameter (`null`, as PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const parameter of this.parameters) parameter.zeroGrad();
  }

  /** The state of one parameter at its first update. */
  protected abstract initialState(parameter: FloatArray): ParameterState;

  /** One update of one parameter `p` with gradient `g`, in place. */
  protected abstract update(p: FloatArray, g: FloatArray, state: ParameterState): void;

  /** Hyper-parameters and state as plain numbers and arrays (JSON-serialisable). */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    this.parameters.forEach((parameter, index) => {
      const own = this.state.get(parameter);
      if (!own) return;
      const entry: Record<string, number | number[]> = {};
      for (const [key, value] of Object.entries(own)) entry[key] = typeof value === 'number' ? value : Array.from(value);
      state[String(index)] = entry;
    });
    const options: Record<string, number | boolean | number[]> = {};
    for (const [key, value] of Object.entries(this.options)) options[key] = Array.isArray(value) ? [...value] : value;
    return {
      optimizer: this.name,
      paramGroups: [{ ...options, initialLr: this.initialLr, params: this.parameters.map((_, i) => i) }],
      state,
    };
  }

  /** Restores hyper-parameters and state written by {@link stateDict} of the same optimizer kind. */
  loadStateDict(dict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (!dict || dict.optimizer !== this.name) {
      throw new Error(`${op}: expected a state dict of ${this.name}, got one of ${dict?.optimizer ?? 'nothing'}`);
    }
    const group = dict.paramGroups?.[0];
    if (!group || group.params.length !== this.parameters.length) {
      throw new Error(`${op}: expected ${this.parameters.length} parameters, got ${group?.params.length ?? 0}`);
    }
    const loaded = new Map<Variable, ParameterState>();
    for (const [key, entry] of Object.entries(dict.state)) {
      const parameter = this.parameters[Number(key)];
      if (!parameter) throw new Error(`${op}: expected state for parameters 0…${this.parameters.length - 1}, got state for ${key}`);
      const data = parameter.value.data as FloatArray;
      const own = this.initialState(data);
      for (const [name, value] of Object.entries(entry)) {
        if (!(name in own)) throw new Error(`${op}: expected state keys ${Object.keys(own).join(', ')} for parameter ${key}, got '${name}'`);
        if (typeof value === 'number') own[name] = value;
        else {
          if (value.length !== data.length) throw new Error(`${op}: expected '${name}' of ${data.length} values for parameter ${key}, got ${value.length}`);
          (own[name] as FloatArray).set(value);
        }
      }
      loaded.set(parameter, own);
    }
    for (const name of Object.keys(this.options)) {
      if (!(name in group)) continue;
      const value = group[name];
      (this.options as Record<string, unknown>)[name] = Array.isArray(value) ? [...value] : value;
    }
    this.lr = this.options.lr;
    this.initialLr = group.initialLr ?? this.options.lr;
    this.state.clear();
    for (const [parameter, own] of loaded) this.state.set(parameter, own);
  }
}

/** A zero-filled buffer of the parameter's element type. */
export function buffer(like: FloatArray, fill = 0): FloatArray {
  const out = like instanceof Float64Array ? new Float64Array(like.length) : new Float32Array(like.length);
  if (fill !== 0) out.fill(fill);
  return out;
}

/** Throws `Adam: expected eps ≥ 0, got -1` for a negative or non-finite hyper-parameter. */
export function checkNonNegative(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) throw new Error(`${op}: expected ${name} ≥ 0, got ${value}`);
}

/** Throws unless `0 ≤ value < 1`. */
export function checkUnitInterval(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new Error(`${op}: expected ${name} in [0, 1), got ${value}`);
}
