import { Generator } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { DataError, parseCsv, parseJsonl } from './index.js';

// Property-style: random sources and option objects for the CSV and JSONL readers give rows or
// one clear Error / DataError naming the reader, never a TypeError, a RangeError or a hang.
const random = new Generator(7);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random.uniform() * values.length)];
const anyValue = () => pick<unknown>([42, -1, NaN, '', 'skip', 'throw', ';', ',,', true, false, null, undefined, [], ['a'], {}, () => 0, { a: 'number' }, { a: 'float' }]);
const sources = ['a,b\n1,2\n', 'a\n0x1A\n', 'a,a\n1,2\n', '{"a":1}\n', '{"a":1e400}\n', '', 'a\n"unclosed\n', 'a\n1e400\n', 42, null, {}, [1, 2], new Uint8Array([0xff, 0x0a])];

async function drain(reader: AsyncIterable<unknown>): Promise<void> {
  for await (const row of reader) void row;
}

function checkError(error: unknown, reader: string, context: string): void {
  expect(error, context).toBeInstanceOf(Error);
  expect(['Error', 'DataError'], `${context}: ${(error as Error).name}: ${(error as Error).message}`).toContain((error as Error).name);
  expect((error as Error).message, context).toMatch(new RegExp(`^(${reader}|decodeText): `));
  if (error instanceof DataError) expect(error.location.file, context).toBe('<input>');
}

describe('CSV and JSONL readers: random sources and options', () => {
  it('give rows or one clear error', async () => {
    for (let k = 0; k < 400; k++) {
      const source = pick(sources);
      const options: Record<string, unknown> = {};
      for (const name of ['columns', 'delimiter', 'header', 'onError', 'onSkip', 'allowEmpty', 'onErorr', 'colums']) if (random.uniform() < 0.3) options[name] = anyValue();
      if (random.uniform() < 0.6) options.columns = pick([{ a: 'number' }, { a: 'integer', b: 'string' }, { b: 'boolean' }]);
      for (const [reader, parse] of [['parseCsv', parseCsv], ['parseJsonl', parseJsonl]] as const) {
        const context = `${reader}(${JSON.stringify(source)}, ${JSON.stringify(options)})`;
        try {
          await drain((parse as (s: never, o: never) => AsyncIterable<unknown>)(source as never, options as never));
        } catch (error) {
          checkError(error, reader, context);
        }
      }
    }
  });
});
