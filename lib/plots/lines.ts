/** Line charts: training curves, costs against batch size, similarities during optimisation. */
import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG, PlotInputError, finiteNumbers, labelList } from './common';
import type { Chart } from './common';

export interface LineSeries {
  name: string;
  /** The y values. */
  y: ArrayLike<number>;
  /** The x values, default 1, 2, 3, … (epochs or steps). */
  x?: ArrayLike<number>;
}

export interface LineChartOptions {
  series: ReadonlyArray<LineSeries>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Logarithmic y axis (all y must be > 0). Default false. */
  logY?: boolean;
  width?: number;
  height?: number;
}

/**
 * Training curves: one line per series, points marked when there are few, a legend naming the series.
 *
 * ```ts
 * const chart = lineChart({ series: [{ name: 'train loss', y: [2.1, 1.4, 0.9] }], xTitle: 'epoch', yTitle: 'loss' });
 * ```
 */
export function lineChart(options: LineChartOptions): Chart {
  const { title = 'Training curves', xTitle = 'epoch', yTitle = 'value', logY = false, width = 440, height = 260 } = options;
  const series = options.series;
  if (!Array.isArray(series) || series.length === 0) {
    throw new PlotInputError('lineChart: `series` must be a non-empty array of { name, y, x? }.');
  }
  const names = labelList(series.map((s) => s.name), series.length, 'lineChart', 'series');
  let maxLen = 0;
  const rows = series.flatMap((s, k) => {
    const y = finiteNumbers(s.y ?? [], `lineChart: series "${names[k]}" y`);
    if (y.length === 0) throw new PlotInputError(`lineChart: series "${names[k]}" has no values.`);
    const x = s.x ? finiteNumbers(s.x, `lineChart: series "${names[k]}" x`) : y.map((_, i) => i + 1);
    if (x.length !== y.length) {
      throw new PlotInputError(`lineChart: series "${names[k]}" has ${x.length} x values and ${y.length} y values; they must match.`);
    }
    if (logY && y.some((v) => v <= 0)) {
      throw new PlotInputError(`lineChart: series "${names[k]}" has a value ≤ 0, which a logarithmic axis cannot show. Use logY: false.`);
    }
    maxLen = Math.max(maxLen, y.length);
    return y.map((v, i) => ({ series: names[k], x: x[i], y: v }));
  });
  const palette = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#9d755d', '#bab0ac'];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title },
    data: { values: rows },
    width,
    height,
    mark: { type: 'line', point: maxLen <= 30, strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, axis: { tickMinStep: 1 }, scale: { zero: false, nice: false } },
      y: { field: 'y', type: 'quantitative', title: yTitle, scale: logY ? { type: 'log' } : { zero: false } },
      color: {
        field: 'series', type: 'nominal', title: null, sort: names,
        scale: { domain: names, range: names.map((_, i) => palette[i % palette.length]) },
        legend: names.length > 1 ? { orient: 'top', direction: 'horizontal' } : null,
      },
    },
    config: BASE_CONFIG,
  } as unknown as TopLevelSpec;
  return { kind: 'line-chart', title, spec };
}
