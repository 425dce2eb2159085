import { Variable } from '@recurrent/autograd';
import { type FloatArray, type OptionsSchema, checkOptions, describeValue, option } from '@recurrent/tensor';
import { type GroupDict, checkStateEntry, checkStateDictShape, groupValues } from './stateDictChecks.js';

/** One parameter's optimizer state: a step count and element buffers (PyTorch's keys). */
export type ParameterState = Record<string, number | FloatArray>;

/** The JSON-serialisable state of an optimizer (numbers and plain arrays only), for checkpoints. */
export interface OptimizerStateDict {
  /** Which optimizer wrote it (`SGD`, `Adam`, …). */
  optimizer: string;
  /**
   * One entry per parameter group, in order, as PyTorch's `param_groups`: the group's
   * hyper-parameters (TS casing), `initialLr` once a schedule has set it, and `params`, the
   * indices of its parameters, numbered consecutively across the groups.
   */
  paramGroups: GroupDict[];
  /** Per parameter index (as a string), its step count and buffers; absent before its first update. */
  state: Record<string, Record<string, number | number[]>>;
}

/** Hyper-parameters every optimizer has. */
export interface OptimizerOptions {
  /** Learning rate γ. */
  lr?: number;
}

/**
 * A parameter group as a constructor or {@link Optimizer.addParamGroup} takes it (PyTorch's
 * dict of `params` and options): options given here override the optimizer's defaults for these
 * parameters only.
 */
export type ParamGroupOptions<Options> = { params: Iterable<Variable> | Variable } & Partial<Options>;

/**
 * A parameter group as the optimizer holds it: its parameters, every hyper-parameter filled in,
 * and `initialLr`, the rate schedules start from (set by the first schedule, as PyTorch's
 * `initial_lr`). Schedules write `lr` (and `momentum` or `betas`) here between steps.
 */
export type ParamGroup<Options> = { params: readonly Variable[]; initialLr?: number } & Required<Options> & { lr: number };

/** What each optimizer tells the base about its options. */
export interface OptimizerRules<Options> {
  /** Every option's rule (`params` excluded). */
  schema: OptionsSchema;
  /** The defaults; `lr: NaN` means the option is required (SGD). */
  defaults: Required<Options> & { lr: number };
  /** Options set for the whole optimizer only (Adagrad's `initialAccumulatorValue`). */
  optimizerWide?: string[];
  /** Checks between options (nesterov needs momentum), `where` naming the group. */
  check?(options: Required<Options> & { lr: number }, where: string): void;
}

/** A learning rate: a finite number ≥ 0. */
export const lrRule = option.number({ min: 0 });

/**
 * The base of every optimizer: parameter groups (each parameter once), per-parameter state,
 * `step()`, `zeroGrad()`, and state dicts for checkpoints, as `torch.optim.Optimizer`.
 *
 * The first argument is either the parameters (one group with the defaults) or a list of groups
 * `{ params, …options }`, each option overriding the default for that group.
 *
 * A parameter whose `.grad` is `null` is skipped by `step()`: no update, no weight decay, no state
 * change, and its step count `t` does not advance (a missing gradient is not a zero gradient).
 *
 * @example
 * const optimizer = new Adam([
 *   { params: encoder.parameters() },
 *   { params: embedding.parameters(), lr: 1e-2, weightDecay: 0 },
 * ], { lr: 1e-3, weightDecay: 1e-4 });
 * optimizer.zeroGrad(); backward(loss); optimizer.step();
 */
export abstract class Optimizer<Options extends OptimizerOptions = OptimizerOptions> {
  /** The groups, in the order given; schedules change their `lr`. */
  readonly paramGroups: ParamGroup<Options>[] = [];
  /** The defaults a group added without an option takes. */
  readonly defaults: Readonly<Required<Options> & { lr: number }>;
  /** State of each parameter, created at its first update. */
  protected readonly state = new Map<Variable, ParameterState>();
  /** The optimizer's class name, used in errors and state dicts. */
  readonly name: string;
  private readonly rules: OptimizerRules<Options>;

  protected constructor(name: string, parameters: Iterable<Variable | ParamGroupOptions<Options>>, options: Options | undefined, rules: OptimizerRules<Options>) {
    this.name = name;
    this.rules = rules;
    checkOptions(name, options, rules.schema);
    const given = Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined));
    this.defaults = { ...rules.defaults, ...given } as Required<Options> & { lr: number };
    if (parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters)) {
      throw new Error(`${name}: expected the parameters or a list of parameter groups, got ${describeValue(parameters)}`);
    }
    const list = [...parameters];
    if (list.length === 0) throw new Error(`${name}: expected at least one parameter, got an empty list`);
    if (list.every((item) => item instanceof Variable)) this.addGroup({ params: list as Variable[] } as unknown as ParamGroupOptions<Options>, name);
    else list.forEach((group, index) => {
      if (group instanceof Variable || group === null || typeof group !== 'object') {
        throw new Error(`${name}: expected all parameters or all groups { params, … }, got ${describeValue(group)} at position ${index}`);
      }
      this.addParamGroup(group);
    });
  }

  /**
   * Adds a group of parameters with its own options (the defaults fill the rest), as PyTorch's
   * `add_param_group`; useful to unfreeze layers while training.
   */
  addParamGroup(group: ParamGroupOptions<Options>): void {
    this.addGroup(group, `${this.name} paramGroups[${this.paramGroups.length}]`);
  }

  /** Adds a group; `where` names it in errors (the optimizer alone for the group of a plain list). */
  private addGroup(group: ParamGroupOptions<Options>, where: string): void {
    if (group === null || typeof group !== 'object' || !('params' in group)) throw new Error(`${where}: expected a group { params, … }, got ${describeValue(group)}`);
    const { params, ...rest } = group;
    checkOptions(where, rest, this.rules.schema);
    for (const key of this.rules.optimizerWide ?? []) {
      if (key in rest && where !== this.name) throw new Error(`${where}: expected ${key} for the whole optimizer only (as PyTorch, which reads it from the constructor), got it in a group`);
    }
    const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    // arrays (betas) copied: a schedule that cycles one group's betas must not move another's
    const filled = Object.fromEntries(Object.entries({ ...this.defaults, ...given }).map(([key, value]) => [key, Array.isArray(value) ? [...value] : value])) as Required<Options> & { lr: number };
    if (Number.isNaN(filled.lr)) throw new Error(`${this.name}: expected an lr option, got none`);
    this.rules.check?.(filled, where);
    const members = params instanceof Variable ? [params] : [...(params ?? [])];
    const taken = new Map<Variable, number>();
    this.paramGroups.forEach((other, g) => other.params.forEach((p) => taken.set(p, g)));
    const seen = new Map<Variable, number>();
    members.forEach((parameter, index) => {
      if (!(parameter instanceof Variable) || !parameter.isLeaf || !parameter.requiresGrad) {
        throw new Error(`${this.name}: expected leaf variables that require grad, got ${parameter instanceof Variable ? parameter.toString() : describeValue(parameter)} at position ${index}`);
      }
      const label = (parameter as { name?: string }).name ? `'${(parameter as { name?: string }).name}' ` : '';
      const first = seen.get(parameter);
      if (first !== undefined) throw new Error(`${this.name}: expected each parameter once, got parameter ${label}at positions ${first} and ${index}`);
      const other = taken.get(parameter);
      if (other !== undefined) throw new Error(`${where}: expected each parameter in one group only, got parameter ${label}at position ${index} also in group ${other}`);
      seen.set(parameter, index);
    });
    this.paramGroups.push({ ...filled, params: members } as ParamGroup<Options>);
  }

  /** Every parameter of every group, in order (the numbering of state dicts). */
  get parameters(): readonly Variable[] {
    return this.paramGroups.flatMap((group) => group.params);
  }

  /** The learning rate γ of the first group; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[0].lr;
  }

  set lr(value: number) {
    checkLr(this.name, value);
    for (const group of this.paramGroups) group.lr = value;
  }

  /** Updates every parameter that has a gradient, in place, with its group's options. */
  step(): void {
    this.paramGroups.forEach((group, g) => {
      if (!lrRule.test(group.lr)) throw new Error(`${this.name}.step: expected paramGroups[${g}].lr to be ${lrRule.expected}, got ${describeValue(group.lr)}`);
      for (const parameter of group.params) {
        const gradient = parameter.grad;
        if (!gradient) continue;
        if (gradient.size !== parameter.size) {
          throw new Error(`${this.name}.step: expected a gradient of ${parameter.size} elements for ${parameter.toString()}, got ${gradient.size}`);
        }
        let state = this.state.get(parameter);
        if (!state) {
          state = this.initialState(parameter.value.data as FloatArray, group);
          this.state.set(parameter, state);
        }
        this.update(parameter.value.data as FloatArray, gradient.data as FloatArray, state, group);
      }
    });
  }

  /** Clears the gradients of every parameter (`null`, as PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const parameter of this.parameters) parameter.zeroGrad();
  }

  /** The state of one parameter at its first update. */
  protected abstract initialState(parameter: FloatArray, group: ParamGroup<Options>): ParameterState;

  /** Buffers a parameter's state may have or lack (SGD's `momentum_buffer`), beyond those of {@link initialState}. */
  protected optionalState(): string[] {
    return [];
  }

  /** One update of one parameter `p` with gradient `g`, in place, with its group's options. */
  protected abstract update(p: FloatArray, g: FloatArray, state: ParameterState, group: ParamGroup<Options>): void;

  /** Groups and state as plain numbers and arrays (JSON-serialisable), in PyTorch's layout. */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    let next = 0;
    const paramGroups = this.paramGroups.map(({ params, ...options }) => {
      const indices = params.map((parameter) => {
        const index = next++;
        const own = this.state.get(parameter);
        if (own) state[String(index)] = Object.fromEntries(Object.entries(own).map(([key, value]) => [key, typeof value === 'number' ? value : Array.from(value)]));
        return index;
      });
      const entry: GroupDict = { params: indices };
      for (const [key, value] of Object.entries(options)) if (value !== undefined) entry[key] = Array.isArray(value) ? [...value] : value;
      return entry;
    });
    return { optimizer: this.name, paramGroups, state };
  }

  /**
   * Restores groups' options and state written by {@link stateDict} of the same optimizer kind
   * and the same groups. Every field is checked first (kind, group sizes, option rules, state
   * keys, step counts, buffer lengths and finiteness): on any problem it throws and changes nothing.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    checkStateDictShape(op, dict, this.name, this.paramGroups.map((group) => group.params.length));
    const groups = dict.paramGroups.map((saved, g) => {
      const where = `${op} paramGroups[${g}]`;
      const { options, initialLr } = groupValues(where, saved);
      checkOptions(where, options, this.rules.schema);
      const filled = { ...this.paramGroups[g], ...options } as ParamGroup<Options>;
      this.rules.check?.(filled, where);
      if (initialLr !== undefined) filled.initialLr = initialLr;
      return filled;
    });
    const positions = new Map<string, { parameter: Variable; group: ParamGroup<Options> }>();
    dict.paramGroups.forEach((saved, g) => saved.params.forEach((index, k) => positions.set(String(index), { parameter: this.paramGroups[g].params[k], group: groups[g] })));
    const loaded = new Map<Variable, ParameterState>();
    for (const [key, entry] of Object.entries(dict.state ?? {})) {
      const target = positions.get(key);
      if (!target) throw new Error(`${op}: expected state for the parameters ${[...positions.keys()].join(', ')}, got state for '${key}'`);
      const data = target.parameter.value.data as FloatArray;
      const own = this.initialState(data, target.group);
      const optional = this.optionalState();
      checkStateEntry(`${op}: state['${key}']`, entry, own, data.length, optional);
      for (const [name, value] of Object.entries(entry)) {
        if (typeof value === 'number') own[name] = value;
        else {
          own[name] ??= buffer(data);
          (own[name] as FloatArray).set(value);
        }
      }
      loaded.set(target.parameter, own);
    }
    groups.forEach((group, g) => Object.assign(this.paramGroups[g], group, { params: this.paramGroups[g].params }));
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

/** Throws `SGD: expected lr to be a finite number ≥ 0, got number -1`. */
export function checkLr(op: string, value: unknown): void {
  if (!lrRule.test(value)) throw new Error(`${op}: expected lr to be ${lrRule.expected}, got ${describeValue(value)}`);
}
