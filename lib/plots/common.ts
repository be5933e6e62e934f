/**
 * What every chart builder shares: the `Chart` type, the course's colours and chart font, the base Vega-Lite
 * config, the two error classes, and the input checks (finite numbers, one label per row, rows of a matrix).
 *
 * ```ts
 * import { rowsOf } from './lib/plots/index';
 * rowsOf({ rows: 2, cols: 2, data: [1, 2, 3, 4] }, 'values');   // [[1, 2], [3, 4]]
 * ```
 */
import type { TopLevelSpec } from 'vega-lite';
import { CourseError } from '../course/errors';

/** The font every chart uses; it must be installed for text to render (Debian: fonts-dejavu-core). */
export const CHART_FONT = 'DejaVu Sans';

/** Thrown for data a chart cannot draw: mismatched lengths, NaN, no rows, probabilities outside [0, 1]… */
export class PlotInputError extends CourseError {}

/** Thrown when Vega cannot compile or draw a spec (a hand-edited `chart.spec`, usually). */
export class ChartRenderError extends CourseError {}

export type ChartKind =
  'similarity-heatmap' | 'probability-bars' | 'projection-scatter' | 'line-chart' | 'scatter-3d-static';

/** A chart: what it is, its title, and the Vega-Lite spec that draws it (yours to save, edit or re-render). */
export interface Chart {
  kind: ChartKind;
  title: string;
  spec: TopLevelSpec;
}

export type Modality = 'image' | 'text';

/** Colours used throughout the course: images blue, texts orange, highlights red. */
export const CHART_COLOURS = {
  image: '#4c78a8',
  text: '#f58518',
  highlight: '#d62728',
  muted: '#9ecae9',
  grid: '#dddddd',
} as const;

/** The Vega-Lite config every chart starts from: font, title, axis and legend styles. */
export const BASE_CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555555', anchor: 'start', offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, labelColor: '#222222', titleColor: '#222222' },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#bbbbbb' },
} as const;

// ---------------------------------------------------------------------------------------------- validation

/** The values as plain numbers; PlotInputError naming the first one that is NaN or infinite. */
export function finiteNumbers(values: ArrayLike<number>, what: string): number[] {
  const out = Array.from(values, Number);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new PlotInputError(`${what}: entry ${bad} is ${out[bad]}; every value to plot must be a finite number.`);
  return out;
}

/**
 * One label per item, repeats made distinct; PlotInputError when the count is wrong.
 *
 * ```ts
 * labelList(['cat', 'dog', 'cat'], 3, 'labels', 'rows');   // ['cat', 'dog', 'cat (2)']
 * ```
 */
export function labelList(labels: ReadonlyArray<string>, expected: number, what: string, countOf: string): string[] {
  if (!Array.isArray(labels) || labels.length !== expected) {
    throw new PlotInputError(
      `${what}: got ${Array.isArray(labels) ? labels.length : 'no'} labels for ${expected} ${countOf}. Pass one label per ${countOf.replace(/s$/, '')}.`,
    );
  }
  // Vega groups equal labels into one category: make repeats distinct ("cat", "cat (2)").
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const s = String(l);
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    return n === 1 ? s : `${s} (${n})`;
  });
}

/** Rows of numbers, or a row-major matrix like lib/similarity's `Matrix` ({ rows, cols, data }). */
export type RowsInput = ReadonlyArray<ArrayLike<number>> | { rows: number; cols: number; data: ArrayLike<number> };

/** The rows of a `RowsInput` as arrays of numbers (a Matrix is split into its rows). */
export function rowsOf(input: RowsInput, what: string): ArrayLike<number>[] {
  if (Array.isArray(input)) return input as ArrayLike<number>[];
  const m = input as { rows?: unknown; cols?: unknown; data?: ArrayLike<number> };
  if (m && typeof m.rows === 'number' && typeof m.cols === 'number' && m.data && m.data.length === m.rows * m.cols) {
    const { rows, cols, data } = m as { rows: number; cols: number; data: ArrayLike<number> };
    return Array.from(
      { length: rows },
      (_, r) => Array.prototype.slice.call(data, r * cols, (r + 1) * cols) as number[],
    );
  }
  throw new PlotInputError(
    `${what}: expected an array of rows or a { rows, cols, data } matrix with data.length = rows × cols.`,
  );
}

/** A Vega-Lite title, with its subtitle when there is one. */
export function titleParts(title: string, subtitle?: string): { text: string; subtitle?: string } {
  return subtitle ? { text: title, subtitle } : { text: title };
}

/**
 * Equal x and y domains (a square plot keeps distances and angles) around the points and `extra`, 18% wider.
 *
 * ```ts
 * squareDomains([0, 1], [0, 2], []);   // { x: [-0.68, 1.68], y: [-0.18, 2.18] }
 * ```
 */
export function squareDomains(
  xs: number[],
  ys: number[],
  extra: number[][],
): { x: [number, number]; y: [number, number] } {
  const allX = [...xs, ...extra.map((p) => p[0])];
  const allY = [...ys, ...extra.map((p) => p[1])];
  const [x0, x1] = [Math.min(...allX), Math.max(...allX)];
  const [y0, y1] = [Math.min(...allY), Math.max(...allY)];
  const half = (Math.max(x1 - x0, y1 - y0, 1e-9) / 2) * 1.18;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x: [cx - half, cx + half], y: [cy - half, cy + half] };
}
