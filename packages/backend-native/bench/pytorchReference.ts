import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** How PyTorch runs in a benchmark: its BLAS, checked before any ratio is printed. */
export interface PytorchReference {
  available: boolean;
  /** One line for the report: version, BLAS library, kernel family, threads. */
  note: string;
  /** False when PyTorch runs on netlib's reference BLAS (ratios against it mean nothing). */
  ratiosAllowed: boolean;
  /** The environment its processes run in. */
  env: NodeJS.ProcessEnv;
}

export const python = '/usr/bin/python3';

/**
 * Probes PyTorch (bench/pytorch_blas.py) in the environment it will be measured in: the same
 * OpenBLAS kernel family as the native backend (`OPENBLAS_CORETYPE`, like for like) unless the
 * caller's environment names one, and OpenBLAS threads as asked.
 */
export function pytorchReference(options: { blasCore: string | null; skip: boolean; threads: number }): PytorchReference {
  const env = { ...process.env };
  if (options.blasCore && env.OPENBLAS_CORETYPE === undefined) env.OPENBLAS_CORETYPE = options.blasCore;
  env.OPENBLAS_NUM_THREADS ??= String(options.threads);
  if (options.skip) return { available: false, note: 'PyTorch: skipped (--no-pytorch)', ratiosAllowed: false, env };
  try {
    const probe = JSON.parse(execFileSync(python, [resolve(import.meta.dirname, 'pytorch_blas.py')], { encoding: 'utf8', env })) as {
      torch: string; blas: string; library: string | null; core: string | null; threads: number | null;
    };
    const ratiosAllowed = probe.blas === 'openblas';
    const core = probe.core ? `, kernels ${probe.core}${env.OPENBLAS_CORETYPE ? ` (OPENBLAS_CORETYPE=${env.OPENBLAS_CORETYPE})` : ''}` : '';
    const note = `PyTorch ${probe.torch} on ${probe.blas === 'openblas' ? 'OpenBLAS' : probe.blas === 'reference' ? "netlib's reference BLAS" : 'an unknown BLAS'} (${probe.library ?? 'none mapped'}${core}, ${probe.threads ?? '?'} BLAS threads)`;
    if (!ratiosAllowed) {
      return {
        available: true, env, ratiosAllowed,
        note: `${note}: NOT OpenBLAS, so no ratios are printed (apt-get install -y libopenblas0-pthread; python3 -c 'import ctypes; ctypes.CDLL("libopenblas.so.0")')`,
      };
    }
    return { available: true, note, ratiosAllowed, env };
  } catch {
    return { available: false, note: 'PyTorch: not available here (apt-get install -y python3-torch libopenblas0-pthread)', ratiosAllowed: false, env };
  }
}
