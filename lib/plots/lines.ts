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
  /**
   * The line's colour (any CSS colour), e.g. the colour a series is named after ("red circle" drawn red).
   * Default: the next colour of the course palette not taken by another series.
   */
  colour?: string;
}

/** The colours series get when they do not name their own, in order. */
export const SERIES_PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#9d755d',
  '#bab0ac',
] as const;

export interface LineChartOptions {
  series: ReadonlyArray<LineSeries>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /**
   * Logarithmic y axis (all y must be > 0). Default false. Use it when one value is far from the others (a
   * slow first call, say): on a linear axis that one outlier squeezes every other line flat.
   */
  logY?: boolean;
  /**
   * Logarithmic x axis (all x must be > 0), ticks at the x values when there are at most 8 of them. Default
   * false. Use it for x values spaced by factors (batch sizes 1, 8, 32).
   */
  logX?: boolean;
  width?: number;
  height?: number;
}

/**
 * Training curves and other series: one line per series, points marked when there are few, a legend naming
 * the series in their colours. A logarithmic axis says so in its title.
 *
 * ```ts
 * const chart = lineChart({ series: [{ name: 'train loss', y: [2.1, 1.4, 0.9] }], xTitle: 'epoch', yTitle: 'loss' });
 * // 'train loss' is drawn in SERIES_PALETTE[0], '#4c78a8'
 * const cost = lineChart({
 *   series: [{ name: 'fp32', x: [1, 8, 32], y: [5.9, 0.8, 0.7] }, { name: 'q8', x: [1, 8, 32], y: [1.1, 0.9, 0.8], colour: 'black' }],
 *   logX: true, logY: true, xTitle: 'batch size', yTitle: 'ms per image',
 * });
 * // fp32 in '#4c78a8', q8 in black; x ticks at 1, 8, 32; axis titles end in "(log scale)"
 * ```
 */
export function lineChart(options: LineChartOptions): Chart {
  const {
    title = 'Training curves',
    xTitle = 'epoch',
    yTitle = 'value',
    logY = false,
    logX = false,
    width = 440,
    height = 260,
  } = options;
  const series = options.series;
  if (!Array.isArray(series) || series.length === 0) {
    throw new PlotInputError('lineChart: `series` must be a non-empty array of { name, y, x? }.');
  }
  const names = labelList(
    series.map((s) => s.name),
    series.length,
    'lineChart',
    'series',
  );
  let maxLen = 0;
  const rows = series.flatMap((s, k) => {
    const y = finiteNumbers(s.y ?? [], `lineChart: series "${names[k]}" y`);
    if (y.length === 0) throw new PlotInputError(`lineChart: series "${names[k]}" has no values.`);
    const x = s.x ? finiteNumbers(s.x, `lineChart: series "${names[k]}" x`) : y.map((_, i) => i + 1);
    if (x.length !== y.length) {
      throw new PlotInputError(
        `lineChart: series "${names[k]}" has ${x.length} x values and ${y.length} y values; they must match.`,
      );
    }
    if (logY && y.some((v) => v <= 0)) {
      throw new PlotInputError(
        `lineChart: series "${names[k]}" has a value ≤ 0, which a logarithmic axis cannot show. Use logY: false.`,
      );
    }
    if (logX && x.some((v) => v <= 0)) {
      throw new PlotInputError(
        `lineChart: series "${names[k]}" has an x value ≤ 0, which a logarithmic axis cannot show. Use logX: false.`,
      );
    }
    if (s.colour !== undefined && (typeof s.colour !== 'string' || s.colour.trim() === '')) {
      throw new PlotInputError(
        `lineChart: series "${names[k]}" has colour ${JSON.stringify(s.colour)}; give a CSS colour such as '#d62728' or 'red'.`,
      );
    }
    maxLen = Math.max(maxLen, y.length);
    return y.map((v, i) => ({ series: names[k], x: x[i], y: v }));
  });
  const colours = assignColours(series.map((s) => s.colour));
  const xs = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  const logNote = ' (log scale)';
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title },
    data: { values: rows },
    width,
    height,
    mark: { type: 'line', point: maxLen <= 30, strokeWidth: 2 },
    encoding: {
      x: logX
        ? {
            field: 'x',
            type: 'quantitative',
            title: xTitle + logNote,
            scale: { type: 'log', nice: false, padding: 14 },
            axis: xs.length <= 8 ? { values: xs, format: '~g' } : { format: '~g' },
          }
        : {
            field: 'x',
            type: 'quantitative',
            title: xTitle,
            axis: { tickMinStep: 1 },
            scale: { zero: false, nice: false },
          },
      y: logY
        ? {
            field: 'y',
            type: 'quantitative',
            title: yTitle + logNote,
            scale: { type: 'log', nice: false, padding: 10 },
            axis: { values: logTicks(rows.map((r) => r.y)), format: '~g' },
          }
        : { field: 'y', type: 'quantitative', title: yTitle, scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: names,
        scale: { domain: names, range: colours },
        legend: names.length > 1 ? { orient: 'top', direction: 'horizontal' } : null,
      },
    },
    config: BASE_CONFIG,
  } as unknown as TopLevelSpec;
  return { kind: 'line-chart', title, spec };
}

/**
 * Tick values for a logarithmic axis over `values`: 1-2-5 in each decade, or 1-1.5-2-3-4-5-7 when that gives fewer
 * than four ticks (a range of less than a decade or two), e.g. 0.7, 1, 1.5, 2, 3, 4, 5 for values from 0.56 to 5.9.
 */
function logTicks(values: number[]): number[] {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const within = (mantissas: number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mantissas) {
        const t = Number((m * 10 ** e).toPrecision(6));
        if (t >= lo && t <= hi) out.push(t);
      }
    }
    return out;
  };
  const coarse = within([1, 2, 5]);
  return coarse.length >= 4 ? coarse : within([1, 1.5, 2, 3, 4, 5, 7]);
}

/** Each series' own colour, or the next palette colour that no series has taken. */
function assignColours(own: ReadonlyArray<string | undefined>): string[] {
  const taken = new Set(own.filter((c): c is string => !!c).map((c) => c.toLowerCase()));
  const free = SERIES_PALETTE.filter((c) => !taken.has(c));
  let next = 0;
  return own.map(
    (c) => c ?? (free.length ? free[next++ % free.length] : SERIES_PALETTE[next++ % SERIES_PALETTE.length]),
  );
}
