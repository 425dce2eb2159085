// Vanishing gradients, live: an Elman RNN, an LSTM and a GRU of the same width read the same
// sequences; the loss sits at the last step only, and a gradient hook on every hidden state h_t
// records ‖∂L/∂h_t‖. Between measurements each network trains a few steps on a memory task
// (recall the sign of the first input at the end), so the reader sees the curves move.
import { Generator, type Tensor, randn, sqrt, sum, square, tensor } from '@recurrent/tensor';
import { type Variable, backward, binaryCrossEntropyWithLogits, matmul } from '@recurrent/autograd';
import { ElmanCell, GRUCell, LSTMCell } from '@recurrent/cells';
import { Adam } from '@recurrent/optim';
import { Parameter } from '@recurrent/autograd';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const steps = 30;
const batch = 16;
const inputSize = 4;
const hiddenSize = 32;

interface Network {
  label: string;
  parameters(): Parameter[];
  /** Runs the sequence; calls `visit(t, h_t)` on each hidden state; returns the last one. */
  run(xs: Tensor[], visit?: (t: number, h: Variable) => void): Variable;
}

/** A network whose cell maps `(x_t, h_{t−1})` to `h_t` (Elman, GRU). */
function hiddenStateNetwork(label: string, cell: ElmanCell | GRUCell): Network {
  return {
    label,
    parameters: () => cell.parameters(),
    run(xs, visit) {
      let h: Variable | null = null;
      xs.forEach((x, t) => {
        h = cell.forward(x, h);
        visit?.(t, h);
      });
      return h!;
    },
  };
}

function lstm(generator: Generator): Network {
  const cell = new LSTMCell({ inputSize, hiddenSize, unitForgetBias: true, generator });
  return {
    label: 'LSTM',
    parameters: () => cell.parameters(),
    run(xs, visit) {
      let state: { h: Variable; c: Variable } | null = null;
      xs.forEach((x, t) => {
        state = cell.forward(x, state);
        visit?.(t, state.h);
      });
      return state!.h;
    },
  };
}

/** A batch of sequences whose label is the sign of the first input's first feature. */
function memoryBatch(generator: Generator): { xs: Tensor[]; labels: Tensor } {
  const xs = Array.from({ length: steps }, () => randn([batch, inputSize], generator));
  const labels = tensor(Array.from({ length: batch }, (_, b) => (xs[0].data[b * inputSize] > 0 ? 1 : 0)), { shape: [batch, 1] });
  return { xs, labels };
}

export function createGradientsDemo({ seed }: DemoContext): Demo {
  const generator = new Generator(seed);
  const networks = [
    hiddenStateNetwork('Elman RNN', new ElmanCell({ inputSize, hiddenSize, generator })),
    lstm(generator),
    hiddenStateNetwork('GRU', new GRUCell({ inputSize, hiddenSize, generator })),
  ].map((network) => {
    const readout = new Parameter(randn([hiddenSize, 1], generator), 'readout');
    const optimizer = new Adam([...network.parameters(), readout], { lr: 3e-3 });
    return { network, readout, optimizer };
  });
  const probe = memoryBatch(new Generator(seed + 1));

  return {
    round() {
      // Train each network a few steps on the memory task.
      let loss = 0;
      for (let i = 0; i < 3; i++) {
        const { xs, labels } = memoryBatch(generator);
        for (const { network, readout, optimizer } of networks) {
          optimizer.zeroGrad();
          const logits = matmul(network.run(xs), readout);
          const value = binaryCrossEntropyWithLogits(logits, labels);
          backward(value);
          optimizer.step();
          loss += value.item() / (3 * networks.length);
        }
      }
      // Measure ‖∂L/∂h_t‖ for the loss at the last step only, on a fixed probe batch.
      const series = networks.map(({ network, readout }) => {
        const norms = new Array<number>(steps).fill(0);
        const last = network.run(probe.xs, (t, h) => {
          h.registerHook((gradient) => {
            norms[t] = sqrt(sum(square(gradient))).item();
          });
        });
        backward(binaryCrossEntropyWithLogits(matmul(last, readout), probe.labels));
        for (const { network: n, readout: r } of networks) {
          for (const p of [...n.parameters(), r]) p.zeroGrad();
        }
        return { label: network.label, x: norms.map((_, t) => t), y: norms.map((v) => Math.max(v, 1e-30)) };
      });
      return {
        steps: 3,
        loss,
        report: {
          series,
          seriesAxes: { x: 'time step t (loss at the last step)', y: '‖∂L/∂h_t‖' },
          lines: series.map((s) => `${s.label}: ‖∂L/∂h_0‖ / ‖∂L/∂h_${steps - 1}‖ = ${(s.y[0] / s.y[steps - 1]).toExponential(2)}`),
        },
      };
    },
  };
}
