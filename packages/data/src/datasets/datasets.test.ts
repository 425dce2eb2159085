import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../dataLoader.js';
import { TextStream } from '../textStream.js';
import { g2pCollator, loadCmudict } from './cmudict.js';
import { loadFirstNames, nameCollator } from './firstNames.js';
import { fnv1a32, importOptional } from './importOptional.js';
import { loadMobyDick } from './mobyDick.js';
import { loadSequentialMnist } from './sequentialMnist.js';

// The counts below are the specification in shared/bench/learning.md (the reference's splits).
describe('real data sets', () => {
  it('sequential MNIST: 7,996 train / 2,004 test, 28 steps of 28 pixels', async () => {
    const mnist = await loadSequentialMnist();
    expect(mnist.train.length).toBe(7996);
    expect(mnist.test.length).toBe(2004);
    expect(mnist.train.images.length).toBe(7996 * 784);
    const perClass = (labels: Int32Array) => Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length);
    const train = perClass(mnist.train.labels);
    const test = perClass(mnist.test.labels);
    train.forEach((count, d) => expect(count).toBe(Math.floor(0.8 * (count + test[d]))));
    let min = Infinity;
    let max = -Infinity;
    for (const value of mnist.test.images) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    const loader = new DataLoader(mnist.train, { batchSize: 64, shuffle: true, seed: 0, collate: mnist.train.collator() });
    const batch = loader.batches(0).next().value!;
    expect(batch.inputs.shape).toEqual([28, 64, 28]);
    const index = loader.indices(0)[0][5];
    // step t of example b is row t of its image
    expect(batch.inputs.data[(3 * 64 + 5) * 28 + 7]).toBe(mnist.train.images[index * 784 + 3 * 28 + 7]);
    expect(batch.targets.data[5]).toBe(mnist.train.labels[index]);
    // the images are exactly the files' contents: class 7's first test image is image ⌊0.8·n⌋ of 7.json
    const file = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('mnist/src/digits/7.json'), 'utf8')).data as number[];
    const n = file.length / 784;
    const firstTest7 = Array.from(mnist.test.labels).indexOf(7);
    expect(Array.from(mnist.test.get(firstTest7).image)).toEqual(Array.from(Float32Array.from(file.slice(Math.floor(0.8 * n) * 784, (Math.floor(0.8 * n) + 1) * 784))));
    const firstTrain7 = Array.from(mnist.train.labels).indexOf(7);
    expect(Array.from(mnist.train.get(firstTrain7).image)).toEqual(Array.from(Float32Array.from(file.slice(0, 784))));
  });

  it('Moby Dick: 1,213,282 characters, 89 symbols by code point, last 60,664 for validation', async () => {
    const moby = await loadMobyDick();
    expect(moby.text.length).toBe(1_213_282);
    expect(moby.vocabulary.size).toBe(89);
    const symbols = [...moby.vocabulary.tokens];
    expect(symbols).toEqual([...new Set(moby.text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
    expect(moby.validation.length).toBe(60_664);
    expect(moby.train + moby.validation).toBe(moby.text);
    expect(moby.tokenizer.decode(moby.validationIds)).toBe(moby.validation);
    const stream = new TextStream(moby.trainIds, { batchSize: 32, bptt: 100 });
    expect(stream.steps).toBe(Math.floor((1_213_282 - 60_664) / 32));
  });

  it('CMUdict: 98,222 train / 10,798 validation words, 39 phonemes, FNV-1a split', async () => {
    const cmu = await loadCmudict();
    expect(cmu.train.length).toBe(98_222);
    expect(cmu.validation.length).toBe(10_798);
    expect(cmu.phonemes.size).toBe(40);
    expect(cmu.letters.size).toBe(27);
    expect(cmu.phonemes.tokens[0]).toBe('<blank>');
    for (const example of [...cmu.train.slice(0, 500), ...cmu.validation.slice(0, 500)]) {
      expect(example.word).toMatch(/^[a-z]+$/);
      expect(example.phonemes.every((p) => /^[A-Z]+$/.test(p))).toBe(true);
      expect(cmu.letters.decode(example.letterIds).join('')).toBe(example.word);
      expect(cmu.phonemes.decode(example.phonemeIds)).toEqual(example.phonemes);
    }
    // the dictionary's own entry (AABERG  AA1 B ER0 G), through the compact example's getters
    const aaberg = cmu.train.find((e) => e.word === 'aaberg')!;
    expect(aaberg.phonemes).toEqual(['AA', 'B', 'ER', 'G']);
    expect(JSON.parse(JSON.stringify(aaberg))).toEqual({ word: 'aaberg', phonemes: ['AA', 'B', 'ER', 'G'], letterIds: Array.from(cmu.letters.encode('aaberg')), phonemeIds: Array.from(cmu.phonemes.encode(['AA', 'B', 'ER', 'G'])) });
    expect(cmu.validation.every((e) => fnv1a32(e.word) % 10 === 0)).toBe(true);
    expect(cmu.train.every((e) => fnv1a32(e.word) % 10 !== 0)).toBe(true);
    const items = cmu.validation.slice(0, 3);
    const batch = g2pCollator()(items);
    const longest = Math.max(...items.map((e) => e.word.length));
    expect(batch.inputs.shape).toEqual([2 * longest, 3]);
    expect(Array.from(batch.inputLengths.data)).toEqual(items.map((e) => 2 * e.word.length));
    expect(Array.from(batch.targetLengths.data)).toEqual(items.map((e) => e.phonemes.length));
    items.forEach((e, b) => {
      const frames = Array.from({ length: 2 * e.word.length }, (_, t) => batch.inputs.data[t * 3 + b]);
      expect(cmu.letters.decode(frames).join('')).toBe([...e.word].map((c) => c + c).join(''));
      const width = batch.targets.shape[1];
      expect(cmu.phonemes.decode(Array.from(batch.targets.data.slice(b * width, b * width + e.phonemes.length)))).toEqual(e.phonemes);
    });
  });

  it('CMUdict: the examples hold about 100 bytes of heap each (word and offsets; the id views are made when read)', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const cmu = await loadCmudict();
    const usedWith = () => (collect(), collect(), getHeapStatistics().used_heap_size);
    const before = usedWith();
    const count = cmu.train.length + cmu.validation.length;
    cmu.train.length = 0;
    cmu.validation.length = 0;
    const perExample = (before - usedWith()) / count;
    // two typed-array views and a string array an example took 382 bytes
    expect(perExample).toBeGreaterThan(20);
    expect(perExample).toBeLessThan(150);
  });

  it('first names: both lists, de-duplicated, a name-hash split with no name in both splits', async () => {
    const names = await loadFirstNames();
    const all = [...names.train, ...names.validation];
    expect(all.filter((e) => e.sex === 'female').length).toBe(new Set(all.filter((e) => e.sex === 'female').map((e) => e.name)).size);
    const validationNames = new Set(names.validation.map((e) => e.name.toLowerCase()));
    expect(names.train.some((e) => validationNames.has(e.name.toLowerCase()))).toBe(false);
    expect(names.validation.length / all.length).toBeGreaterThan(0.07);
    expect(names.validation.length / all.length).toBeLessThan(0.13);
    expect(names.characters.tokens.slice(0, 3)).toEqual(['<pad>', '<s>', '</s>']);
    const ids = names.characters.encode(['<s>', ...names.train[0].name, '</s>']);
    expect(names.characters.decode(ids, { skipSpecials: true }).join('')).toBe(names.train[0].name);
    const batch = nameCollator(names.characters, { batchFirst: true })([{ name: 'Ada', sex: 'female' }, { name: 'Al', sex: 'male' }]);
    const id = (token: string) => names.characters.idOf(token);
    expect(Array.from(batch.inputs.data)).toEqual([id('<s>'), id('A'), id('d'), id('a'), id('<s>'), id('A'), id('l'), id('<pad>')]);
    expect(Array.from(batch.targets.data)).toEqual([id('A'), id('d'), id('a'), id('</s>'), id('A'), id('l'), id('</s>'), -100]);
    expect(Array.from(batch.lengths.data)).toEqual([4, 3]);
    const female = await loadFirstNames({ sexes: ['female'] });
    expect([...female.train, ...female.validation].every((e) => e.sex === 'female')).toBe(true);
  });

  it('a missing data package gives an error naming the package to install', async () => {
    const specifier = 'recurrent-missing-data-package';
    await expect(importOptional('loadThing', specifier, '1.2.3', () => import(specifier))).rejects.toThrow(
      'loadThing: expected the optional data package "recurrent-missing-data-package" to be installed, got none; install it with: npm i recurrent-missing-data-package@1.2.3',
    );
    await expect(importOptional('loadThing', specifier, '1.2.3', () => Promise.reject(new Error('disk on fire')))).rejects.toThrow('disk on fire');
  });

  it('fnv1a32 follows the FNV-1a definition', () => {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode('hello')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    expect(fnv1a32('hello')).toBe(h);
    expect(fnv1a32('')).toBe(0x811c9dc5);
  });
});
