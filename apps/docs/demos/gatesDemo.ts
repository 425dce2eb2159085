// LSTM gates at work on the copy task: a symbol shown at step 0 must be named at the last step.
// The cell runs step by step; the heatmaps show its input, forget and output gates per unit and
// step for one sequence (recomputed from the cell's own parameters).
import { Generator, type Tensor, add, matmul, sigmoid, slice, tensor } from '@recurrent/tensor';
import { type Variable, backward, crossEntropy, noGrad } from '@recurrent/autograd';
import { LSTMCell } from '@recurrent/cells';
import { Linear } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const symbols = 4;
const delay = 10;
const steps = delay + 1;
const hiddenSize = 16;
const batch = 32;
const shownUnits = 8;

export function createGatesDemo({ seed }: DemoContext): Demo {
  const generator = new Generator(seed);
  const cell = new LSTMCell({ inputSize: symbols + 1, hiddenSize, unitForgetBias: true, generator });
  const head = new Linear({ inFeatures: hiddenSize, outFeatures: symbols, generator });
  const optimizer = new Adam([...cell.parameters(), ...head.parameters()], { lr: 2e-2 });

  /** Inputs: one-hot symbol at step 0, then a "recall" flag at the last step. */
  function makeBatch(size: number): { xs: Tensor[]; labels: Tensor } {
    const labels = Array.from({ length: size }, () => generator.integer(symbols));
    const xs = Array.from({ length: steps }, (_, t) => {
      const x = new Float32Array(size * (symbols + 1));
      for (let b = 0; b < size; b++) {
        if (t === 0) x[b * (symbols + 1) + labels[b]] = 1;
        if (t === steps - 1) x[b * (symbols + 1) + symbols] = 1;
      }
      return tensor(x, { shape: [size, symbols + 1] });
    });
    return { xs, labels: tensor(labels, { shape: [size], dtype: 'int32' }) };
  }

  function run(xs: Tensor[]): { h: Variable; hs: Tensor[] } {
    let state: { h: Variable; c: Variable } | null = null;
    const hs: Tensor[] = [];
    for (const x of xs) {
      hs.push(state ? state.h.value : tensor(new Float32Array(x.shape[0] * hiddenSize), { shape: [x.shape[0], hiddenSize] }));
      state = cell.forward(x, state);
    }
    return { h: state!.h, hs };
  }

  /** Gate activations i, f, o of the first units for one sequence, as rows × steps. */
  function gates(xs: Tensor[], hs: Tensor[]): { rows: string[]; values: number[][]; title: string }[] {
    const H = hiddenSize;
    const maps = { i: [] as number[][], f: [] as number[][], o: [] as number[][] };
    const columns = xs.map((x, t) => {
      const pre = add(
        add(matmul(slice(x, [{ start: 0, end: 1 }]), cell.weightIh.value, { transposeB: true }), cell.biasIh!.value),
        add(matmul(slice(hs[t], [{ start: 0, end: 1 }]), cell.weightHh.value, { transposeB: true }), cell.biasHh!.value),
      );
      return sigmoid(pre).data;
    });
    for (const [gate, offset] of [['i', 0], ['f', H], ['o', 3 * H]] as const) {
      for (let unit = 0; unit < shownUnits; unit++) maps[gate].push(columns.map((column) => column[offset + unit]));
    }
    const rows = Array.from({ length: shownUnits }, (_, unit) => `unit ${unit}`);
    return [
      { title: 'input gate i', rows, values: maps.i },
      { title: 'forget gate f', rows, values: maps.f },
      { title: 'output gate o', rows, values: maps.o },
    ];
  }

  const probe = makeBatch(64);
  return {
    round() {
      let total = 0;
      const rounds = 10;
      for (let i = 0; i < rounds; i++) {
        const { xs, labels } = makeBatch(batch);
        optimizer.zeroGrad();
        const loss = crossEntropy(head.forward(run(xs).h), labels);
        backward(loss);
        optimizer.step();
        total += loss.item();
      }
      const { accuracy, heatmap } = noGrad(() => {
        const { h, hs } = run(probe.xs);
        const logits = head.forward(h).value;
        let correct = 0;
        for (let b = 0; b < 64; b++) {
          let best = 0;
          for (let k = 1; k < symbols; k++) if (logits.data[b * symbols + k] > logits.data[b * symbols + best]) best = k;
          if (best === probe.labels.data[b]) correct++;
        }
        return { accuracy: correct / 64, heatmap: gates(probe.xs, hs) };
      });
      return { steps: rounds, loss: total / rounds, report: { heatmap, metric: { name: 'recall accuracy', value: accuracy } } };
    },
  };
}
