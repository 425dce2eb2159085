import { describe, expect, it } from 'vitest';
import { modelCases } from '../../test/model/cases.js';
import { classifierKinds } from './classifierKinds.js';
import { describeModule, expectedShapes, kindTable } from './moduleDescription.js';

// Each kind's parameterShapes, read from a description alone (a file is checked against them before
// anything is built), must be the shapes the built module holds.
describe('classifierKinds: the parameter shapes a description implies are the module\'s own', () => {
  const cases = modelCases.filter((c) => classifierKinds.some((kind) => kind.matches(c.make(1))));
  it('covers every kind of the file', () => {
    expect(new Set(cases.map((c) => classifierKinds.find((kind) => kind.matches(c.make(1)))!.kind))).toEqual(new Set(classifierKinds.map((kind) => kind.kind)));
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const model = testCase.make(1);
    const actual = Object.fromEntries(Object.entries(model.stateDict()).map(([key, value]) => [key, [...value.shape]]));
    expect(expectedShapes(describeModule(model), kindTable(), Object.keys(actual).length)).toEqual(actual);
  });
});
