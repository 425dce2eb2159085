import { describe, expect, it } from 'vitest';
import { CharacterTokenizer, WordTokenizer, tokenizerFromJSON } from './tokenizer.js';
import { Vocabulary, compareCodePoints } from './vocabulary.js';

describe('Vocabulary', () => {
  it('puts specials first and orders the rest by code point, frequency or insertion', () => {
    const specials = { pad: '<pad>', unk: '<unk>', bos: '<s>', eos: '</s>' };
    const v = Vocabulary.fromTokens('banana', { specials });
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<s>', '</s>', 'a', 'b', 'n']);
    expect([v.padId, v.unkId, v.bosId, v.eosId]).toEqual([0, 1, 2, 3]);
    expect(Vocabulary.fromTokens('banana', { order: 'frequency' }).tokens).toEqual(['a', 'n', 'b']);
    expect(Vocabulary.fromTokens('banana', { order: 'insertion' }).tokens).toEqual(['b', 'a', 'n']);
    expect(Vocabulary.fromTokens('banana', { minFrequency: 2 }).tokens).toEqual(['a', 'n']);
    expect(Vocabulary.fromTokens('banana', { maxSize: 2, specials: { unk: '?' } }).tokens).toEqual(['?', 'a']);
  });

  it('sorts by code point, not by UTF-16 unit', () => {
    const tokens = ['\uffff', '😀', 'b', 'a'];
    const expected = [...tokens].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
    expect(Vocabulary.fromTokens(tokens).tokens).toEqual(expected);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
  });

  it('maps unknown tokens to unk, or fails naming the token and its position', () => {
    const withUnk = Vocabulary.fromTokens('ab', { specials: { unk: '<unk>' } });
    expect(Array.from(withUnk.encode(['a', 'z', 'b']))).toEqual([1, 0, 2]);
    const without = Vocabulary.fromTokens('ab');
    expect(() => without.encode(['a', 'z'])).toThrow('Vocabulary.encode: expected known tokens (this vocabulary has no unk token), got "z" at position 1');
    expect(() => without.tokenOf(7)).toThrow('Vocabulary.tokenOf: expected an id in [0, 2), got 7');
  });

  it('round-trips through JSON and rejects malformed files with a clear message', () => {
    const v = Vocabulary.fromTokens('hello', { specials: { pad: '<pad>', eos: '<eos>' } });
    const copy = Vocabulary.fromJSON(JSON.stringify(v));
    expect(copy.tokens).toEqual(v.tokens);
    expect(copy.eosId).toBe(v.eosId);
    expect(() => Vocabulary.fromJSON('{oops')).toThrow(/^Vocabulary.fromJSON: expected JSON text, got a parse error/);
    expect(() => Vocabulary.fromJSON([])).toThrow('Vocabulary.fromJSON: expected an object');
    expect(() => Vocabulary.fromJSON({ format: 'other', version: 1, tokens: [] })).toThrow("expected format 'recurrent-vocabulary', got \"other\"");
    expect(() => Vocabulary.fromJSON({ format: 'recurrent-vocabulary', version: 2, tokens: [] })).toThrow('expected version 1, got 2');
    expect(() => Vocabulary.fromJSON({ format: 'recurrent-vocabulary', version: 1, tokens: 'abc' })).toThrow('expected tokens to be an array of strings, got "abc"');
    expect(() => Vocabulary.fromJSON({ format: 'recurrent-vocabulary', version: 1, tokens: ['a', 'a'] })).toThrow(
      'Vocabulary.fromJSON: expected unique tokens, got "a" at ids 0 and 1',
    );
    expect(() => Vocabulary.fromJSON({ format: 'recurrent-vocabulary', version: 1, tokens: ['a', 3] })).toThrow('expected string tokens, got 3 at id 1');
    expect(() => Vocabulary.fromJSON({ format: 'recurrent-vocabulary', version: 1, tokens: ['a'], specials: { pad: '<pad>' } })).toThrow(
      'expected special pad "<pad>" among the tokens, got none',
    );
  });
});

describe('tokenizers', () => {
  it('character level: decode(encode(text)) is text, astral characters included; bos/eos wrap', () => {
    const text = 'Call me Ishmael. 😀 naïve';
    const tokenizer = CharacterTokenizer.fit(text, { specials: { pad: '<pad>', bos: '<s>', eos: '</s>' } });
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    const wrapped = tokenizer.encode('me', { begin: true, end: true });
    expect(wrapped[0]).toBe(tokenizer.vocabulary.bosId);
    expect(wrapped[3]).toBe(tokenizer.vocabulary.eosId);
    expect(tokenizer.encode('😀').length).toBe(1);
    expect(() => tokenizer.encode('z!')).toThrow('CharacterTokenizer.encode: expected characters of the vocabulary (it has no unk token), got "z" at index 0');
    expect(() => CharacterTokenizer.fit('a').encode('a', { begin: true })).toThrow('expected a vocabulary with a bos token');
  });

  it('word level: words, inner apostrophes and punctuation; unknown words become unk', () => {
    const tokenizer = WordTokenizer.fit(['The cat sat.', "the cat's hat"], { lowercase: true, specials: { unk: '<unk>' } });
    expect(tokenizer.tokenize("The cat's hat.")).toEqual(['the', "cat's", 'hat', '.']);
    expect(tokenizer.vocabulary.tokens.slice(0, 3)).toEqual(['<unk>', 'the', '.']);
    expect(tokenizer.decode(tokenizer.encode('The cat sat.'))).toBe('the cat sat .');
    expect(tokenizer.decode(tokenizer.encode('the dog'))).toBe('the <unk>');
  });

  it('tokenizers round-trip through JSON and reject malformed files', () => {
    const word = WordTokenizer.fit('a b c', { lowercase: true });
    const copy = tokenizerFromJSON(JSON.stringify(word));
    expect(copy).toBeInstanceOf(WordTokenizer);
    expect((copy as WordTokenizer).lowercase).toBe(true);
    expect(Array.from(copy.encode('C b'))).toEqual(Array.from(word.encode('c b')));
    const character = tokenizerFromJSON(CharacterTokenizer.fit('xyz').toJSON());
    expect(character.decode(character.encode('zyx'))).toBe('zyx');
    expect(() => tokenizerFromJSON({ type: 'bpe' })).toThrow(`tokenizerFromJSON: expected type 'character' or 'word', got "bpe"`);
    expect(() => tokenizerFromJSON({ type: 'word', vocabulary: { format: 'x' } })).toThrow("Vocabulary.fromJSON: expected format 'recurrent-vocabulary'");
  });
});
