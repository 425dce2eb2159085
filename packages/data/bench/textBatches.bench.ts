import { Generator } from '@recurrent/tensor';
import { BucketBatchSampler } from '../src/batchSampler.js';
import { type PaddedBatch, padSequences } from '../src/collate.js';
import { DataLoader } from '../src/dataLoader.js';
import { TextStream } from '../src/textStream.js';
import { type Figure, report, table } from './report.js';

// Batches per second for padded text batches: variable-length sentences padded to the longest or
// to buckets, and contiguous BPTT chunks for language models.
const figures: Figure[] = [];
const rng = new Generator(0);
const sentences = Array.from({ length: 20_000 }, () => Int32Array.from({ length: 5 + rng.integer(120) }, () => 1 + rng.integer(9999)));
const lengths = sentences.map((sentence) => sentence.length);

function measure<T>(name: string, loader: DataLoader<T, PaddedBatch>, epochs: number): void {
  let batches = 0;
  let tokens = 0;
  const start = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const batch of loader.batches(epoch)) {
      batches++;
      tokens += batch.data.size;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  figures.push(report({ bench: 'text batches', case: `${name}, batch 64`, value: batches / seconds, unit: 'batches/s', seconds }));
  figures.push(report({ bench: 'text batches', case: `${name}, padded tokens`, value: tokens / seconds, unit: 'tokens/s', seconds }));
}

measure(
  'shuffled, pad to longest',
  new DataLoader(sentences, { batchSize: 64, shuffle: true, seed: 0, collate: (items) => padSequences(items) }),
  3,
);
measure(
  'bucketed (16, 32, 64, 128), pad to bucket',
  new DataLoader(sentences, {
    sampler: new BucketBatchSampler({ lengths, batchSize: 64, boundaries: [16, 32, 64, 128], shuffle: true, seed: 0 }),
    collate: (items) => padSequences(items, { padTo: { buckets: [16, 32, 64, 128] } }),
  }),
  3,
);

const corpus = Int32Array.from({ length: 1_200_000 }, () => rng.integer(89));
const stream = new TextStream(corpus, { batchSize: 32, bptt: 100 });
let start = performance.now();
let chunks = 0;
for (let epoch = 0; epoch < 3; epoch++) for (const chunk of stream) chunks += chunk.length > 0 ? 1 : 0;
let seconds = (performance.now() - start) / 1000;
figures.push(report({ bench: 'text batches', case: 'TextStream B=32, bptt=100 (1.2M tokens)', value: chunks / seconds, unit: 'batches/s', seconds }));
start = performance.now();
chunks = 0;
const batchFirst = new TextStream(corpus, { batchSize: 32, bptt: 100, batchFirst: true });
for (let epoch = 0; epoch < 3; epoch++) for (const chunk of batchFirst) chunks += chunk.length > 0 ? 1 : 0;
seconds = (performance.now() - start) / 1000;
figures.push(report({ bench: 'text batches', case: 'TextStream batchFirst B=32, bptt=100', value: chunks / seconds, unit: 'batches/s', seconds }));
table(figures);
