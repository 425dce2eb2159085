// CTC loss and decoding: frame-wise log-probabilities [T, N, C] against unaligned label
// sequences (blank = 0), its gradient with respect to the logits, and greedy / beam decoding.
import { Generator, randn, slice, tensor } from '@recurrent/tensor';
import { Variable, backward, logSoftmax } from '@recurrent/autograd';
import { ctcBeamSearch, ctcGreedyDecode, ctcLoss } from '@recurrent/layers';

const logits = new Variable(randn([12, 2, 5], new Generator(0)), { requiresGrad: true }); // [T, N, C]
const logProbs = logSoftmax(logits, -1);
const targets = tensor([[1, 2, 2, 0], [3, 4, 0, 0]], { dtype: 'int32' }); // padded [N, S]; lengths say what counts
const loss = ctcLoss(logProbs, targets, [12, 9], [3, 2], { blank: 0, reduction: 'mean' });
backward(loss);
console.log('loss', loss.item().toFixed(4), 'logits gradient', logits.grad?.shape);
console.log('greedy', ctcGreedyDecode(logProbs, { blank: 0, inputLengths: [12, 9] }));
const first = slice(logProbs.value, [null, 0]); // sample 0 as [T, C]
console.log('beam', ctcBeamSearch(first, { blank: 0, beamWidth: 8 })[0]);
