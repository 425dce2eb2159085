import { describeKindShapes } from '../../test/model/kindShapes.js';
import { classifierKinds } from './classifierKinds.js';

describeKindShapes('classifierKinds', classifierKinds);
