/** Messages between a demo component (page) and the training worker. */
export type DemoName = 'names' | 'gradients' | 'gates' | 'ctc' | 'forecast' | 'classify' | 'births' | 'clipping' | 'attention' | 'autoencoder';

/** Page → worker. */
export type ToWorker =
  | { type: 'start'; demo: DemoName; backend: 'auto' | 'cpu' | 'gpujs'; seed: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

/** Worker → page. */
export type FromWorker =
  | { type: 'backend'; name: string; detail: string }
  | { type: 'progress'; step: number; seconds: number; loss: number; report: DemoReport }
  | { type: 'paused' }
  | { type: 'error'; message: string };

/** What a demo shows after each round of training steps. */
export interface DemoReport {
  /** Lines of text (samples, decoded labels, accuracy). */
  lines?: string[];
  /** Named curves over an x axis (gradient norms per time step, forecast vs truth); `points`
   * draws a scatter of unconnected points instead (codes projected on two axes). */
  series?: { label: string; x: number[]; y: number[]; points?: boolean }[];
  /** Axis titles of the series plot. */
  seriesAxes?: { x: string; y: string };
  /** A matrix to draw as a heatmap (rows × columns, values in [0, 1]), with row labels. */
  heatmap?: { rows: string[]; values: number[][]; title: string }[];
  /** A scalar metric such as accuracy. */
  metric?: { name: string; value: number };
}

/** A demo: built once, then `round()` runs a few training steps and reports. */
export interface Demo {
  round(): DemoRoundResult;
}

/** What one round of a demo returns. */
export interface DemoRoundResult {
  steps: number;
  loss: number;
  report: DemoReport;
}
