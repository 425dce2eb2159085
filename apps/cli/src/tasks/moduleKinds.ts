import type { ModuleKind } from '@recurrent/layers';

/**
 * The model-file kinds of the tasks' own modules (beyond the library's), with which a checkpoint
 * of such a task is written and read. None today: every task's model is built from the library's
 * modules (births' is `CalendarForecaster`), so a page loads any checkpoint with plain `loadModel`.
 */
export const taskKinds: readonly ModuleKind[] = [];
