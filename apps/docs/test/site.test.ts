// The docs site in a real browser (Debian chromium driven by playwright-core): every page loads
// without console errors, every internal link resolves, each demo trains and its loss falls, and
// the gradient-norm plot shows the Elman curve decaying faster than the LSTM's. Screenshots of
// each demo are written to artifacts/docs/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalendarForecaster, dailyCalendar, forecastDaily, loadModel } from '@recurrent/layers';

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
