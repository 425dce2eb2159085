import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '@recurrent/autograd';
import { loadCmudict, loadFirstNames } from '@recurrent/data';
import type { AttentionEncoderDecoder, EncoderDecoder, SequenceModel, TokenModel } from '@recurrent/layers';
import { loadModelFile } from '@recurrent/layers/node';
import { tensor } from '@recurrent/tensor';
import { listCheckpoints } from '../checkpoint/checkpoint.js';
import { autoencoderExtraSteps, nameBatch } from '../tasks/autoencoder.js';
import { editDistance } from '../tasks/g2p.js';
import { extraSteps, letterBatch } from '../tasks/g2pAttention.js';
import { writeSineSeries } from '../testing/sineSeries.js';

/** Largest |a − b| over two lists of rows. */
function largestDifference(rows: ArrayLike<number>[], flat: ArrayLike<number>, width: number): number {
  let worst = 0;
  rows.forEach((row, t) => Array.from(row).forEach((value, k) => (worst = Math.max(worst, Math.abs(value - flat[t * width + k])))));
  return worst;
}

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'recurrent.mjs');
let folder = '';
let server: Server | undefined;
let browser: Browser | undefined;
let base = '';

/** Runs `work` in a chromium page served from the test folder (bundles and model files by URL). */
async function inChromium<T>(work: string): Promise<T> {
  const page = await browser!.newPage();
  try {
    await page.goto(`${base}/index.html`);
    return (await page.evaluate(`(async () => { ${work} })()`)) as T;
  } finally {
    await page.close();
  }
}

function recurrent(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`recurrent ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

interface Bundle {
  model?: BundleModel;
  fromBytes(bytes: Uint8Array): BundleModel;
}
interface BundleModel {
  forward(ids: number[], targets?: number[]): { logits: Float32Array[]; weights?: Float32Array[] };
  greedy(source: number[], maxLength: number): { ids: number[]; weights: number[][] };
  sample(options: { length: number; temperature: number; seed: number; prime?: string }): string;
  decode(word: string): string[];
  predict(x: Float32Array): Float32Array;
  io: { outputVocabulary: string[]; vocabulary: string[] };
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-bundle-'));
  server = createServer((request, response) => {
    const file = join(folder, (request.url ?? '/').split('?')[0]);
    if (request.url === '/index.html') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bundle</title>');
    if (!file.startsWith(folder) || !existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
  rmSync(folder, { recursive: true, force: true });
});

describe('recurrent export --format bundle', () => {
  it('a char-LM bundle samples the text `recurrent sample` samples, and its logits equal the library\'s', async () => {
    const run = join(folder, 'lm');
    recurrent('train', 'char-lm', '--budget', '3', '--embedding-size', '8', '--hidden-size', '24', '--layers', '2', '--bptt', '20', '--eval-limit', '2000', '--no-progress', '--out', run);
    const printed = recurrent('export', run, '--format', 'bundle', '--output', join(folder, 'lm.js'));
    const code = Number(/code (\d+\.\d) KB/.exec(printed)![1]);
    expect(code).toBeLessThan(40);
    const bundle = (await import(pathToFileURL(join(folder, 'lm.js')).href)) as Bundle;
    for (const [seed, temperature, prime] of [[7, 0.8, ''], [3, 1, 'The whale'], [1, 0, 'Call me']] as const) {
      const sampled = recurrent('sample', run, '--length', '150', '--seed', String(seed), '--temperature', String(temperature), '--prime', prime);
      expect(`${prime}${bundle.model!.sample({ length: 150, temperature, seed, prime })}\n`).toBe(sampled);
    }
    // any model file reads back: the checkpoint's model.safetensors, copied anywhere
    const modelFile = join(listCheckpoints(run).at(-1)!, 'model.safetensors');
    expect(recurrent('sample', modelFile, '--length', '60', '--seed', '5')).toBe(recurrent('sample', run, '--length', '60', '--seed', '5'));
    const { module } = loadModelFile<TokenModel>(modelFile);
    const ids = [3, 10, 4, 1, 0, 7, 7, 2];
    const library = noGrad(() => module.forward(tensor(ids.map((id) => [id]), { dtype: 'int32' }), null).logits.value.data);
    const rows = bundle.model!.forward(ids).logits;
    const width = rows[0].length;
    rows.forEach((row, t) => row.forEach((value, k) => expect(Math.abs(value - library[t * width + k])).toBeLessThan(1e-5)));
    // the same bundle in chromium: the same logits (1e-5 of the library's) and the same text
    const page = await inChromium<{ logits: number[][]; text: string }>(`
      const { model } = await import('/lm.js');
      return { logits: model.forward(${JSON.stringify(ids)}).logits.map((row) => Array.from(row)), text: model.sample({ length: 150, temperature: 0.8, seed: 7 }) };
    `);
    page.logits.forEach((row, t) => row.forEach((value, k) => expect(Math.abs(value - library[t * width + k])).toBeLessThan(1e-5)));
    expect(page.text).toBe(bundle.model!.sample({ length: 150, temperature: 0.8, seed: 7 }));
  }, 240_000);

  it('a g2p bundle (weights in a sibling file) decodes the pronunciations `recurrent eval` scores', async () => {
    const run = join(folder, 'g2p');
    recurrent('train', 'g2p', '--budget', '4', '--embedding-size', '8', '--hidden-size', '16', '--layers', '1', '--batch', '32', '--eval-limit', '200', '--no-progress', '--out', run);
    const evaluated = recurrent('eval', run);
    // the checkpoint's model file alone evaluates the same
    const modelFile = join(listCheckpoints(run).at(-1)!, 'model.safetensors');
    expect(recurrent('eval', modelFile).trim().split('\n').at(-1)).toBe(evaluated.trim().split('\n').at(-1));
    const reported = Number(/phoneme error rate: (\d+\.\d{4})|: (\d+\.\d{4})$/m.exec(evaluated.trim())!.slice(1).find(Boolean));
    const printed = recurrent('export', run, '--format', 'bundle', '--weights', 'sibling', '--output', join(folder, 'g2p.js'));
    expect(printed).toMatch(/weights in g2p\.safetensors/);
    const bundle = (await import(pathToFileURL(join(folder, 'g2p.js')).href)) as Bundle;
    expect(bundle.model).toBeUndefined();
    const model = bundle.fromBytes(readFileSync(join(folder, 'g2p.safetensors')));
    const cmudict = await loadCmudict();
    let errors = 0;
    let reference = 0;
    for (const example of cmudict.validation) {
      const decoded = model.decode(example.word).map((symbol) => model.io.outputVocabulary.indexOf(symbol));
      errors += editDistance(decoded, example.phonemeIds);
      reference += example.phonemeIds.length;
    }
    // the same phoneme error rate over the whole validation split, to the four digits eval prints
    expect((errors / reference).toFixed(4)).toBe(reported.toFixed(4));
    // in chromium, load() fetches the sibling file and decodes the same pronunciations
    const words = cmudict.validation.slice(0, 300).map((example) => example.word);
    const decoded = await inChromium<string[][]>(`
      const bundle = await import('/g2p.js');
      const model = await bundle.load();
      return ${JSON.stringify(words)}.map((word) => model.decode(word));
    `);
    expect(decoded).toEqual(words.map((word) => model.decode(word)));
  }, 240_000);

  it('a g2p-attention bundle decodes greedily the pronunciations `recurrent eval` scores; its logits and attention weights are the library\'s', async () => {
    const run = join(folder, 'g2p-attention');
    recurrent('train', 'g2p-attention', '--budget', '3', '--hidden-size', '16', '--batch', '32', '--no-progress', '--out', run);
    const evaluated = recurrent('eval', run);
    const reported = evaluated.trim().split('\n').at(-1)!.split(': ').at(-1)!;
    const printed = recurrent('export', run, '--format', 'bundle', '--output', join(folder, 'g2p-attention.js'));
    const code = Number(/code (\d+\.\d) KB/.exec(printed)![1]);
    expect(code).toBeLessThan(40);
    const { model } = (await import(pathToFileURL(join(folder, 'g2p-attention.js')).href)) as Bundle;
    const cmudict = await loadCmudict();
    let errors = 0;
    let reference = 0;
    for (const example of cmudict.validation) {
      const decoded = model!.decode(example.word).map((symbol) => model!.io.outputVocabulary.indexOf(symbol));
      errors += editDistance(decoded, example.phonemeIds);
      reference += example.phonemeIds.length;
    }
    // greedy decoding of every validation word: the phoneme error rate eval prints
    expect((errors / reference).toFixed(4)).toBe(reported);
    // the library's greedy tokens and teacher-forced logits and weights for a few words (1e-5)
    const { module } = loadModelFile<AttentionEncoderDecoder>(join(listCheckpoints(run).at(-1)!, 'model.safetensors'));
    const words = cmudict.validation.slice(0, 40);
    const { source, lengths } = letterBatch(words);
    const library = noGrad(() => module.greedyDecode(source, { maxLength: Math.max(...lengths) + extraSteps, sourceLengths: lengths }).tokens);
    expect(words.map((word) => model!.greedy(Array.from(word.letterIds), word.letterIds.length + extraSteps).ids)).toEqual(library.map((ids, b) => ids.slice(0, lengths[b] + extraSteps)));
    const word = words[3], targets = Array.from(word.phonemeIds);
    const forced = noGrad(() => module.forward(tensor(Array.from(word.letterIds, (id) => [id]), { dtype: 'int32' }), tensor(targets.map((id) => [id]), { dtype: 'int32' })));
    const mine = model!.forward(Array.from(word.letterIds), targets);
    expect(largestDifference(mine.logits, forced.logits.value.data, forced.logits.shape[2])).toBeLessThan(1e-5);
    expect(largestDifference(mine.weights!, forced.weights.value.data, word.letterIds.length)).toBeLessThan(1e-5);
    // in chromium: the same pronunciations and logits
    const page = await inChromium<{ decoded: string[][]; logits: number[][] }>(`
      const { model } = await import('/g2p-attention.js');
      return { decoded: ${JSON.stringify(words.map((w) => w.word))}.map((word) => model.decode(word)), logits: model.forward(${JSON.stringify(Array.from(word.letterIds))}, ${JSON.stringify(targets)}).logits.map((row) => Array.from(row)) };
    `);
    expect(page.decoded).toEqual(words.map((w) => model!.decode(w.word)));
    expect(largestDifference(page.logits, forced.logits.value.data, forced.logits.shape[2])).toBeLessThan(1e-5);
  }, 600_000);

  it('an autoencoder bundle (EncoderDecoder of cells) decodes greedily what the library decodes; logits 1e-5 in Node and chromium', async () => {
    const run = join(folder, 'autoencoder');
    recurrent('train', 'autoencoder', '--budget', '3', '--hidden-size', '16', '--batch', '32', '--no-progress', '--out', run);
    const printed = recurrent('export', run, '--format', 'bundle', '--weights', 'sibling', '--output', join(folder, 'autoencoder.js'));
    expect(Number(/code (\d+\.\d) KB/.exec(printed)![1])).toBeLessThan(40);
    const bundle = (await import(pathToFileURL(join(folder, 'autoencoder.js')).href)) as Bundle;
    const model = bundle.fromBytes(readFileSync(join(folder, 'autoencoder.safetensors')));
    const { module } = loadModelFile<EncoderDecoder>(join(listCheckpoints(run).at(-1)!, 'model.safetensors'));
    const { characters, validation } = await loadFirstNames();
    const names = validation.slice(0, 200).map(({ name }) => name);
    const encoded = names.map((name) => characters.encode(name));
    const { source, lengths, fed } = nameBatch(encoded, characters.padId!, characters.eosId!);
    // decoded as a batch, each name cut at its own length + the extra steps: what it decodes to alone
    const library = noGrad(() => module.greedyDecode(source, { maxLength: Math.max(...lengths) + autoencoderExtraSteps, sourceLengths: lengths }));
    expect(names.map((name) => model.decode(name).join(''))).toEqual(library.map((ids, b) => characters.decode(ids.slice(0, lengths[b] + autoencoderExtraSteps)).join('')));
    const ids = Array.from(encoded[0]);
    const forced = noGrad(() => module.forward(tensor(ids.map((id) => [id]), { dtype: 'int32' }), tensor([...ids, characters.eosId!].map((id) => [id]), { dtype: 'int32' })));
    const width = forced.shape[2];
    expect(largestDifference(model.forward(ids, [...ids, characters.eosId!]).logits, forced.value.data, width)).toBeLessThan(1e-5);
    expect(fed.shape[1]).toBe(names.length);
    const page = await inChromium<{ decoded: string[]; logits: number[][] }>(`
      const bundle = await import('/autoencoder.js');
      const model = await bundle.load();
      return { decoded: ${JSON.stringify(names)}.map((name) => model.decode(name).join('')), logits: model.forward(${JSON.stringify(ids)}, ${JSON.stringify([...ids, characters.eosId!])}).logits.map((row) => Array.from(row)) };
    `);
    expect(page.decoded).toEqual(names.map((name) => model.decode(name).join('')));
    expect(largestDifference(page.logits, forced.value.data, width)).toBeLessThan(1e-5);
  }, 600_000);

  it('a births bundle is refused by name (its model is not one the bundle runs)', () => {
    const run = join(folder, 'births');
    recurrent('train', 'births', '--budget', '1', '--hidden-size', '8', '--no-progress', '--out', run);
    const result = spawnSync(process.execPath, [bin, 'export', run, '--format', 'bundle', '--output', join(folder, 'births.js')], { cwd: folder, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--format bundle runs TokenModel, SequenceModel, EncoderDecoder, AttentionEncoderDecoder models, got a CalendarForecaster \(births\)/);
    expect(existsSync(join(folder, 'births.js'))).toBe(false);
  }, 240_000);

  it('a forecaster bundle predicts what the library predicts (1e-5)', async () => {
    const csv = writeSineSeries(folder, 160);
    const run = join(folder, 'forecast');
    recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--hidden-size', '8', '--bptt', '8', '--batch', '16', '--epochs', '2', '--no-progress', '--out', run);
    recurrent('export', run, '--format', 'bundle', '--output', join(folder, 'forecast.js'));
    const bundle = (await import(pathToFileURL(join(folder, 'forecast.js')).href)) as Bundle;
    const { module } = loadModelFile<SequenceModel>(join(listCheckpoints(run).at(-1)!, 'model.safetensors'));
    const window = Float32Array.from({ length: 8 }, (_, t) => Math.sin(t / 3));
    const library = noGrad(() => module.forward(tensor(Array.from(window, (v) => [[v]]))).value.data);
    const predicted = bundle.model!.predict(window);
    expect(predicted.length).toBe(library.length);
    predicted.forEach((value, k) => expect(Math.abs(value - library[k])).toBeLessThan(1e-5));
  }, 120_000);
});
