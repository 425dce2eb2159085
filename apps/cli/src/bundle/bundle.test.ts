import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '@recurrent/autograd';
import { loadCmudict } from '@recurrent/data';
import type { SequenceModel, TokenModel } from '@recurrent/layers';
import { loadModelFile } from '@recurrent/layers/node';
import { tensor } from '@recurrent/tensor';
import { listCheckpoints } from '../checkpoint/checkpoint.js';
import { editDistance } from '../tasks/g2p.js';

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
  forward(ids: number[]): { logits: Float32Array[] };
  sample(options: { length: number; temperature: number; seed: number; prime?: string }): string;
  decode(word: string): string[];
  predict(x: Float32Array): Float32Array;
  io: { outputVocabulary: string[] };
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

  it('a forecaster bundle predicts what the library predicts (1e-5)', async () => {
    const csv = join(folder, 'series.csv');
    writeFileSync(csv, `t,level\n${Array.from({ length: 160 }, (_, t) => `${t},${(Math.sin(t / 5) * 3 + 10).toFixed(4)}`).join('\n')}\n`);
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
