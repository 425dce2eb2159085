// Chart.js drawing for the demos: a loss curve, named series, and heatmaps (chartjs-chart-matrix).
import { Chart, registerables } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

Chart.register(...registerables, MatrixController, MatrixElement);

/** Charts a demo keeps so it can update them in place. */
export type Charts = Record<string, Chart | undefined>;

const palette = ['#3e63dd', '#e5484d', '#30a46c', '#f76b15', '#8e4ec6'];

/** The loss after each round. */
export function drawLoss(charts: Charts, canvas: HTMLCanvasElement | undefined, losses: number[]): void {
  if (!canvas) return;
  const labels = losses.map((_, i) => i + 1);
  if (!charts.loss) {
    charts.loss = new Chart(canvas, {
      type: 'line',
      data: { labels, datasets: [{ label: 'training loss', data: losses, borderColor: palette[0], pointRadius: 0, tension: 0.2 }] },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { title: { display: true, text: 'round' } } } },
    });
    return;
  }
  charts.loss.data.labels = labels;
  charts.loss.data.datasets[0].data = losses;
  charts.loss.update('none');
}

/** Named curves over a shared x axis. */
export function drawSeries(
  charts: Charts,
  canvas: HTMLCanvasElement | undefined,
  series: { label: string; x: number[]; y: number[]; points?: boolean }[],
  logY: boolean,
  axes: { x: string; y: string } = { x: '', y: '' },
): void {
  if (!canvas) return;
  const datasets = series.map((s, i) => ({
    label: s.label,
    data: s.x.map((x, j) => ({ x, y: s.y[j] })),
    borderColor: i === 0 ? `${palette[0]}88` : palette[i % palette.length],
    // the first series wide and pale, later ones thin and dashed, so a series lying on another
    // (a good forecast on the truth) stays visible
    borderWidth: i === 0 ? 5 : 2,
    borderDash: i === 0 ? [] : [6, 4],
    pointRadius: s.points ? 3 : 0,
    showLine: !s.points,
    backgroundColor: palette[i % palette.length],
    tension: 0.1,
  }));
  if (!charts.series) {
    charts.series = new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: 'linear', bounds: 'data', title: { display: axes.x !== '', text: axes.x } },
          y: {
            type: logY ? 'logarithmic' : 'linear',
            title: { display: axes.y !== '', text: axes.y },
            ticks: logY ? { callback: (value) => Number(value).toExponential(0) } : {},
          },
        },
      },
    });
    return;
  }
  charts.series.data.datasets = datasets;
  charts.series.update('none');
}

/** One matrix chart per heatmap, values in [0, 1] as colour intensity. */
export function drawHeatmaps(
  charts: Charts,
  box: HTMLDivElement | undefined,
  heatmaps: { rows: string[]; values: number[][]; title: string }[],
): void {
  if (!box) return;
  heatmaps.forEach((map, index) => {
    const key = `heatmap${index}`;
    const columns = map.values[0]?.length ?? 0;
    const data = map.values.flatMap((row, r) => row.map((v, c) => ({ x: c, y: map.rows[r], v })));
    const dataset = {
      label: map.title,
      data,
      backgroundColor: (context: { raw?: unknown }) => `rgba(62, 99, 221, ${(context.raw as { v: number } | undefined)?.v ?? 0})`,
      width: ({ chart }: { chart: Chart }) => (chart.chartArea?.width ?? 200) / Math.max(columns, 1) - 1,
      height: ({ chart }: { chart: Chart }) => (chart.chartArea?.height ?? 100) / Math.max(map.rows.length, 1) - 1,
    };
    let chart = charts[key];
    if (!chart) {
      const holder = document.createElement('div');
      holder.style.position = 'relative';
      holder.style.height = `${Math.max(140, 24 * map.rows.length + 80)}px`;
      const canvas = document.createElement('canvas');
      holder.appendChild(canvas);
      box.appendChild(holder);
      chart = new Chart(canvas, {
        type: 'matrix',
        data: { datasets: [dataset as never] },
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { display: false }, title: { display: true, text: map.title } },
          scales: {
            x: {
              type: 'linear',
              min: -0.5,
              max: columns - 0.5,
              title: { display: true, text: 'time step' },
              afterBuildTicks: (axis) => {
                axis.ticks = Array.from({ length: columns }, (_, value) => ({ value }));
              },
            },
            y: { type: 'category', labels: map.rows, offset: true, ticks: { autoSkip: false } },
          },
        },
      });
      charts[key] = chart;
      return;
    }
    chart.data.datasets[0] = dataset as never;
    chart.update('none');
  });
}
