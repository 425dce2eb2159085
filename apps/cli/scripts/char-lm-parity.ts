// The recurrent half of the char-lm step-by-step comparison with PyTorch (char_lm_parity.py runs
// it, then the same steps in PyTorch from the same weights): builds `recurrent train char-lm`'s
// task with its defaults (bench/learning.md's recipe), writes the initial weights, then runs the
// trainer's step (zeroGrad, the task's step, global-norm clip 1.0, Adam 2e-3) `--steps` times,
// printing one JSON line per step: the loss and the gradients' global norm before clipping.
//
//   node --import tsx --conditions=source apps/cli/scripts/char-lm-parity.ts \
//     --out DIR [--steps 40] [--backend cpu|native] [--threads 1] [--eval-chars 20000]
//
// DIR gets initial.safetensors and final.safetensors (the state dict before the first step and
// after the last); the first line printed is the bits/char of the initial weights on the first
// `--eval-chars` validation characters (the task's own bitsPerChar, 10 streams, window 100), the
// last one the same for the final weights.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clipGradNorm, Adam } from '@recurrent/optim';
import { type Backend, encodeSafetensors } from '@recurrent/tensor';
import { bitsPerChar, charLmDefaults, charLmTask } from '../src/tasks/charLm.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    steps: { type: 'string', default: '40' },
    backend: { type: 'string', default: 'cpu' },
    threads: { type: 'string', default: '1' },
    'eval-chars': { type: 'string', default: '20000' },
    seed: { type: 'string', default: '0' },
  },
});
if (!values.out) throw new Error('char-lm-parity: expected --out DIR, got none');
const steps = Number(values.steps);
const evalChars = Number(values['eval-chars']);
if (!Number.isInteger(steps) || steps < 0) throw new Error(`char-lm-parity: expected --steps to be an integer ≥ 0, got ${values.steps}`);
if (!Number.isInteger(evalChars) || evalChars < 0) throw new Error(`char-lm-parity: expected --eval-chars to be an integer ≥ 0, got ${values['eval-chars']}`);
if (values.backend !== 'cpu' && values.backend !== 'native') throw new Error(`char-lm-parity: expected --backend cpu or native, got ${values.backend}`);

let backend: Backend | undefined;
if (values.backend === 'native') {
  const { createNativeBackend } = await import('@recurrent/backend-native');
  backend = createNativeBackend({ threads: Number(values.threads) });
}

const task = charLmTask({ ...charLmDefaults, cell: 'lstm', dropout: 0, seed: Number(values.seed), backend });
const model = task.model;
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'initial.safetensors'), encodeSafetensors(model.stateDict()));

const score = () => (evalChars > 0 ? bitsPerChar(model, task.corpus.validation.subarray(0, evalChars), 10, 100) : null);
console.log(JSON.stringify({ initial_bits_per_char: score(), eval_chars: evalChars, train_chars: task.corpus.train.length, vocabulary: task.corpus.vocabulary.length }));

// the trainer's step (apps/cli/src/training/trainer.ts) with the char-lm defaults of the registry
const parameters = model.parameters();
const optimizer = new Adam(parameters, { lr: charLmDefaults.lr });
model.train();
for (let step = 1; step <= steps; step++) {
  optimizer.zeroGrad();
  const loss = task.trainStep();
  const norm = clipGradNorm(parameters, charLmDefaults.clip);
  optimizer.step();
  console.log(JSON.stringify({ step, loss, norm }));
}
writeFileSync(join(values.out, 'final.safetensors'), encodeSafetensors(model.stateDict()));
console.log(JSON.stringify({ final_bits_per_char: score() }));
