// An encoder–decoder that learns to reverse short token sequences: teacher forcing in training,
// then greedy, beam and sampled decoding. Tokens: 0 padding, 1 begin, 2 end, 3–7 symbols.
import { Generator, tensor } from '@recurrent/tensor';
import { backward, crossEntropy, reshape } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Embedding, EncoderDecoder, Linear } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';

const generator = new Generator(0);
const vocabulary = 8;
const model = new EncoderDecoder({
  encoder: new GRUCell({ inputSize: 8, hiddenSize: 32, generator }),
  sourceEmbedding: new Embedding({ numEmbeddings: vocabulary, embeddingDim: 8, generator }),
  decoder: new GRUCell({ inputSize: 8, hiddenSize: 32, generator }),
  targetEmbedding: new Embedding({ numEmbeddings: vocabulary, embeddingDim: 8, generator }),
  projection: new Linear({ inFeatures: 32, outFeatures: vocabulary, generator }),
  bos: 1,
  eos: 2,
});
const optimizer = new Adam(model.parameters(), { lr: 1e-2 });

function batch(size: number, length: number) {
  const sequences = Array.from({ length: size }, () => Array.from({ length }, () => 3 + generator.integer(5)));
  const timeMajor = (rows: number[][]) => tensor(rows[0].map((_, t) => rows.map((row) => row[t])), { dtype: 'int32' }); // [T, B]
  return { sequences, source: timeMajor(sequences), target: timeMajor(sequences.map((s) => [...s].reverse().concat(2))) };
}

let first = 0;
let last = 0;
for (let step = 0; step < 150; step++) {
  const { source, target } = batch(32, 4);
  optimizer.zeroGrad();
  const logits = model.forward(source, target); // teacher forcing: [T_out, B, V]
  const loss = crossEntropy(reshape(logits, [-1, vocabulary]), reshape(target, [-1]));
  backward(loss);
  optimizer.step();
  if (step === 0) first = loss.item();
  last = loss.item();
}
console.log(`loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
const { sequences, source } = batch(3, 4);
console.log('source ', sequences);
console.log('greedy ', model.greedyDecode(source, { maxLength: 6 }));
console.log('beam   ', model.beamDecode(source, { beamWidth: 4, maxLength: 6 }).map((d) => d.tokens));
console.log('sampled', model.sample(source, { maxLength: 6, temperature: 0.7, topK: 3, generator }));
