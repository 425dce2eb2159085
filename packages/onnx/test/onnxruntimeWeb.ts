// Runs ONNX files in onnxruntime-web inside the system's headless chromium: a server on
// 127.0.0.1 gives the page onnxruntime-web's module and .wasm files (from the page's own origin,
// as onnxruntime-web needs) and the models; the page runs each model on the inputs it is given.
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { dirname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import { type Browser, chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
// onnxruntime-web exports no ./package.json: its main entry sits in dist/.
const distDir = dirname(require.resolve('onnxruntime-web'));
const types: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.onnx': 'application/octet-stream' };
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A tensor going into or out of the page: `int64` ids travel as numbers. */
export interface PageTensor {
  dtype: 'float32' | 'int64' | 'int32';
  dims: number[];
  data: number[];
}

/** A running chromium page with onnxruntime-web loaded. */
export interface WebRuntime {
  /** Runs `model` (ONNX bytes) on `feeds`; returns every output. */
  run(model: Uint8Array, feeds: Record<string, PageTensor>): Promise<Record<string, PageTensor>>;
  close(): Promise<void>;
}

export async function startWebRuntime(): Promise<WebRuntime> {
  const models = new Map<string, Uint8Array>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><script type="module">import * as ort from "/ort/ort.min.mjs"; ort.env.wasm.numThreads = 1; window.ort = ort; window.ortReady = true;</script>');
      return;
    }
    if (url.pathname.startsWith('/models/') && models.has(url.pathname)) {
      response.writeHead(200, { 'content-type': types['.onnx'] });
      response.end(models.get(url.pathname));
      return;
    }
    const file = normalize(url.pathname.replace(/^\/ort\//, ''));
    if (!url.pathname.startsWith('/ort/') || file.includes('..')) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(distDir, file));
      response.writeHead(200, { 'content-type': types[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (window as unknown as { ortReady?: boolean }).ortReady === true, undefined, { timeout: 30_000 });
    let count = 0;
    return {
      async run(model, feeds) {
        const path = `/models/m${count++}.onnx`;
        models.set(path, model);
        return page.evaluate(async ({ path, feeds }) => {
          const ort = (window as unknown as { ort: any }).ort;
          const session = await ort.InferenceSession.create(path);
          const inputs: Record<string, unknown> = {};
          for (const [name, t] of Object.entries(feeds)) {
            inputs[name] = t.dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(t.data.map((v) => BigInt(v))), t.dims)
              : t.dtype === 'int32' ? new ort.Tensor('int32', Int32Array.from(t.data), t.dims) : new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
          }
          const results = await session.run(inputs);
          const out: Record<string, { dtype: 'float32'; dims: number[]; data: number[] }> = {};
          for (const name of session.outputNames) out[name] = { dtype: 'float32', dims: [...results[name].dims], data: Array.from(results[name].data as Float32Array) };
          await session.release();
          return out;
        }, { path, feeds });
      },
      async close() {
        await browser?.close();
        server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    throw error;
  }
}
