import { readFileSync } from 'node:fs';

/** Where a bundle's weights live. */
export type BundleWeights = 'embedded' | 'sibling';

/** What {@link bundleSource} writes: the module text and the size of its code (weights aside). */
export interface BundleText {
  source: string;
  codeBytes: number;
}

/** The model kinds (the description's root) a bundle runs. */
export const bundleKinds: readonly string[] = ['TokenModel', 'SequenceModel', 'EncoderDecoder', 'AttentionEncoderDecoder'];

const runtime = readFileSync(new URL('./inferenceRuntime.js', import.meta.url), 'utf8');

/**
 * One ESM file with no imports that runs a model file's forward pass (and sampling for language
 * models, greedy CTC decoding for g2p, greedy seq2seq decoding for encoder–decoders) on typed arrays: the runtime, then either the model file
 * embedded as base64 (`export const model`) or a `load()` that fetches the sibling
 * `.safetensors` file. Both kinds also export `fromBytes(bytes)`.
 *
 * @example
 * writeFileSync('model.js', bundleSource(readFileSync('model.safetensors'), { weights: 'embedded' }).source);
 * // then: import { model } from './model.js'; model.sample({ length: 200, seed: 1 });
 */
export function bundleSource(modelFile: Uint8Array, options: { weights: BundleWeights; siblingName?: string; title?: string }): BundleText {
  const head = [
    `// ${options.title ?? 'A recurrent model'}: an inference bundle written by \`recurrent export --format bundle\`.`,
    '// No imports: token and sequence models, encoder–decoders with or without attention, on typed arrays;',
    '// sample(), decode(), forward(), predict(), greedy().',
    '',
  ].join('\n');
  const tail = [
    '',
    '/** A model from the bytes of a model file (a Uint8Array or an ArrayBuffer). */',
    'export function fromBytes(bytes) {',
    '  return createModel(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));',
    '}',
    '',
  ];
  if (options.weights === 'sibling') {
    const name = JSON.stringify(options.siblingName ?? 'model.safetensors');
    tail.push(
      '/** Fetches the model file beside this one (or `url`) and builds the model. */',
      `export async function load(url = new URL(${name}, import.meta.url)) {`,
      '  const response = await fetch(url);',
      "  if (!response.ok) throw new Error(`bundle: expected ${url} to answer 200, got ${response.status}`);",
      '  return fromBytes(new Uint8Array(await response.arrayBuffer()));',
      '}',
      '',
    );
    const source = `${head}${runtime}${tail.join('\n')}`;
    return { source, codeBytes: new TextEncoder().encode(source).length };
  }
  const base64 = Buffer.from(modelFile).toString('base64');
  tail.push('/** The model, built from the model file embedded above. */', 'export const model = createModel(decodeBase64(weights));', '');
  const code = `${head}${runtime}${tail.join('\n')}`;
  const source = `${head}const weights = '${base64}';\n${runtime}${tail.join('\n')}`;
  return { source, codeBytes: new TextEncoder().encode(code).length + 'const weights = \'\';\n'.length };
}
