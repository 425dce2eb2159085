// Shared by the jordan, clockwork and scrn parity runners: load a case's parameters into a cell,
// run it through Recurrent, build the case's loss, and compare outputs, loss and gradients.
import { type Tensor, tensor } from '@recurrent/tensor';
import { type Module, Variable, add, backward, mul, sum } from '@recurrent/autograd';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import { Recurrent, type RecurrentCell } from '../../src/recurrent.js';

/** A stored tensor as a float32 tensor (or int32 for int64 data). */
export function tensorOf(stored: VectorTensor): Tensor {
  const { shape, dtype, data } = decode(stored);
  return tensor(data, { shape, dtype: dtype === 'float64' ? 'float32' : dtype });
}

/**
 * The named keys of a case's config in TS casing (`output_nonlinearity` → `outputNonlinearity`),
 * absent keys left out: the options of the cell the case describes.
 */
export function optionsOf<Options>(config: Record<string, unknown>, keys: readonly string[]): Options {
  const options: Record<string, unknown> = {};
  for (const key of keys) if (config[key] !== undefined) options[key.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase())] = config[key];
  return options as Options;
}

/**
 * Runs one case: `stateInputs` names the initial-state inputs in the cell's state order
 * (`['y0']`), `stateOutputs` the final-state outputs (`['y_n']`); `timeOffset` is the time index
 * of the first step.
 */
export function runCellCase(testCase: VectorCase, cell: RecurrentCell & Module, stateInputs: string[], stateOutputs: string[], timeOffset = 0): void {
  const label = testCase.name;
  const dict: Record<string, Tensor> = {};
  for (const name of testCase.param_names ?? []) dict[name] = tensorOf(testCase.params![name]);
  const layer = new Recurrent(cell, { batchFirst: testCase.config.batch_first });
  layer.loadStateDict(dict);
  const leaf = (name: string) => {
    const stored = testCase.inputs![name];
    return stored ? new Variable(tensorOf(stored), { requiresGrad: true }) : null;
  };
  const x = leaf('x')!;
  const initial = stateInputs.map(leaf);
  const given = initial.every((v) => v !== null);
  const { output, state } = layer.forward(x, {
    initialState: given ? (initial as Variable[]) : undefined,
    lengths: testCase.config.lengths ?? undefined,
    timeOffset,
  });
  const outputs: Record<string, Variable> = { output };
  stateOutputs.forEach((name, k) => (outputs[name] = state[k]));
  let loss: Variable | null = null;
  for (const [name, weights] of Object.entries(testCase.loss!.weights)) {
    if (!outputs[name]) throw new Error(`${label}: no output named ${name}`);
    const term = sum(mul(outputs[name], tensorOf(weights)));
    loss = loss ? add(loss, term) : term;
  }
  backward(loss!);
  for (const [name, expected] of Object.entries(testCase.outputs!)) assertClose(`${label} outputs.${name}`, outputs[name].value, expected);
  assertClose(`${label} loss`, loss!.item(), testCase.loss!.value);
  const named = new Map<string, Variable>(layer.namedParameters());
  named.set('x', x);
  stateInputs.forEach((name, k) => initial[k] && named.set(name, initial[k]!));
  for (const [name, expected] of Object.entries(testCase.grads!)) {
    const variable = named.get(name);
    if (!variable) throw new Error(`${label}: no parameter or input named ${name}`);
    if (!variable.grad) throw new Error(`${label}: grads.${name} was not computed`);
    assertClose(`${label} grads.${name}`, variable.grad, expected);
  }
}
