// Model-file kind of the calendar forecaster, so a checkpoint of the cli's births task is a model
// file a page loads with plain loadModel.
import type { Embedding } from '../embedding.js';
import type { Linear } from '../linear.js';
import { CalendarForecaster } from '../calendarForecaster.js';
import type { FusedRecurrentLayer } from '../tokenModel.js';
import { type ModuleKind, prefixedShapes } from './moduleKind.js';

const parts = ['rnn', 'weekday', 'day', 'step', 'hidden', 'output'] as const;

function forecasterKind(kind: string, writes: boolean): ModuleKind {
  return {
    kind, schema: {},
    matches: (module) => writes && module instanceof CalendarForecaster,
    describe: (module) => ({ options: (module as CalendarForecaster).config(), children: Object.fromEntries(parts.map((name) => [name, (module as CalendarForecaster)[name]])) }),
    childNames: () => parts,
    build: (_options, children) => new CalendarForecaster({
      rnn: children.rnn as FusedRecurrentLayer, weekday: children.weekday as Embedding, day: children.day as Embedding,
      step: children.step as Embedding, hidden: children.hidden as Linear, output: children.output as Linear,
    }),
    parameterShapes: (_options, children) => prefixedShapes(children, parts),
  };
}

/** The kind of `CalendarForecaster`. */
export const calendarForecasterKind: ModuleKind = forecasterKind('CalendarForecaster', true);

/**
 * The kind files of the cli's births task named the same module before it moved into the library
 * (`BirthsModel`, same options and state-dict names): read, never written.
 */
export const legacyBirthsModelKind: ModuleKind = forecasterKind('BirthsModel', false);

/** The forecaster kinds a loader knows: `CalendarForecaster`, and the older name it reads. */
export const forecasterKinds: readonly ModuleKind[] = [calendarForecasterKind, legacyBirthsModelKind];
