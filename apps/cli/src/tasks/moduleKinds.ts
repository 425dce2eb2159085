import type { ModuleKind } from '@recurrent/layers';
import { birthsModelKind } from './births.js';

/**
 * The model-file kinds of the tasks' own modules (beyond the library's): a checkpoint of such a task
 * is written and read with them, and a page loads it with `loadModel(url, { kinds: taskKinds })`.
 */
export const taskKinds: readonly ModuleKind[] = [birthsModelKind];
