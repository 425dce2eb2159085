import { describeKindShapes } from '../../test/model/kindShapes.js';
import { attentionKinds } from './attentionKinds.js';

describeKindShapes('attentionKinds', attentionKinds);
