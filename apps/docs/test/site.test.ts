// The docs site in a real browser (Debian chromium driven by playwright-core): every page loads
// without console errors, every internal link resolves, each demo trains and its loss falls, and
// the gradient-norm plot shows the Elman curve decaying faster than the LSTM's, and the pages
// with pretrained model files show, for what the test types, the values the same file gives in
// Node. Screenshots of each demo are written to artifacts/docs/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '@recurrent/autograd';
import { type AttentionEncoderDecoder, type CalendarForecaster, type EncoderDecoder, dailyCalendar, forecastDaily, loadModel } from '@recurrent/layers';
import { fromData } from '@recurrent/tensor';

const docs = resolve(import.meta.dirname, '..');
const dist = join(docs, '.vitepress/dist');
const artifacts = resolve(docs, '../../artifacts/docs');
const types: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.png': 'image/png', '.wasm': 'application/wasm',
};

let server: Server;
let base = '';
let browser: Browser;

/** The file a URL path serves, as VitePress's preview would (`/a/b` → `a/b.html`). */
function fileFor(path: string): string | null {
  const clean = normalize(decodeURIComponent(path.split(/[?#]/)[0])).replace(/^(\.\.[/\\])+/, '');
  for (const candidate of [clean, `${clean}.html`, join(clean, 'index.html')]) {
    const file = join(dist, candidate);
    if (file.startsWith(dist) && existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

beforeAll(async () => {
  if (!existsSync(join(dist, 'index.html'))) execFileSync('pnpm', ['build'], { cwd: docs, stdio: 'inherit' });
  mkdirSync(artifacts, { recursive: true });
  server = createServer((request, response) => {
    const file = fileFor(request.url ?? '/');
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

const pages = [
  '/', '/guide/getting-started.html', '/guide/recurrent-networks.html', '/guide/training.html',
  '/guide/lstm-gru.html', '/guide/deep-bidirectional.html', '/guide/ctc.html', '/guide/clockwork-scrn.html',
  '/guide/seq2seq.html', '/guide/deploy.html', '/guide/interchange.html', '/applications/text-generation.html', '/applications/forecasting.html',
  '/applications/classification.html', '/performance.html', '/api/index.html',
  '/guide/attention.html', '/guide/clipping.html', '/applications/births.html', '/applications/autoencoder.html',
  '/applications/spam.html',
];

describe('every page', () => {
  it.each(pages)('%s loads without console errors and its internal links resolve', async (path) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(base + path, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).getAttribute('href') ?? ''));
    const internal = links.filter((href) => href.startsWith('/') || href.startsWith('./') || href.startsWith('../'));
    for (const href of internal) {
      const url = new URL(href, base + path);
      expect(fileFor(url.pathname), `${path} links to ${href}`).not.toBeNull();
    }
    await page.close();
    expect(errors).toEqual([]);
  });
});

/** Opens a demo page, lets it train, returns the losses and report the component exposes. */
async function runDemo(path: string, demo: string, seconds: number) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(base + path, { waitUntil: 'load' });
  const selector = `.demo[data-demo="${demo}"]`;
  await page.waitForSelector(selector, { timeout: 30_000 });
  const deadline = Date.now() + seconds * 1000;
  let losses: number[] = [];
  while (Date.now() < deadline) {
    await page.waitForTimeout(500);
    losses = JSON.parse((await page.getAttribute(selector, 'data-losses')) ?? '[]');
    const state = await page.getAttribute(selector, 'data-state');
    if (state === 'error') break;
  }
  const error = await page.$eval(selector, (el) => el.querySelector('[data-role="error"]')?.textContent ?? '');
  const backend = await page.$eval(selector, (el) => el.querySelector('[data-role="backend"]')?.textContent ?? '');
  const report = JSON.parse((await page.getAttribute(selector, 'data-report')) ?? '{}');
  // Pausing stops the steps from advancing; the paused demo is what the screenshot shows.
  await page.click(`${selector} [data-role="pause"]`);
  await page.waitForTimeout(800);
  const pausedAt = Number(await page.getAttribute(selector, 'data-steps'));
  await page.waitForTimeout(800);
  const stillAt = Number(await page.getAttribute(selector, 'data-steps'));
  await (await page.$(selector))?.screenshot({ path: join(artifacts, `${demo}.png`) });
  await page.close();
  return { losses, error, errors, backend, report, paused: pausedAt === stillAt };
}

function falls(losses: number[]): boolean {
  const head = losses.slice(0, 2).reduce((a, b) => a + b, 0) / Math.min(2, losses.length);
  const tail = losses.slice(-3).reduce((a, b) => a + b, 0) / Math.min(3, losses.length);
  return tail < head;
}

describe('live demos train in the page', () => {
  const demos: [string, string][] = [
    ['/applications/text-generation.html', 'names'],
    ['/guide/lstm-gru.html', 'gates'],
    ['/guide/ctc.html', 'ctc'],
    ['/applications/forecasting.html', 'forecast'],
    ['/applications/classification.html', 'classify'],
    ['/applications/births.html', 'births'],
    ['/guide/clipping.html', 'clipping'],
    ['/guide/attention.html', 'attention'],
    ['/applications/autoencoder.html', 'autoencoder'],
  ];
  it.each(demos)('%s: the %s demo trains, its loss falls, and it pauses', async (path, demo) => {
    const result = await runDemo(path, demo, 8);
    expect(result.error).toBe('');
    expect(result.errors).toEqual([]);
    expect(result.backend).not.toBe('starting…');
    expect(result.losses.length).toBeGreaterThanOrEqual(4);
    expect(falls(result.losses), `losses ${result.losses.join(', ')}`).toBe(true);
    expect(result.paused).toBe(true);
  });

  it('the gradient-norm plot shows the Elman gradient vanishing faster than the LSTM one', async () => {
    const result = await runDemo('/guide/training.html', 'gradients', 8);
    expect(result.error).toBe('');
    const series = result.report.series as { label: string; y: number[] }[];
    const decay = (label: string) => {
      const s = series.find((item) => item.label.startsWith(label));
      if (!s) throw new Error(`no ${label} series in ${JSON.stringify(series.map((item) => item.label))}`);
      // y is indexed by time step; the loss sits at the last step, so compare the first with the last.
      return s.y[0] / s.y[s.y.length - 1];
    };
    expect(decay('Elman')).toBeLessThan(decay('LSTM'));
  });
});

describe('pretrained models trained by the command', () => {
  it('load by URL and run in the page in under 3 s: Moby Dick text, first names, a pronunciation', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    const started = Date.now();
    await page.goto(`${base}/guide/deploy.html`, { waitUntil: 'load' });
    await page.waitForSelector('.pretrained[data-state="ready"], .pretrained[data-state="error"]', { timeout: 10_000 });
    const elapsed = (Date.now() - started) / 1000;
    const error = await page.$eval('.pretrained', (el) => el.querySelector('[data-role="error"]')?.textContent ?? '');
    expect(error).toBe('');
    expect(errors).toEqual([]);
    // the page's own timer, from the component's mount to all three models fetched, built and run
    expect(Number(await page.getAttribute('.pretrained', 'data-seconds'))).toBeLessThan(3);
    // navigation included (the site's scripts load first): a bound against hangs on a loaded CI machine
    expect(elapsed).toBeLessThan(10);
    const text = (role: string) => page.$eval(`.pretrained [data-role="${role}"]`, (el) => el.textContent ?? '');
    expect((await text('moby')).length).toBeGreaterThan(150);
    expect((await text('names')).split(', ').length).toBe(8);
    expect(await text('pronunciation')).toMatch(/^[A-Z]+( [A-Z]+)*$/);
    await page.fill('.pretrained [data-role="word"]', 'whale');
    await page.waitForTimeout(100);
    expect(await text('pronunciation')).toMatch(/^[A-Z]+( [A-Z]+)*$/);
    await (await page.$('.pretrained'))?.screenshot({ path: join(artifacts, 'pretrained.png') });
    await page.close();
  });
});

describe('the spam demo classifies what the reader types', () => {
  it('loads the model file, scores the typed message and colours its words by saliency', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1200 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    await page.goto(`${base}/applications/spam.html`, { waitUntil: 'load' });
    await page.waitForSelector('.spam[data-state="ready"], .spam[data-state="error"]', { timeout: 20_000 });
    expect(await page.$eval('.spam', (el) => el.querySelector('[data-role="error"]')?.textContent ?? '')).toBe('');
    const weights = () => page.$$eval('.spam [data-role="saliency"] span[data-weight]', (spans) => spans.map((s) => s.getAttribute('data-weight') ?? '').filter((w) => w !== '').map(Number));
    const spamLike = Number(await page.getAttribute('.spam', 'data-probability'));
    const runs = Number(await page.getAttribute('.spam', 'data-runs'));
    const typed = 'Hi Tom, the meeting about the kernel patch moved to Thursday at 10. I attached the notes from last week. Thanks, Ann';
    await page.fill('.spam [data-role="message"]', typed);
    await page.waitForFunction((before) => Number(document.querySelector('.spam')?.getAttribute('data-runs')) > before, runs, { timeout: 10_000 });
    const hamLike = Number(await page.getAttribute('.spam', 'data-probability'));
    // the plot follows the typed text: one coloured span per word, the largest saliency 1
    const after = await weights();
    expect(after.length).toBe(typed.match(/[a-z0-9]+/gi)!.length);
    expect(Math.max(...after)).toBe(1);
    expect(after.every((w) => w >= 0 && w <= 1)).toBe(true);
    expect(await page.$eval('.spam [data-role="saliency"]', (el) => el.textContent)).toBe(typed);
    // the prize-and-click message reads as spam, the meeting note as ham
    expect(spamLike).toBeGreaterThan(0.5);
    expect(hamLike).toBeLessThan(0.5);
    await (await page.$('.spam'))?.screenshot({ path: join(artifacts, 'spam.png') });
    await page.close();
    expect(errors).toEqual([]);
  });
});

describe('the pretrained births forecaster', () => {
  it('loads the model file with one call and plots its 2014 forecast against the truth and both baselines', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    await page.goto(`${base}/applications/births.html`, { waitUntil: 'load' });
    const selector = '.births-pretrained';
    await page.waitForSelector(`${selector}[data-state="ready"], ${selector}[data-state="error"]`, { timeout: 20_000 });
    expect(await page.$eval(selector, (el) => el.querySelector('[data-role="error"]')?.textContent ?? '')).toBe('');
    // the page's own timer: model file and data fetched, 338 origins forecast
    expect(Number(await page.getAttribute(selector, 'data-seconds'))).toBeLessThan(3);
    const figure = async (name: string) => Number(await page.getAttribute(selector, `data-${name}`));
    // the same figures computed here, in Node, from the same files: the baselines from the data, the
    // model's from the model file through the library
    const data = JSON.parse(readFileSync(join(docs, 'public/data/births.json'), 'utf8')) as { start: string; births: number[] };
    const y = data.births;
    const first = dailyCalendar(data.start, y.length).dates.indexOf('2014-01-01') - 1;
    const origins = Array.from({ length: y.length - 28 - first }, (_, k) => first + k);
    const { module, io } = await loadModel<CalendarForecaster>(readFileSync(join(docs, 'public/models/births.safetensors')));
    const forecasts = forecastDaily(module, io, { values: y, start: data.start }, { origins });
    const mae = (f: (t: number, h: number, k: number) => number) => {
      let total = 0;
      origins.forEach((t, k) => { for (let h = 1; h <= 28; h++) total += Math.abs(f(t, h, k) - y[t + h]); });
      return total / (origins.length * 28);
    };
    const sameWeekday = mae((t, h) => y[t + h - 7 * Math.ceil(h / 7)]), yearEarlier = mae((t, h) => y[t + h - 364]);
    const model = mae((_t, h, k) => forecasts[k].values[h - 1]);
    expect(await figure('origins')).toBe(origins.length);
    expect(await figure('mae-same-weekday')).toBeCloseTo(sameWeekday, 6);
    expect(await figure('mae-year-earlier')).toBeCloseTo(yearEarlier, 6);
    expect(await figure('mae')).toBeCloseTo(model, 2);
    // the pretrained model beats the better baseline
    expect(model).toBeLessThan(Math.min(sameWeekday, yearEarlier));
    // both charts drawn (pixels on each canvas), the origin chart following the slider
    await page.waitForTimeout(300);
    const inked = (role: string) => page.$eval(`${selector} canvas[data-role="${role}"]`, (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let count = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
      return count;
    });
    expect(await inked('year')).toBeGreaterThan(1000);
    expect(await inked('origin-chart')).toBeGreaterThan(1000);
    expect(await page.getAttribute(selector, 'data-origin')).toBe('2014-11-12');
    await page.$eval(`${selector} [data-role="origin"]`, (input) => {
      (input as HTMLInputElement).value = '0';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-origin') === '2013-12-31', selector, { timeout: 5_000 });
    await (await page.$(selector))?.screenshot({ path: join(artifacts, 'births-pretrained.png') });
    await page.close();
    expect(errors).toEqual([]);
  });
});

/** Opens a page and waits for the component `selector` to load its model file. */
async function openPretrained(path: string, selector: string, height: number) {
  const page = await browser.newPage({ viewport: { width: 1200, height } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(base + path, { waitUntil: 'load' });
  await page.waitForSelector(`${selector}[data-state="ready"], ${selector}[data-state="error"]`, { timeout: 30_000 });
  expect(await page.$eval(selector, (el) => el.querySelector('[data-role="error"]')?.textContent ?? '')).toBe('');
  /** Types into `role`'s input and waits for the component to run again. */
  const type = async (role: string, text: string) => {
    const runs = Number(await page.getAttribute(selector, 'data-runs'));
    await page.fill(`${selector} [data-role="${role}"]`, text);
    await page.waitForFunction(([s, before]) => Number(document.querySelector(s as string)?.getAttribute('data-runs')) > (before as number), [selector, runs], { timeout: 10_000 });
  };
  const text = (role: string) => page.$eval(`${selector} [data-role="${role}"]`, (el) => el.textContent ?? '');
  const count = (role: string) => page.$$eval(`${selector} [data-role="${role}"]`, (found) => found.length);
  return { page, errors, type, text, count };
}

const modelFile = (name: string) => readFileSync(join(docs, 'public/models', name));

describe('the pretrained attention and auto-encoder models read what the reader types', () => {
  it('attention: the typed word\'s greedy pronunciation and attention matrix are the model file\'s own', async () => {
    const { module, io } = await loadModel<AttentionEncoderDecoder>(modelFile('g2p-attention.safetensors'));
    module.eval();
    const { extraSteps, eos } = io!.extra as { extraSteps: number; eos: number };
    /** The pronunciation and weights computed here, in Node, from the same file. */
    const expected = (word: string) => {
      const ids = [...word].map((c) => io!.vocabulary!.indexOf(c));
      expect(ids.every((id) => id > 0)).toBe(true);
      const { tokens, weights } = module.greedyDecode(fromData(Int32Array.from(ids), [ids.length, 1]), { maxLength: ids.length + extraSteps, sourceLengths: [ids.length] });
      expect(tokens[0]).not.toContain(eos);
      return { phonemes: tokens[0].map((id) => io!.outputVocabulary![id]).join(' '), weights: weights[0] };
    };
    const { page, errors, type, text, count } = await openPretrained('/guide/attention.html', '.attention-pretrained', 1400);
    const heatmap = () => page.$$eval('.attention-pretrained [data-role="heatmap"] tbody tr', (rows) => rows.map((row) => Array.from(row.querySelectorAll('td')).map((cell) => Number(cell.getAttribute('data-weight')))));
    for (const word of ['photograph', 'knight']) {
      await type('word', word);
      const want = expected(word);
      expect(await text('phonemes')).toBe(want.phonemes);
      expect(await page.$$eval('.attention-pretrained [data-role="letter"]', (cells) => cells.map((c) => c.textContent).join(''))).toBe(word);
      expect(await page.$$eval('.attention-pretrained [data-role="phoneme"]', (cells) => cells.map((c) => c.textContent).join(' '))).toBe(want.phonemes);
      const shown = await heatmap();
      expect(shown.length).toBe(want.weights.length);
      shown.forEach((row, i) => {
        expect(row.length).toBe(word.length);
        row.forEach((w, j) => expect(Math.abs(w - want.weights[i][j])).toBeLessThan(2e-4));
      });
      expect(await count('message')).toBe(0);
    }
    await (await page.$('.attention-pretrained'))?.screenshot({ path: join(artifacts, 'attention-pretrained.png') });
    // bad input: a clear message and no matrix, then a good word again
    for (const [bad, says] of [['r2d2', /Letters a–z only: "2"/], ['', /Type a word/], ['a'.repeat(25), /At most 20 letters, got 25/]] as const) {
      await type('word', bad);
      expect(await text('message')).toMatch(says);
      expect(await count('heatmap')).toBe(0);
    }
    await type('word', 'Knight');
    expect(await text('phonemes')).toBe(expected('knight').phonemes);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('auto-encoder: the typed name\'s reconstruction, nearest held-out codes and PCA mark are the model file\'s own', async () => {
    const { module, io } = await loadModel<EncoderDecoder>(modelFile('autoencoder.safetensors'));
    module.eval();
    const { padId, extraSteps } = io!.extra as { padId: number; extraSteps: number };
    // the held-out names of the file (a name in both the female and male lists is listed once)
    const validationNames = [...new Set((io!.extra as { validationNames: string[] }).validationNames)];
    const heldOutName = validationNames.find((name) => /^[A-Z][a-z]{3,}$/.test(name))!;
    /** Codes (the encoder's whole final state) and greedy reconstructions, here in Node. */
    const run = (names: string[]) => {
      const T = Math.max(...names.map((n) => n.length)), B = names.length;
      const ids = new Int32Array(T * B).fill(padId);
      names.forEach((name, b) => [...name].forEach((c, t) => (ids[t * B + b] = io!.vocabulary!.indexOf(c))));
      const source = fromData(ids, [T, B]), lengths = names.map((n) => n.length);
      const state = noGrad(() => module.encode(source, lengths));
      const codes = names.map((_, b) => state.flatMap((part) => Array.from(part.value.data.subarray(b * part.shape[1], (b + 1) * part.shape[1]))));
      const decoded = module.greedyDecode(source, { maxLength: T + extraSteps, sourceLengths: lengths });
      return { codes, rebuilt: decoded.map((row, b) => row.slice(0, lengths[b] + extraSteps).map((id) => io!.vocabulary![id]).join('')) };
    };
    const held = run(validationNames).codes;
    const cos = (a: number[], b: number[]) => a.reduce((s, x, j) => s + x * b[j], 0) / Math.hypot(...a) / Math.hypot(...b);
    // the principal axes, here by Jacobi rotations of the covariance (another method than the page's)
    const d = held[0].length, n = held.length;
    const mean = Array.from({ length: d }, (_, j) => held.reduce((s, r) => s + r[j], 0) / n);
    const A = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => held.reduce((s, r) => s + (r[i] - mean[i]) * (r[j] - mean[j]), 0) / n));
    const V: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
    for (let sweep = 0; sweep < 30; sweep++) {
      let off = 0;
      for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += A[p][q] ** 2;
      if (off < 1e-22) break;
      for (let p = 0; p < d; p++) {
        for (let q = p + 1; q < d; q++) {
          if (Math.abs(A[p][q]) < 1e-300) continue;
          const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
          const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          const c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (let k = 0; k < d; k++) {
            const akp = A[k][p], akq = A[k][q];
            A[k][p] = c * akp - s * akq;
            A[k][q] = s * akp + c * akq;
          }
          for (let k = 0; k < d; k++) {
            const apk = A[p][k], aqk = A[q][k];
            A[p][k] = c * apk - s * aqk;
            A[q][k] = s * apk + c * aqk;
          }
          for (let k = 0; k < d; k++) {
            const vkp = V[k][p], vkq = V[k][q];
            V[k][p] = c * vkp - s * vkq;
            V[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    const order = Array.from({ length: d }, (_, k) => k).sort((x, y) => A[y][y] - A[x][x]);
    const axes = order.slice(0, 2).map((k) => V.map((row) => row[k]));
    const spread = Math.sqrt(A[order[0]][order[0]]);
    const { page, errors, type, text, count } = await openPretrained('/applications/autoencoder.html', '.autoencoder-pretrained', 1600);
    expect(Number(await page.getAttribute('.autoencoder-pretrained', 'data-points'))).toBe(validationNames.length);
    expect(await page.$$eval('.autoencoder-pretrained [data-role="plot"] circle', (found) => found.length)).toBe(validationNames.length + 1);
    for (const [typed, name] of [['emily', 'Emily'], ['ROSALIND', 'Rosalind'], [heldOutName.toLowerCase(), heldOutName]]) {
      await type('name', typed);
      const { codes: [code], rebuilt: [rebuilt] } = run([name]);
      expect(await text('reconstruction')).toBe(rebuilt);
      expect(await text('exact')).toBe(rebuilt === name ? '(exact)' : '(not exact)');
      const want = held.map((row, index) => ({ name: validationNames[index], similarity: cos(row, code) }))
        .filter((item) => item.name !== name).sort((x, y) => y.similarity - x.similarity).slice(0, 8);
      const shown = await page.$$eval('.autoencoder-pretrained [data-role="neighbours"] li', (items) => items.map((li) => ({ name: li.getAttribute('data-name'), similarity: Number(li.getAttribute('data-similarity')) })));
      expect(shown.map((item) => item.name)).toEqual(want.map((item) => item.name));
      shown.forEach((item, k) => expect(Math.abs(item.similarity - want[k].similarity)).toBeLessThan(2e-4));
      // the mark: the typed code on the two principal axes (either sign: an eigenvector's is arbitrary)
      const mark = ((await page.getAttribute('.autoencoder-pretrained', 'data-mark')) ?? '').split(',').map(Number);
      axes.forEach((axis, k) => {
        const along = code.reduce((s, x, j) => s + (x - mean[j]) * axis[j], 0);
        expect(Math.abs(Math.abs(mark[k]) - Math.abs(along))).toBeLessThan(1e-3 * spread);
      });
      expect(await count('mark')).toBe(1);
      expect(await count('message')).toBe(0);
      if (typed === 'emily') await (await page.$('.autoencoder-pretrained'))?.screenshot({ path: join(artifacts, 'autoencoder-pretrained.png') });
    }
    for (const [bad, says] of [['Anne-Marie', /Letters a–z only: "-"/], ['  ', /Type a name/], ['b'.repeat(21), /At most 20 letters, got 21/]] as const) {
      await type('name', bad);
      expect(await text('message')).toMatch(says);
      expect(await count('neighbours')).toBe(0);
      expect(await count('mark')).toBe(0);
    }
    await page.close();
    expect(errors).toEqual([]);
  });
});
