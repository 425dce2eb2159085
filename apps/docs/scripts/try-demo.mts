import { readFileSync } from 'node:fs';
import { cpu } from '@recurrent/tensor';

// Runs a demo in Node for tuning: `npx tsx --conditions=source apps/docs/scripts/try-demo.mts names 10`.
// The browser's `self.location` and `fetch` of /data/* are served from public/.
const globals = globalThis as unknown as { self: unknown; location: unknown; fetch: unknown };
globals.self = globalThis;
globals.location = { origin: 'http://localhost' };
globals.fetch = async (url: URL) => ({ ok: true, status: 200, json: async () => JSON.parse(readFileSync(new URL(`../public${url.pathname}`, import.meta.url), 'utf8')) });
import { createDemo } from '../demos/registry';
const name = process.argv[2] as any;
const demo = await createDemo(name, { backend: cpu, seed: 0 });
const start = performance.now();
for (let i = 0; i < Number(process.argv[3] ?? 5); i++) {
  const r = demo.round();
  console.log(i, ((performance.now() - start) / 1000).toFixed(1) + 's', r.loss.toFixed(4), (r.report.lines ?? []).slice(0, 4).join(' | '), r.report.metric ? JSON.stringify(r.report.metric) : '');
}
