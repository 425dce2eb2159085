import { describe, expect, it } from 'vitest';
import { readHeaderKeys } from './headerKeys.js';

describe('readHeaderKeys', () => {
  it('lists the outermost keys in order, repeats included, skipping nested keys and string values', () => {
    const text = '{"a":{"b":[1,{"c":2}],"d":"x,\\"y\\":"},"e\\u0041":"f","a":[]}';
    expect(readHeaderKeys(text)).toEqual(['a', 'eA', 'a']);
  });
});
