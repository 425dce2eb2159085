import { describeKindShapes } from '../../test/model/kindShapes.js';
import { calendarForecasterKind } from './forecasterKinds.js';

// the legacy BirthsModel kind is read only (it matches no module): calendarForecaster.test.ts loads a file of it
describeKindShapes('forecasterKinds', [calendarForecasterKind]);
