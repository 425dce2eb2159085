import { describe, expect, it } from 'vitest';
import type { Module } from '@recurrent/autograd';
import type { ModuleKind } from '../../src/model/moduleKind.js';
import { describeModule, expectedShapes, kindTable } from '../../src/model/moduleDescription.js';
import { modelCases } from './cases.js';

/**
 * Tests that each of `kinds`' parameterShapes, read from a description alone (a file is checked
 * against them before anything is built), are the shapes the built module holds, on every shared
 * model case of those kinds (and that the cases cover every kind).
 */
export function describeKindShapes(label: string, kinds: readonly ModuleKind[]): void {
  describe(`${label}: the parameter shapes a description implies are the module's own`, () => {
    const kindOf = (module: Module) => kinds.find((kind) => kind.matches(module));
    const cases = modelCases.filter((c) => kindOf(c.make(1)));
    it('covers every kind', () => {
      expect(new Set(cases.map((c) => kindOf(c.make(1))!.kind))).toEqual(new Set(kinds.map((kind) => kind.kind)));
    });
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
      const model = testCase.make(1);
      const actual = Object.fromEntries(Object.entries(model.stateDict()).map(([key, value]) => [key, [...value.shape]]));
      expect(expectedShapes(describeModule(model), kindTable(), Object.keys(actual).length)).toEqual(actual);
    });
  });
}
