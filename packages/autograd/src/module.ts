import { type Tensor, formatShape, shapesEqual } from '@recurrent/tensor';
import { Parameter } from './variable.js';

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Demand exactly the module's keys (default true): every missing or unexpected key and every
   * shape mismatch is listed in one error. */
  strict?: boolean;
  /** Read only the keys that start with this prefix, without it: `'lstm.'` loads a layer from the
   * state dict of a PyTorch model that holds it as `self.lstm` (default `''`: every key). Keys
   * outside the prefix are neither loaded nor reported as unexpected. */
  prefix?: string;
}

/** What {@link Module.loadStateDict} did not load. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Base class of everything with parameters: cells, layers, models. Parameters and submodules are
 * registered in order, which fixes the state-dict order (PyTorch's: own parameters first, then
 * each submodule's under `name.`).
 *
 * @example
 * class Affine extends Module {
 *   weight = this.registerParameter('weight', new Parameter(zeros([3, 2])));
 * }
 * new Affine().stateDict(); // { weight: Tensor([3, 2]) }
 */
export class Module {
  /** Training mode (dropout active) or evaluation mode. */
  training = true;
  private readonly ownParameters = new Map<string, Parameter | null>();
  private readonly children = new Map<string, Module>();

  /** Registers a parameter under a state-dict name (`null` keeps the slot, as PyTorch does for
   * an absent bias, without a state-dict entry). */
  protected registerParameter<P extends Parameter | null>(name: string, parameter: P): P {
    if (this.ownParameters.has(name) || this.children.has(name)) throw new Error(`${this.constructor.name}: expected a parameter name not yet taken, got '${name}'`);
    if (parameter) parameter.name = name;
    this.ownParameters.set(name, parameter);
    return parameter;
  }

  /** Registers a submodule; its parameters appear in the state dict as `name.parameter`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    if (this.ownParameters.has(name) || this.children.has(name)) throw new Error(`${this.constructor.name}: expected a module name not yet taken, got '${name}'`);
    this.children.set(name, module);
    return module;
  }

  /** `[name, parameter]` pairs in state-dict order, names prefixed by submodule paths. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const result: [string, Parameter][] = [];
    for (const [name, parameter] of this.ownParameters) if (parameter) result.push([prefix + name, parameter]);
    for (const [name, child] of this.children) result.push(...child.namedParameters(`${prefix}${name}.`));
    return result;
  }

  /** All parameters in state-dict order. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Direct submodules by name. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** The parameters' values by PyTorch state-dict name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters().map(([name, p]) => [name, p.value]));
  }

  /**
   * Copies values from a state dict into the parameters, by name, as PyTorch's `load_state_dict`.
   * With `strict` (default), any missing or unexpected key or shape mismatch throws one error
   * listing all of them, and nothing is changed; with `strict: false` the keys that match load and
   * the result lists `missingKeys` and `unexpectedKeys` (shape mismatches still throw, as in
   * PyTorch). Key names in the result are without the prefix.
   *
   * @example
   * // a PyTorch model's state dict whose LSTM sits at `self.lstm`, beside a head
   * const { unexpectedKeys } = lstm.loadStateDict(torchDict, { prefix: 'lstm.', strict: false });
   */
  loadStateDict(source: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const prefix = options.prefix ?? '';
    if (typeof prefix !== 'string') throw new Error(`${this.constructor.name}.loadStateDict: expected prefix a string, got ${typeof prefix}`);
    for (const key of Object.keys(options)) {
      if (key !== 'strict' && key !== 'prefix') throw new Error(`${this.constructor.name}.loadStateDict: expected options strict or prefix, got '${key}'`);
    }
    const dict: Record<string, Tensor> = {};
    for (const [key, value] of Object.entries(source)) if (key.startsWith(prefix)) dict[key.slice(prefix.length)] = value;
    if (prefix && Object.keys(dict).length === 0) {
      throw new Error(`${this.constructor.name}.loadStateDict: expected keys starting with '${prefix}', got ${Object.keys(source).slice(0, 5).join(', ') || 'none'}`);
    }
    const own = new Map(this.namedParameters());
    const missingKeys = [...own.keys()].filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !own.has(k));
    const mismatches: string[] = [];
    for (const [name, parameter] of own) {
      const value = dict[name];
      if (value && !shapesEqual(value.shape, parameter.shape)) {
        mismatches.push(`${name}: expected shape ${formatShape(parameter.shape)}, got ${formatShape(value.shape)}`);
      }
    }
    const problems = [
      ...(strict ? missingKeys.map((k) => `missing key ${k}`) : []),
      ...(strict ? unexpectedKeys.map((k) => `unexpected key ${k}`) : []),
      ...mismatches,
    ];
    if (problems.length > 0) {
      throw new Error(`${this.constructor.name}.loadStateDict: the state dict does not fit:\n  ${problems.join('\n  ')}`);
    }
    for (const [name, parameter] of own) if (dict[name]) parameter.set(dict[name].data);
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode (default) or evaluation mode, recursively. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children.values()) child.train(mode);
    return this;
  }

  /** Sets evaluation mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.zeroGrad();
  }
}
