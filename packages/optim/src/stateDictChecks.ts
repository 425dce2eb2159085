// The checks Optimizer.loadStateDict runs on a saved dict before it changes anything: a
// checkpoint is user input, and a bad value must be an error naming it, never NaN weights later.
import { type FloatArray, describeValue } from '@recurrent/tensor';

/** One saved parameter group: its options (TS casing), `initialLr` and `params` (indices). */
export type GroupDict = { params: number[] } & Record<string, number | boolean | number[] | string | undefined>;

/** Throws unless `dict` is an optimizer state dict of `kind` with groups of the given sizes. */
export function checkStateDictShape(op: string, dict: unknown, kind: string, sizes: number[]): void {
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw new Error(`${op}: expected a state dict object, got ${describeValue(dict)}`);
  const { optimizer, paramGroups, state } = dict as Record<string, unknown>;
  if (optimizer !== kind) throw new Error(`${op}: expected a state dict of ${kind}, got one of ${typeof optimizer === 'string' ? optimizer : describeValue(optimizer)}`);
  if (!Array.isArray(paramGroups) || paramGroups.length !== sizes.length) {
    throw new Error(`${op}: expected ${sizes.length} parameter group${sizes.length === 1 ? '' : 's'}, got ${Array.isArray(paramGroups) ? paramGroups.length : describeValue(paramGroups)}`);
  }
  const seen = new Set<number>();
  paramGroups.forEach((group: unknown, g) => {
    const where = `${op}: paramGroups[${g}]`;
    if (group === null || typeof group !== 'object' || Array.isArray(group)) throw new Error(`${where}: expected a group object, got ${describeValue(group)}`);
    const params = (group as { params?: unknown }).params;
    if (!Array.isArray(params)) throw new Error(`${where}: expected params, an array of parameter indices, got ${describeValue(params)}`);
    if (params.length !== sizes[g]) throw new Error(`${where}: expected ${sizes[g]} parameters, got ${params.length}`);
    for (const index of params) {
      if (!Number.isSafeInteger(index) || index < 0) throw new Error(`${where}: expected parameter indices (integers ≥ 0), got ${describeValue(index)}`);
      if (seen.has(index)) throw new Error(`${where}: expected each parameter index once, got ${index} twice`);
      seen.add(index);
    }
  });
  if (state !== undefined && (state === null || typeof state !== 'object' || Array.isArray(state))) {
    throw new Error(`${op}: expected state, an object of per-parameter entries, got ${describeValue(state)}`);
  }
}

/** Splits a saved group into its options and its `initialLr` (checked). */
export function groupValues(where: string, group: GroupDict): { options: Record<string, unknown>; initialLr: number | undefined } {
  const { params, initialLr, ...options } = group;
  void params;
  if (initialLr !== undefined && !(typeof initialLr === 'number' && Number.isFinite(initialLr) && initialLr >= 0)) {
    throw new Error(`${where}: expected initialLr to be a finite number ≥ 0, got ${describeValue(initialLr)}`);
  }
  return { options, initialLr: initialLr as number | undefined };
}

/**
 * Throws unless a saved parameter entry has exactly the keys of `fresh` (the state this
 * parameter would start with under the saved options) and maybe some `optional` buffers, `step` an integer ≥ 0 and every buffer
 * `length` finite numbers.
 */
export function checkStateEntry(where: string, entry: unknown, fresh: Record<string, number | FloatArray>, length: number, optional: string[] = []): void {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new Error(`${where}: expected an object, got ${describeValue(entry)}`);
  const required = Object.keys(fresh);
  const expected = [...required, ...optional];
  const list = expected.length > 0 ? `the keys ${expected.join(', ')}` : 'no keys';
  for (const key of Object.keys(entry)) {
    if (!expected.includes(key)) throw new Error(`${where}: expected ${list}, got '${key}'`);
  }
  for (const key of expected) {
    const value = (entry as Record<string, unknown>)[key];
    if (value === undefined && optional.includes(key)) continue;
    if (value === undefined) throw new Error(`${where}: expected ${list}, '${key}' is missing`);
    if (typeof fresh[key] === 'number') {
      if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) throw new Error(`${where}: expected ${key} to be an integer ≥ 0, got ${describeValue(value)}`);
    } else {
      const ok = Array.isArray(value) && value.length === length && value.every((x) => typeof x === 'number' && Number.isFinite(x));
      if (!ok) throw new Error(`${where}: expected ${key} to be an array of ${length} finite numbers, got ${describeValue(value)}${Array.isArray(value) && value.length === length ? ' holding a non-number or non-finite value' : ''}`);
    }
  }
}
