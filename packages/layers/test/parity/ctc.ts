// Parity runner for ctc.json: logSoftmax (from @recurrent/autograd) then ctcLoss, against
// PyTorch's losses, the logits gradient, the exact log-probability gradient and PyTorch's own
// log-probability gradient convention.
import { tensor } from '@recurrent/tensor';
import { Variable, grad, logSoftmax, mul, sum } from '@recurrent/autograd';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import { ctcLoss } from '../../src/ctcLoss.js';

function load(stored: VectorTensor) {
  const { shape, dtype, data } = decode(stored);
  return tensor(data, { shape, dtype: dtype === 'float64' ? 'float32' : dtype });
}

/** Runs one case of ctc.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const { config, inputs, outputs, grads, loss } = testCase;
  const label = testCase.name;
  const logits = new Variable(load(inputs!.logits), { requiresGrad: true });
  const logProbs = logSoftmax(logits, -1);
  const targets = load(config.targets_format === 'concat' ? inputs!.targets_concat : inputs!.targets_padded);
  const options = { blank: config.blank, reduction: config.reduction, zeroInfinity: config.zero_infinity };
  const result = ctcLoss(logProbs, targets, load(inputs!.input_lengths), load(inputs!.target_lengths), options);
  assertClose(`${label} outputs.ctc_loss`, result.value, outputs!.ctc_loss);
  const total = sum(mul(result, load(loss!.weights.ctc_loss)));
  assertClose(`${label} loss`, total.item(), loss!.value);
  const [dLogits, dLogProbs] = grad([total], [logits, logProbs]);
  assertClose(`${label} grads.logits`, dLogits!, grads!.logits);
  assertClose(`${label} grads.log_probs_exact`, dLogProbs!, grads!.log_probs_exact);
  // PyTorch's own convention, w·(exp(log_probs) − γ), through the same primitive.
  const leaf = new Variable(logProbs.value, { requiresGrad: true });
  const again = ctcLoss(leaf, targets, load(inputs!.input_lengths), load(inputs!.target_lengths), { ...options, gradient: 'pytorch' });
  const [dPytorch] = grad([sum(mul(again, load(loss!.weights.ctc_loss)))], [leaf]);
  assertClose(`${label} grads.log_probs`, dPytorch!, grads!.log_probs);
}
