import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '@recurrent/autograd';
import { loadCmudict } from '@recurrent/data';
import type { TokenModel } from '@recurrent/layers';
import { loadModelFile } from '@recurrent/layers/node';
import { tensor } from '@recurrent/tensor';
import { listCheckpoints } from '../checkpoint/checkpoint.js';
import { editDistance } from '../tasks/g2p.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'recurrent.mjs');
let folder = '';

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
  io: { outputVocabulary: string[] };
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-bundle-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

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
  }, 240_000);

  it('a g2p bundle (weights in a sibling file) decodes the pronunciations `recurrent eval` scores', async () => {
    const run = join(folder, 'g2p');
    recurrent('train', 'g2p', '--budget', '4', '--embedding-size', '8', '--hidden-size', '16', '--layers', '1', '--batch', '32', '--eval-limit', '200', '--no-progress', '--out', run);
    const evaluated = recurrent('eval', run);
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
  }, 240_000);
});
