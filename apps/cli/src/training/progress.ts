import cliProgress from 'cli-progress';
import type { TrainingTask } from './task.js';

/** The trainer's view of the progress display. */
export interface Progress {
  update(step: number, trainSeconds: number, loss: number, metric: number | null, unitsPerSecond: number): void;
  /** Prints a line above the bar (or plainly when there is no bar). */
  log(line: string): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr showing loss, the task's metric, speed and ETA. Its total is the
 * time budget in seconds, or the number of steps when training by epochs. Without a terminal (or
 * with `--no-progress`) lines are printed plainly instead.
 */
export function createProgress(enabled: boolean, task: TrainingTask, limits: { budgetSeconds?: number; maxSteps?: number }): Progress {
  const byTime = limits.budgetSeconds !== undefined;
  const total = byTime ? Math.max(1, Math.round(limits.budgetSeconds!)) : Math.max(1, limits.maxSteps ?? 1);
  if (!enabled || !process.stderr.isTTY) {
    return { update() {}, log: (line) => console.log(line), stop() {} };
  }
  const multibar = new cliProgress.MultiBar(
    {
      format: ` {bar} {percentage}% | step {step} | loss {loss} | ${task.metric.name} {metric} | {speed} ${task.unit.name}/s | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multibar.create(total, 0, { step: 0, loss: '-', metric: '-', speed: '-' });
  let smoothedSpeed = 0;
  return {
    update(step, trainSeconds, loss, metric, unitsPerSecond) {
      smoothedSpeed = smoothedSpeed === 0 ? unitsPerSecond : 0.9 * smoothedSpeed + 0.1 * unitsPerSecond;
      bar.update(Math.min(total, byTime ? Math.floor(trainSeconds) : step), {
        step,
        loss: loss.toFixed(4),
        metric: metric === null ? '-' : metric.toFixed(4),
        speed: Math.round(smoothedSpeed),
      });
    },
    log(line) {
      multibar.log(`${line}\n`);
    },
    stop() {
      multibar.stop();
    },
  };
}
