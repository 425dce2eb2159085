import { spawnSync } from 'node:child_process';

/**
 * `--backend NAME` on a tensor benchmark: `cpu` (or none) runs it here; `native` runs the same
 * benchmark of @recurrent/backend-native (`pnpm --filter @recurrent/backend-native SCRIPT`), which
 * this package does not depend on, and exits with its status.
 */
export function dispatchBackend(script: string): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--backend');
  if (at < 0) return;
  const backend = args[at + 1];
  args.splice(at, 2);
  if (backend === 'cpu') return;
  if (backend !== 'native') {
    console.error(`${script}: expected --backend cpu or native, got ${backend}`);
    process.exit(2);
  }
  const result = spawnSync('pnpm', ['--filter', '@recurrent/backend-native', script, ...args], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
