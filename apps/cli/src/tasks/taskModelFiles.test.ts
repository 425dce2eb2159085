// The births, g2p-attention and autoencoder checkpoints are model files: one call rebuilds each
// model with the same float32 bits, the file carries the task's io, and `recurrent eval` on the
// file alone gives the run's figure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Module, type Variable, noGrad } from '@recurrent/autograd';
import { loadCmudict, loadFirstNames, loadUsBirths } from '@recurrent/data';
import { type AttentionEncoderDecoder, CalendarForecaster, type EncoderDecoder, forecastDaily, loadModel } from '@recurrent/layers';
import { loadModelFile } from '@recurrent/layers/node';
import { fromData } from '@recurrent/tensor';
import { listCheckpoints } from '../checkpoint/checkpoint.js';
import { restoreTask } from '../commands/restoreModel.js';
import { autoencoderExtraSteps, nameBatch } from './autoencoder.js';
import { birthsBatch, horizon } from './births.js';
import { extraSteps, letterBatch } from './g2pAttention.js';
import { taskKinds } from './moduleKinds.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'recurrent.mjs');
const folder = mkdtempSync(join(tmpdir(), 'recurrent-task-files-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function recurrent(...args: string[]): string {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: folder, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`recurrent ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const left = new Uint32Array(a.buffer, a.byteOffset, a.length), right = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return left.length === right.length && left.every((word, k) => word === right[k]);
}
const values = (v: Variable) => Float32Array.from(v.value.data);

/** Trains `task` briefly; returns the run, its last model file and the logged final metric. */
function trained(task: string, flags: string[]) {
  const run = join(folder, task);
  const log = join(folder, `${task}.jsonl`);
  recurrent('train', task, '--budget', '2', '--no-progress', '--log-json', log, '--out', run, ...flags);
  const last = JSON.parse(readFileSync(log, 'utf8').trimEnd().split('\n').at(-1)!);
  return { run, modelFile: join(listCheckpoints(run).at(-1)!, 'model.safetensors'), metric: last.value as number };
}

/** The module from the file (bytes, one call; then by path) gives the same bits as the run's restored model. */
async function expectSameModel(modelFile: string, run: string, output: (module: Module) => Float32Array) {
  const { task } = await restoreTask(run);
  const expected = output(task.model);
  const fromBytes = await loadModel(readFileSync(modelFile), { kinds: taskKinds });
  expect(fromBytes.module.constructor).toBe(task.model.constructor);
  expect(sameBits(output(fromBytes.module), expected)).toBe(true);
  expect(sameBits(output(loadModelFile(modelFile, { kinds: taskKinds }).module), expected)).toBe(true);
  return { io: fromBytes.io!, description: fromBytes.description, task };
}

/** `recurrent eval FILE` prints the figure the run logged, to the four digits it prints. */
function expectEvalOfFile(modelFile: string, metric: number) {
  const printed = recurrent('eval', modelFile).trim().split('\n');
  expect(printed[0]).toMatch(/^model: /);
  expect(printed.at(-1)!.split(': ').at(-1)).toBe(metric.toFixed(4));
}

describe('the births, g2p-attention and autoencoder checkpoints are model files', () => {
  it('births: a CalendarForecaster plain loadModel rebuilds; the file keeps what forecastDaily needs', async () => {
    const { run, modelFile, metric } = trained('births', ['--hidden-size', '8', '--batch', '16']);
    const data = await loadUsBirths();
    // origins inside the 5,479-day series (9000… lay past its end: the old batch read NaN there, and NaN bits matched NaN bits)
    const origins = [4000, 4500, 5000];
    const mean = (await restoreTask(run)).task.modelConfig.mean as number;
    const { io, description } = await expectSameModel(modelFile, run, (module) => noGrad(() => values((module as CalendarForecaster).forward(birthsBatch(data, mean, 56, origins).input))));
    expect(description.module.kind).toBe('CalendarForecaster');
    expect(Object.keys(description.module.children!)).toEqual(['rnn', 'weekday', 'day', 'step', 'hidden', 'output']);
    expect(io.task).toBe('births');
    expect(io.normalization).toEqual({ mean: 0, std: mean });
    expect(io.window).toBe(56);
    expect((io.extra as { horizon: number }).horizon).toBe(horizon);
    // export --format model writes the same model (through the kind) with the same io
    const exported = join(folder, 'births-export.safetensors');
    recurrent('export', run, '--format', 'model', '--output', exported);
    const again = loadModelFile(exported, { kinds: taskKinds });
    expect(again.description.module).toEqual(description.module);
    expect(again.io).toMatchObject({ normalization: io.normalization, window: 56 });
    const output = (module: Module) => noGrad(() => values((module as CalendarForecaster).forward(birthsBatch(data, mean, 56, origins).input)));
    expect(sameBits(output(again.module), output(loadModelFile(modelFile, { kinds: taskKinds }).module))).toBe(true);
    // plain loadModel (no kinds) rebuilds it, and the file alone forecasts from raw counts and a date
    const plain = await loadModel<CalendarForecaster>(readFileSync(modelFile));
    expect(plain.module).toBeInstanceOf(CalendarForecaster);
    const expected = output(plain.module);
    expect(sameBits(expected, output(loadModelFile(modelFile, { kinds: taskKinds }).module))).toBe(true);
    const start = `${data.year[0]}-${String(data.month[0]).padStart(2, '0')}-${String(data.dayOfMonth[0]).padStart(2, '0')}`;
    const forecasts = forecastDaily(plain.module, plain.io, { values: data.births, start }, { origins });
    expect(forecasts.flatMap((f) => Array.from(f.values))).toEqual(Array.from(expected, (v) => v * mean));
    expect(forecasts[0].dates[0]).toBe(`${data.year[origins[0] + 1]}-${String(data.month[origins[0] + 1]).padStart(2, '0')}-${String(data.dayOfMonth[origins[0] + 1]).padStart(2, '0')}`);
    // a MAE of ~10³ births/day printed to 4 decimals is 7 significant digits: the training run's
    // figure may differ from a later evaluation in the last one (float32 sums), so the file is
    // compared with its own run directory, evaluated the same way
    expect(Math.abs(metric - Number(recurrent('eval', run).trim().split('\n').at(-1)!.split(': ').at(-1)))).toBeLessThan(1e-6 * metric);
    expect(recurrent('eval', modelFile).trim().split('\n').at(-1)).toBe(recurrent('eval', run).trim().split('\n').at(-1));
  }, 600_000);

  it('g2p-attention: the attentional encoder–decoder with its letters, phonemes and framing', async () => {
    const { run, modelFile, metric } = trained('g2p-attention', ['--hidden-size', '16', '--batch', '32']);
    const cmudict = await loadCmudict();
    const words = cmudict.validation.slice(0, 6);
    const { source, lengths } = letterBatch(words);
    const targets = fromData(Int32Array.from({ length: 4 * words.length }, (_, k) => (k * 7) % cmudict.phonemes.size), [4, words.length]);
    const { io, description } = await expectSameModel(modelFile, run, (module) => noGrad(() => {
      const model = module as AttentionEncoderDecoder;
      const { logits, weights } = model.forward(source, targets, { sourceLengths: lengths });
      const decoded = model.greedyDecode(source, { maxLength: Math.max(...lengths) + extraSteps, sourceLengths: lengths }).tokens.flat();
      return Float32Array.from([...values(logits), ...values(weights), ...decoded]);
    }));
    expect(description.module.kind).toBe('AttentionEncoderDecoder');
    expect(io).toMatchObject({
      task: 'g2p-attention', tokenizer: 'characters', vocabulary: [...cmudict.letters.tokens], outputVocabulary: [...cmudict.phonemes.tokens, '<s>'],
      extra: { eos: 0, bos: cmudict.phonemes.size, extraSteps },
    });
    expectEvalOfFile(modelFile, metric);
  }, 600_000);

  it('autoencoder: the EncoderDecoder of cells with its name vocabulary', async () => {
    const { run, modelFile, metric } = trained('autoencoder', ['--hidden-size', '16', '--batch', '32']);
    const { characters, validation } = await loadFirstNames();
    const encoded = validation.slice(0, 5).map(({ name }) => characters.encode(name));
    const { source, lengths, fed } = nameBatch(encoded, characters.padId!, characters.eosId!);
    const { io, description } = await expectSameModel(modelFile, run, (module) => noGrad(() => {
      const model = module as EncoderDecoder;
      const decoded = model.greedyDecode(source, { maxLength: Math.max(...lengths) + autoencoderExtraSteps, sourceLengths: lengths }).flat();
      return Float32Array.from([...values(model.forward(source, fed, { sourceLengths: lengths })), ...decoded]);
    }));
    expect(description.module.kind).toBe('EncoderDecoder');
    expect(io).toMatchObject({ task: 'autoencoder', vocabulary: [...characters.tokens], extra: { bosId: characters.bosId, eosId: characters.eosId, padId: characters.padId } });
    // the held-out names, in the split's order (the page's nearest neighbours are found among them)
    expect((io.extra as { validationNames: string[] }).validationNames).toEqual(validation.map(({ name }) => name));
    expectEvalOfFile(modelFile, metric);
  }, 600_000);
});
