import type { Backend, OptionsSchema } from '@recurrent/tensor';
import type { Module } from '@recurrent/autograd';

/** A JSON value, as a model file's description holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Parameter shapes by state-dict name. */
export type ShapeMap = Record<string, number[]>;

/** One node of a model's description: a module kind, its options, its submodules. */
export interface ModuleDescription {
  /** The kind's name (`LSTM`, `Linear`, `TokenModel`, or a registered {@link ModuleKind}'s). */
  kind: string;
  /** The module's options in PyTorch's vocabulary, TS casing (`hiddenSize`, `numLayers`), as JSON. */
  options: JsonObject;
  /** Submodules by the name the kind gives them (absent: none). */
  children?: Record<string, ModuleDescription>;
}

/** What a kind's `build` receives besides the options and the built children. */
export interface BuildContext {
  /** Backend the parameters are made on (default: the CPU backend). */
  backend?: Backend;
}

/**
 * How one kind of module is described in a model file and rebuilt from the description. The
 * library's modules have theirs built in; a user's `Module` subclass registers one by passing it
 * in `kinds` to `encodeModel` / `decodeModel` (and the functions built on them).
 *
 * @example
 * class Scale extends Module {
 *   constructor(readonly inner: Linear, readonly factor: number) { super(); this.registerModule('inner', inner); }
 * }
 * const scaleKind: ModuleKind = {
 *   kind: 'Scale',
 *   matches: (module) => module instanceof Scale,
 *   describe: (module) => ({ options: { factor: (module as Scale).factor }, children: { inner: (module as Scale).inner } }),
 *   schema: { factor: option.number() },
 *   childNames: () => ['inner'],
 *   build: (options, children) => new Scale(children.inner as Linear, options.factor as number),
 * };
 * const bytes = encodeModel(new Scale(new Linear({ inFeatures: 2, outFeatures: 2 }), 3), { kinds: [scaleKind] });
 */
export interface ModuleKind {
  /** The name written in the file (unique among the kinds a loader knows). */
  readonly kind: string;
  /** Whether this kind describes `module` (an `instanceof` test: class names do not survive minifiers). */
  matches(module: Module): boolean;
  /** The module's options as JSON and its submodules by name. */
  describe(module: Module): { options: JsonObject; children?: Record<string, Module> };
  /** The options the kind takes: a file naming any other is refused (default: any options). */
  readonly schema?: OptionsSchema;
  /** Options that must be present. */
  readonly required?: readonly string[];
  /** The submodules a description must have, given its options (default: none). */
  childNames?(options: JsonObject): readonly string[];
  /** The module, from checked options and built submodules. */
  build(options: JsonObject, children: Record<string, Module>, context: BuildContext): Module;
  /**
   * The parameter shapes the module will have, from its options and its children's shapes, so a
   * loader compares a file's tensors with the description before allocating anything. Without
   * it the built module's state dict is compared after building.
   */
  parameterShapes?(options: JsonObject, children: Record<string, ShapeMap | null>, limit: number): ShapeMap | null;
}

/**
 * The parameter shapes of a composition: each child's shapes under `name.` (the state-dict prefix of
 * a registered submodule), or null when one child's are unknown before building. For a kind's
 * `parameterShapes`.
 *
 * @example
 * prefixedShapes({ rnn: { weight_ih_l0: [8, 3] }, linear: { weight: [5, 2] } }, ['rnn', 'linear']);
 * // { 'rnn.weight_ih_l0': [8, 3], 'linear.weight': [5, 2] }
 */
export function prefixedShapes(children: Record<string, ShapeMap | null>, names: readonly string[]): ShapeMap | null {
  const out: ShapeMap = {};
  for (const name of names) {
    const shapes = children[name];
    if (shapes === null) return null;
    if (shapes === undefined) continue;
    for (const [key, shape] of Object.entries(shapes)) out[`${name}.${key}`] = shape;
  }
  return out;
}
