import { type Tensor, createCpuBackend, randn, Generator, zeros } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { backward, noGrad } from './graph.js';
import { mseLoss } from './losses.js';
import { add } from './ops/binary.js';
import { matmul } from './ops/linalg.js';
import { tanh } from './ops/unary.js';
import { definePrimitive } from './primitive.js';
import { Parameter, Variable } from './variable.js';

const collect = globalThis.gc as (() => void) | undefined;

/** Runs the garbage collector and lets FinalizationRegistry callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    collect?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

describe('memory', () => {
  it('has gc() exposed (vitest.config.ts runs the autograd project with --expose-gc)', () => {
    expect(typeof collect).toBe('function');
  });

  it('keeps live buffers flat over 10,000 training steps of a tiny linear model', async () => {
    const backend = createCpuBackend({ countLive: true });
    const generator = new Generator(1);
    const x = randn([8, 3], generator, { backend });
    const target = randn([8, 2], generator, { backend });
    const weight = new Parameter(randn([2, 3], generator, { backend }), 'weight');
    const bias = new Parameter(zeros([2], { backend }), 'bias');
    const step = () => {
      const loss = mseLoss(tanh(add(matmul(x, weight, { transposeB: true }), bias)), target);
      backward(loss);
      noGrad(() => {
        for (const p of [weight, bias]) {
          const g = p.grad!.data;
          for (let i = 0; i < g.length; i++) p.value.data[i] -= 0.1 * g[i];
          p.zeroGrad();
        }
      });
      return loss.item();
    };
    const first = step();
    const live: number[] = [];
    const allocated: number[] = [];
    let last = first;
    for (let i = 1; i <= 10_000; i++) {
      last = step();
      if (i % 2_000 === 0) {
        await settle();
        live.push(backend.stats.live!);
        allocated.push(backend.stats.allocated);
      }
    }
    expect(last).toBeLessThan(first);
    // Every step allocates dozens of buffers; the live count stays at what one step holds.
    const perStep = (allocated[4] - allocated[0]) / 8_000;
    expect(perStep).toBeGreaterThan(10);
    expect(Math.max(...live) - Math.min(...live)).toBeLessThanOrEqual(perStep);
    expect(live[4]).toBeLessThan(10 * perStep);
  });

  it('releases what a primitive saved once backward has run, while the output is still alive', async () => {
    let savedRef: WeakRef<Tensor> | null = null;
    const double = definePrimitive<void, 'x'>({
      name: 'double',
      inputs: ['x'],
      forward(context, { x }) {
        const scratch = zeros([1000]);
        savedRef = new WeakRef(scratch);
        context.saved.scratch = scratch;
        return [add(x!, x!).value];
      },
      backward: (_context, [dy]) => ({ x: add(dy, dy).value }),
    });
    const x = new Variable(zeros([3]), { requiresGrad: true });
    const [y] = double({ x }, undefined);
    await settle();
    expect(savedRef!.deref()).toBeDefined();
    backward(y, { seed: zeros([3]) });
    await settle();
    expect(savedRef!.deref()).toBeUndefined();
    expect(y.node?.released).toBe(true);
  });
});
