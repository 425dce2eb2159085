export {
  defineConformanceSuite, conformanceCases, compareAll, type ConformanceHarness, type ConformanceOptions,
} from './defineConformanceSuite.js';
export type { ConformanceCase } from './conformanceCase.js';
export { CaseContext, specialValues } from './context.js';
export { BadInputs, describeCall } from './badInputs.js';
