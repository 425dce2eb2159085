import { type Generator, type Tensor, fromData } from '@recurrent/tensor';
import { definePrimitive } from '@recurrent/autograd';

// The dropout between the fused layers' layers, with the mask drawn from the layer's seeded
// generator (the batch-first swap, batch sorting, joining directions and states are autograd's
// transpose, indexSelect, concat, stack and slice).

function like(x: Tensor, shape: number[], data = new Float32Array(shape.reduce((a, b) => a * b, 1))): Tensor {
  return fromData(data, shape, { backend: x.backend });
}

/** Inverted dropout between layers: zeroes each element with probability `p`, scales the rest by
 * `1 / (1 − p)`; the mask is drawn from the layer's seeded generator. */
export const dropoutBetweenLayers = definePrimitive<{ p: number; generator: Generator }, 'x'>({
  name: 'dropout',
  inputs: ['x'],
  forward(context, { x }, { p, generator }) {
    const mask = new Float32Array(x!.size);
    const scale = 1 / (1 - p);
    for (let i = 0; i < mask.length; i++) mask[i] = generator.uniform() < p ? 0 : scale;
    const out = like(x!, [...x!.shape]);
    const data = out.data as Float32Array;
    for (let i = 0; i < mask.length; i++) data[i] = x!.data[i] * mask[i];
    context.saved.mask = mask;
    return [out];
  },
  backward(context, [dy]) {
    const mask = context.saved.mask as Float32Array;
    const dx = like(dy, [...dy.shape]);
    const data = dx.data as Float32Array;
    for (let i = 0; i < mask.length; i++) data[i] = dy.data[i] * mask[i];
    return { x: dx };
  },
});
