import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describeModule, encodeModel } from '@recurrent/layers';
import { encodeSafetensors } from '@recurrent/tensor';
import { writeFileAtomic } from '../checkpoint/atomicWrite.js';
import { bundleKinds, bundleSource } from '../bundle/writeBundle.js';
import { CliError } from '../cliError.js';
import { parse } from '../options.js';
import { exportOnnxCommand } from './onnxExport.js';
import { exportedVocabulary, pytorchModule } from './pytorchModule.js';
import { taskKinds } from '../tasks/moduleKinds.js';
import { restoreTask } from './restoreModel.js';

/**
 * `recurrent export DIR|MODEL.safetensors --format safetensors|pytorch|onnx|model|bundle [--output PATH] [--weights embedded|sibling] [--initial-states]`.
 * `safetensors` writes the weights alone (PyTorch names; `model.load_state_dict(safetensors.torch.load_file(path))`
 * reads them); `pytorch` writes a folder with the weights, `model.py` defining the equivalent
 * `nn.Module` and loading them, and the vocabulary; `model` writes a model file (`loadModel` in
 * a page rebuilds it); `bundle` writes one ESM file with no imports that runs the model (the
 * weights embedded as base64, or with `--weights sibling` in a `.safetensors` file beside it) and
 * prints its size; `onnx` writes an ONNX file and `PATH.example.json` (`--initial-states` adds
 * `h0` / `c0` inputs).
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('export', argv, { format: { type: 'string' }, output: { type: 'string' }, weights: { type: 'string' }, 'initial-states': { type: 'boolean' } } as const);
  if (positionals.length !== 1) throw new CliError(`recurrent export: expected one checkpoint directory or model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 2);
  const format = values.format ?? 'safetensors';
  if (!['safetensors', 'pytorch', 'onnx', 'model', 'bundle'].includes(format)) throw new CliError(`recurrent export: --format expected safetensors, pytorch, onnx, model or bundle, got '${format}'`, 2);
  if (values['initial-states'] && format !== 'onnx') throw new CliError(`recurrent export: --initial-states applies to --format onnx, got --format ${format}`, 2);
  const weightsMode = values.weights ?? 'embedded';
  if (weightsMode !== 'embedded' && weightsMode !== 'sibling') throw new CliError(`recurrent export: --weights expected embedded or sibling, got '${weightsMode}'`, 2);
  if (values.weights !== undefined && format !== 'bundle') throw new CliError(`recurrent export: --weights applies to --format bundle, got --format ${format}`, 2);
  if (format === 'onnx') {
    const output = resolve(values.output ?? 'model.onnx');
    const { inputs, outputs } = await exportOnnxCommand(positionals[0], output, values['initial-states'] ?? false);
    console.log(`wrote ${output} (inputs ${inputs.join(', ')}; outputs ${outputs.join(', ')}) and ${output}.example.json`);
    return 0;
  }
  const { task, source } = await restoreTask(positionals[0]);
  const weights = task.model.stateDict();
  if (format === 'safetensors') {
    const output = resolve(values.output ?? 'model.safetensors');
    const bytes = encodeSafetensors(weights, { format: 'pt' });
    writeFileAtomic(output, bytes);
    console.log(`wrote ${output} (${Object.keys(weights).length} tensors, ${bytes.length} bytes)`);
    return 0;
  }
  // the task's io (vocabulary, framing) with what the source file kept beside it (training options)
  const io = { ...task.io, extra: { ...(task.io?.extra as object | undefined), ...(source.io?.extra as object | undefined) } };
  const modelFile = encodeModel(task.model, { io, kinds: taskKinds });
  if (format === 'model') {
    const output = resolve(values.output ?? 'model.safetensors');
    writeFileAtomic(output, modelFile);
    console.log(`wrote ${output} (a model file: ${Object.keys(weights).length} tensors, ${modelFile.length} bytes)`);
    return 0;
  }
  if (format === 'bundle') {
    const kind = describeModule(task.model, taskKinds).kind;
    if (!bundleKinds.includes(kind)) throw new CliError(`recurrent export: --format bundle runs ${bundleKinds.join(', ')} models, got a ${kind} (${task.name}); --format model writes its model file`, 2);
    const output = resolve(values.output ?? 'model.js');
    const siblingName = `${basename(output).replace(/\.m?js$/, '')}.safetensors`;
    const { source: text, codeBytes } = bundleSource(modelFile, { weights: weightsMode, siblingName, title: `A ${task.name} model trained by recurrent (step ${source.step})` });
    writeFileAtomic(output, text);
    if (weightsMode === 'sibling') writeFileAtomic(join(dirname(output), siblingName), modelFile);
    const where = weightsMode === 'sibling' ? `weights in ${siblingName}, ${modelFile.length} bytes` : 'weights embedded';
    console.log(`wrote ${output} (${text.length} bytes; code ${(codeBytes / 1024).toFixed(1)} KB, ${where})`);
    return 0;
  }
  const folder = resolve(values.output ?? 'model_pytorch');
  mkdirSync(folder, { recursive: true });
  writeFileAtomic(join(folder, 'model.safetensors'), encodeSafetensors(weights, { format: 'pt' }));
  writeFileAtomic(join(folder, 'model.py'), pytorchModule(task.modelConfig, task.name));
  const vocabulary = exportedVocabulary(task.modelConfig, task.name, task.vocabulary);
  if (vocabulary) writeFileAtomic(join(folder, 'vocabulary.json'), `${JSON.stringify(vocabulary)}\n`);
  console.log(`wrote ${folder}: model.safetensors, model.py (python model.py loads it)${vocabulary ? ', vocabulary.json' : ''}`);
  return 0;
}
