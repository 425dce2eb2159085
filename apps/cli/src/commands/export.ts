import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeSafetensors } from '@recurrent/tensor';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { writeFileAtomic } from '../checkpoint/atomicWrite.js';
import { CliError } from '../cliError.js';
import { parse } from '../options.js';
import { exportOnnxCommand } from './onnxExport.js';
import { exportedVocabulary, pytorchModule } from './pytorchModule.js';

/**
 * `recurrent export DIR --format safetensors|pytorch|onnx [--output PATH]`. `safetensors` writes
 * the weights alone (PyTorch names; `model.load_state_dict(safetensors.torch.load_file(path))`
 * reads them); `pytorch` writes a folder with the weights, `model.py` defining the equivalent
 * `nn.Module` and loading them, and the vocabulary; `onnx` writes an ONNX file and
 * `PATH.example.json` (`--initial-states` adds `h0` / `c0` inputs).
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('export', argv, { format: { type: 'string' }, output: { type: 'string' }, 'initial-states': { type: 'boolean' } } as const);
  if (positionals.length !== 1) throw new CliError(`recurrent export: expected one checkpoint directory, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 2);
  const format = values.format ?? 'safetensors';
  if (format !== 'safetensors' && format !== 'pytorch' && format !== 'onnx') throw new CliError(`recurrent export: --format expected safetensors, pytorch or onnx, got '${format}'`, 2);
  if (values['initial-states'] && format !== 'onnx') throw new CliError('recurrent export: --initial-states expected with --format onnx, got it with --format ' + format, 2);
  if (format === 'onnx') {
    const output = resolve(values.output ?? 'model.onnx');
    const { inputs, outputs } = await exportOnnxCommand(positionals[0], output, values['initial-states'] ?? false);
    console.log(`wrote ${output} (inputs ${inputs.join(', ')}; outputs ${outputs.join(', ')}) and ${output}.example.json`);
    return 0;
  }
  const loaded = loadCheckpoint(positionals[0]);
  const bytes = encodeSafetensors(loaded.weights, { format: 'pt' });
  if (format === 'safetensors') {
    const output = resolve(values.output ?? 'model.safetensors');
    writeFileAtomic(output, bytes);
    console.log(`wrote ${output} (${Object.keys(loaded.weights).length} tensors, ${bytes.length} bytes)`);
    return 0;
  }
  const folder = resolve(values.output ?? 'model_pytorch');
  mkdirSync(folder, { recursive: true });
  writeFileAtomic(join(folder, 'model.safetensors'), bytes);
  writeFileAtomic(join(folder, 'model.py'), pytorchModule(loaded.state.model, loaded.state.task));
  const vocabulary = exportedVocabulary(loaded.state.model, loaded.state.task, loaded.state.vocabulary);
  if (vocabulary) writeFileAtomic(join(folder, 'vocabulary.json'), `${JSON.stringify(vocabulary)}\n`);
  console.log(`wrote ${folder}: model.safetensors, model.py (python model.py loads it)${vocabulary ? ', vocabulary.json' : ''}`);
  return 0;
}
