/**
 * Charts for the course, as Vega-Lite specs rendered in Node (no browser, no network):
 *
 * - `similarityHeatmap`: rows images, columns texts, every cell annotated, the best match per row outlined;
 * - `probabilityBars`: zero-shot probabilities, sorted, the winner highlighted;
 * - `projectionScatter` / `embeddingScatter`: image and text embeddings in one 2-D picture (PCA for the real
 *   ones), a line joining each matched image–caption pair;
 * - `lineChart`: training curves;
 * - `staticScatter3d`: a fixed-camera picture of 3-D points (the PNG twin of the interactive Plotly view in
 *   `lib/plots/plotly3d.ts`).
 *
 * Every builder returns a `Chart` (its Vega-Lite spec is `chart.spec`); `chartToSvg` and `chartToPng` draw it.
 * In a notebook, `await show(chart)` from `lib/plots/display.ts` shows it.
 *
 * ```ts
 * import { probabilityBars, chartToPng } from './lib/plots/index';
 * const chart = probabilityBars({ labels: ['cat', 'dog'], probabilities: [0.9, 0.1] });
 * const png = await chartToPng(chart);   // Uint8Array, a PNG of about 560×150 CSS pixels at 2× density
 * ```
 *
 * Text is drawn with the "DejaVu Sans" font (Debian package `fonts-dejavu-core`): the PNG is rasterised by
 * librsvg (through sharp), which finds fonts with fontconfig.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { pca } from '../embeddings/projection';
import { textWidth, vegaTextWidth } from './text-metrics';
import { CourseError } from '../course/errors';

/** The font every chart uses; it must be installed for text to render (Debian: fonts-dejavu-core). */
export const CHART_FONT = 'DejaVu Sans';

/** Thrown for data a chart cannot draw: mismatched lengths, NaN, no rows, probabilities outside [0, 1]… */
export class PlotInputError extends CourseError {}

/** Thrown when Vega cannot compile or draw a spec (a hand-edited `chart.spec`, usually). */
export class ChartRenderError extends CourseError {}

export type ChartKind = 'similarity-heatmap' | 'probability-bars' | 'projection-scatter' | 'line-chart' | 'scatter-3d-static';

/** A chart: what it is, its title, and the Vega-Lite spec that draws it (yours to save, edit or re-render). */
export interface Chart {
  kind: ChartKind;
  title: string;
  spec: TopLevelSpec;
}

export type Modality = 'image' | 'text';

/** Colours used throughout the course: images blue, texts orange, highlights red. */
export const COLORS = { image: '#4c78a8', text: '#f58518', highlight: '#d62728', muted: '#9ecae9', grid: '#dddddd' } as const;

const BASE_CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555555', anchor: 'start', offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, labelColor: '#222222', titleColor: '#222222' },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#bbbbbb' },
} as const;

// ---------------------------------------------------------------------------------------------- validation

function finiteNumbers(values: ArrayLike<number>, what: string): number[] {
  const out = Array.from(values, Number);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new PlotInputError(`${what}: entry ${bad} is ${out[bad]}; every value to plot must be a finite number.`);
  return out;
}

function labelList(labels: ReadonlyArray<string>, expected: number, what: string, countOf: string): string[] {
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
    return Array.from({ length: rows }, (_, r) => Array.prototype.slice.call(data, r * cols, (r + 1) * cols) as number[]);
  }
  throw new PlotInputError(`${what}: expected an array of rows or a { rows, cols, data } matrix with data.length = rows × cols.`);
}

function titleParts(title: string, subtitle?: string): { text: string; subtitle?: string } {
  return subtitle ? { text: title, subtitle } : { text: title };
}

// ------------------------------------------------------------------------------------------------ heatmap

export interface SimilarityHeatmapOptions {
  /** values[i][j]: similarity of row i (an image) and column j (a text); rows, or a { rows, cols, data } Matrix. */
  values: RowsInput;
  rowLabels: ReadonlyArray<string>;
  columnLabels: ReadonlyArray<string>;
  title?: string;
  rowTitle?: string;
  columnTitle?: string;
  /** Which best match to outline: in each row (image → text, the default), in each column (text → image), or none. */
  best?: 'row' | 'column' | 'none';
  /** d3-format of the cell annotations, default '.2f'. */
  format?: string;
  /** Pixels per cell side, default 72. */
  cellSize?: number;
}

/**
 * A similarity matrix as a heatmap: rows are images, columns are texts, every cell shows its value and the
 * best match of each row (or column) is outlined in red.
 *
 * ```ts
 * const chart = similarityHeatmap({
 *   values: [[0.31, 0.18], [0.12, 0.27]],
 *   rowLabels: ['cat.png', 'rocket.jpg'],
 *   columnLabels: ['a photo of a cat', 'a rocket launch'],
 * });
 * chart.kind;   // 'similarity-heatmap'
 * ```
 */
export function similarityHeatmap(options: SimilarityHeatmapOptions): Chart {
  const { title = 'Cosine similarity', rowTitle = 'image', columnTitle = 'text', best = 'row', format = '.2f' } = options;
  const values = rowsOf(options.values, 'similarityHeatmap values');
  if (values.length === 0) {
    throw new PlotInputError('similarityHeatmap: `values` must be a non-empty array of rows (one row per image).');
  }
  const rows = values.map((r, i) => finiteNumbers(r, `similarityHeatmap: values row ${i}`));
  const nCols = rows[0].length;
  if (nCols === 0) throw new PlotInputError('similarityHeatmap: row 0 is empty; each row needs one value per text.');
  rows.forEach((r, i) => {
    if (r.length !== nCols) {
      throw new PlotInputError(`similarityHeatmap: row ${i} has ${r.length} values but row 0 has ${nCols}; the matrix must be rectangular.`);
    }
  });
  const rowLabels = labelList(options.rowLabels, rows.length, 'similarityHeatmap rowLabels', 'rows');
  const columnLabels = labelList(options.columnLabels, nCols, 'similarityHeatmap columnLabels', 'columns');
  if (best !== 'row' && best !== 'column' && best !== 'none') {
    throw new PlotInputError(`similarityHeatmap: best = ${JSON.stringify(best)}; use 'row', 'column' or 'none'.`);
  }
  const cellSize = options.cellSize ?? 72;
  const flat = rows.flat();
  const lo = Math.min(...flat);
  const hi = Math.max(...flat);
  const mid = (lo + hi) / 2;
  const argmax = (xs: number[]) => xs.reduce((b, x, i) => (x > xs[b] ? i : b), 0);
  const bestRow = rows.map(argmax);
  const bestCol = columnLabels.map((_, j) => argmax(rows.map((r) => r[j])));
  const cells = rows.flatMap((r, i) =>
    r.map((value, j) => ({
      row: rowLabels[i],
      column: columnLabels[j],
      value,
      best: best === 'row' ? bestRow[i] === j : best === 'column' ? bestCol[j] === i : false,
      // dark cells get white text
      dark: hi > lo && value > mid,
    })),
  );
  const x = { field: 'column', type: 'nominal', sort: columnLabels, title: columnTitle,
    axis: { orient: 'top', labelAngle: -30, labelAlign: 'left', labelLimit: 200, domain: false, ticks: false } } as const;
  const y = { field: 'row', type: 'nominal', sort: rowLabels, title: rowTitle, axis: { labelLimit: 200, labelPadding: 6, domain: false, ticks: false } } as const;
  const subtitle = best === 'none' ? undefined : `red outline: best match in each ${best}, ${best === 'row' ? `${rowTitle} → ${columnTitle}` : `${columnTitle} → ${rowTitle}`}`;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(title, subtitle),
    data: { values: cells },
    width: { step: cellSize },
    height: { step: Math.round(cellSize * 0.75) },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'value', type: 'quantitative', title: 'similarity',
            scale: { scheme: 'blues', domain: hi > lo ? [lo, hi] : [lo - 1, hi + 1] },
            legend: { orient: 'right', gradientLength: 120, format },
          },
        },
      },
      {
        transform: [{ filter: 'datum.best' }],
        mark: { type: 'rect', fill: null, stroke: COLORS.highlight, strokeWidth: 4 } as never,
      },
      // two text layers: Vega-Lite has no fontWeight channel, so the best cells get their own bold layer
      ...[false, true].map((isBest) => ({
        transform: [{ filter: isBest ? 'datum.best' : '!datum.best' }],
        mark: { type: 'text', fontSize: 13, fontWeight: isBest ? 'bold' : 'normal' },
        encoding: {
          text: { field: 'value', type: 'quantitative', format },
          color: { condition: { test: 'datum.dark', value: 'white' }, value: '#111111' },
        },
      })),
    ],
    config: BASE_CONFIG,
  } as TopLevelSpec;
  return { kind: 'similarity-heatmap', title, spec };
}

// ----------------------------------------------------------------------------------------- probability bars

export interface ProbabilityBarsOptions {
  labels: ReadonlyArray<string>;
  /** One probability per label, each in [0, 1] (softmax output, say). */
  probabilities: ArrayLike<number>;
  title?: string;
  valueTitle?: string;
  /** Pixel width of the bar area, default 380. */
  width?: number;
}

/**
 * Zero-shot probabilities as horizontal bars, highest first, the winner in red and every bar labelled with
 * its percentage.
 *
 * ```ts
 * const chart = probabilityBars({ labels: ['a cat', 'a dog', 'a rocket'], probabilities: [0.7, 0.2, 0.1] });
 * chart.title;   // 'Zero-shot probabilities'
 * ```
 */
export function probabilityBars(options: ProbabilityBarsOptions): Chart {
  const { title = 'Zero-shot probabilities', valueTitle = 'probability', width = 380 } = options;
  const probs = finiteNumbers(options.probabilities ?? [], 'probabilityBars: probabilities');
  if (probs.length === 0) throw new PlotInputError('probabilityBars: no probabilities given; pass one per label.');
  const out = probs.findIndex((p) => p < 0 || p > 1);
  if (out >= 0) {
    throw new PlotInputError(
      `probabilityBars: probability ${out} is ${probs[out]}, outside [0, 1]. Apply softmax to similarity scores first.`,
    );
  }
  const labels = labelList(options.labels, probs.length, 'probabilityBars labels', 'probabilities');
  const order = probs.map((_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  const winner = order[0];
  const bars = order.map((i, rank) => ({ label: labels[i], probability: probs[i], winner: i === winner, rank }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(title, `winner: ${labels[winner]} (${(probs[winner] * 100).toFixed(1)}%)`),
    data: { values: bars },
    width,
    height: { step: 28 },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: bars.map((b) => b.label), title: null, axis: { labelLimit: 240, labelFontSize: 13 } },
      x: { field: 'probability', type: 'quantitative', title: valueTitle, scale: { domain: [0, 1] }, axis: { format: '.0%', tickCount: 5 } },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          color: { condition: { test: 'datum.winner', value: COLORS.highlight }, value: COLORS.muted },
        },
      },
      ...[false, true].map((isWinner) => ({
        transform: [{ filter: isWinner ? 'datum.winner' : '!datum.winner' }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12, fontWeight: isWinner ? 'bold' : 'normal' },
        encoding: { text: { field: 'probability', type: 'quantitative', format: '.1%' } },
      })),
    ],
    config: BASE_CONFIG,
  } as TopLevelSpec;
  return { kind: 'probability-bars', title, spec };
}

// ------------------------------------------------------------------------------------------ 2-D projection

/** A point already in 2-D: its coordinates, its label and whether it is an image or a text. */
export interface Point2d {
  x: number;
  y: number;
  label: string;
  modality: Modality;
}

export interface ProjectionScatterOptions {
  points: ReadonlyArray<Point2d>;
  /** Pairs of point indices to join with a line (an image and its caption). */
  pairs?: ReadonlyArray<readonly [number, number]>;
  title?: string;
  subtitle?: string;
  xTitle?: string;
  yTitle?: string;
  /** Draw each point as an arrow from the origin (vectors, for the toy space). Default false. */
  showVectors?: boolean;
  /** Draw the circle of radius 1 (where normalised vectors live). Default false. */
  unitCircle?: boolean;
  /** Side of the square plot in pixels, default 380. */
  size?: number;
}

function squareDomains(xs: number[], ys: number[], extra: number[][]): { x: [number, number]; y: [number, number] } {
  const allX = [...xs, ...extra.map((p) => p[0])];
  const allY = [...ys, ...extra.map((p) => p[1])];
  const [x0, x1] = [Math.min(...allX), Math.max(...allX)];
  const [y0, y1] = [Math.min(...allY), Math.max(...allY)];
  const half = (Math.max(x1 - x0, y1 - y0, 1e-9) / 2) * 1.18;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x: [cx - half, cx + half], y: [cy - half, cy + half] };
}

/** Where a point's label goes: to its right or left, above or below it. */
interface LabelPlacement {
  align: 'left' | 'right';
  above: boolean;
}

/**
 * Places point labels so that they stay inside the plot and overlap as little as possible: each label tries
 * four spots around its point (the side facing the centre first; of a matched pair, the higher point above and
 * the lower one below) and takes the one that overlaps the labels placed so far, the points and the plot edge
 * least, using the real text widths of the chart font. Returns text layers, one per kind of placement.
 */
function labelLayers(
  rows: Array<{ h: number; vpos: number; modality: Modality; label: string } & Record<string, unknown>>,
  pairs: ReadonlyArray<readonly [number, number]>,
  domain: { x: [number, number]; y: [number, number] },
  size: number,
  xEnc: object,
  yEnc: object,
): unknown[] {
  const fontSize = 12;
  const lineHeight = 15;
  const gap = 8;
  const px = (h: number) => ((h - domain.x[0]) / (domain.x[1] - domain.x[0])) * size;
  const py = (v: number) => size - ((v - domain.y[0]) / (domain.y[1] - domain.y[0])) * size;
  const preferAbove = rows.map((r) => r.modality === 'image');
  for (const [a, b] of pairs) {
    if (a === b) continue;
    const aHigher = rows[a].vpos > rows[b].vpos || (rows[a].vpos === rows[b].vpos && rows[a].modality === 'image');
    preferAbove[a] = aHigher;
    preferAbove[b] = !aHigher;
  }
  type Box = [number, number, number, number]; // x0, y0, x1, y1 in pixels
  const overlap = (p: Box, q: Box) => Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0])) * Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
  const points: Box[] = rows.map((r) => [px(r.h) - 7, py(r.vpos) - 7, px(r.h) + 7, py(r.vpos) + 7]);
  const placed: Box[] = [];
  const placements: LabelPlacement[] = rows.map((r, i) => {
    const x = px(r.h);
    const y = py(r.vpos);
    const w = Math.min(textWidth(r.label, fontSize), 190);
    const facing: Array<'left' | 'right'> = x <= size / 2 ? ['left', 'right'] : ['right', 'left'];
    const candidates: LabelPlacement[] = [preferAbove[i], !preferAbove[i]].flatMap((above) => facing.map((align) => ({ align, above })));
    let best = candidates[0];
    let bestCost = Infinity;
    let bestBox: Box = [0, 0, 0, 0];
    for (const c of candidates) {
      const x0 = c.align === 'left' ? x + gap : x - gap - w;
      const y0 = c.above ? y - 3 - lineHeight : y + 3;
      const box: Box = [x0, y0, x0 + w, y0 + lineHeight];
      const outside = w * lineHeight - overlap(box, [0, 0, size, size]);
      const cost = 3 * outside + placed.reduce((s, q) => s + overlap(box, q), 0) + points.reduce((s, q, j) => s + (j === i ? 0 : overlap(box, q)), 0);
      if (cost < bestCost - 1e-9) {
        best = c;
        bestCost = cost;
        bestBox = box;
      }
    }
    placed.push(bestBox);
    return best;
  });
  const layers: unknown[] = [];
  for (const above of [true, false]) {
    for (const align of ['left', 'right'] as const) {
      const values = rows.filter((_, i) => placements[i].above === above && placements[i].align === align);
      if (!values.length) continue;
      layers.push({
        data: { values },
        mark: {
          type: 'text', fontSize, limit: 190, align, dx: align === 'left' ? gap : -gap,
          baseline: above ? 'bottom' : 'top', dy: above ? -3 : 3,
        },
        encoding: { x: xEnc, y: yEnc, text: { field: 'label' }, color: { value: '#222222' } },
      });
    }
  }
  return layers;
}

/**
 * Image and text points in one 2-D space, same scale on both axes (so distances and angles look right), a
 * dashed line joining each matched pair, labels next to the points.
 *
 * ```ts
 * const chart = projectionScatter({
 *   points: [
 *     { x: 0.9, y: 0.3, label: 'cat photo', modality: 'image' },
 *     { x: 0.8, y: 0.5, label: '"a cat"', modality: 'text' },
 *   ],
 *   pairs: [[0, 1]],
 *   unitCircle: true,
 * });
 * ```
 */
export function projectionScatter(options: ProjectionScatterOptions): Chart {
  const { title = 'Images and texts in one space', xTitle = 'dimension 1', yTitle = 'dimension 2', size = 380 } = options;
  const points = options.points;
  if (!Array.isArray(points) || points.length === 0) {
    throw new PlotInputError('projectionScatter: `points` must be a non-empty array of { x, y, label, modality }.');
  }
  points.forEach((p, i) => {
    if (!Number.isFinite(p?.x) || !Number.isFinite(p?.y)) {
      throw new PlotInputError(`projectionScatter: point ${i} has x = ${p?.x}, y = ${p?.y}; both must be finite numbers.`);
    }
    if (p.modality !== 'image' && p.modality !== 'text') {
      throw new PlotInputError(`projectionScatter: point ${i} has modality ${JSON.stringify(p.modality)}; use 'image' or 'text'.`);
    }
  });
  const labels = labelList(points.map((p) => p.label), points.length, 'projectionScatter', 'points');
  const pairs = options.pairs ?? [];
  pairs.forEach(([a, b], k) => {
    for (const idx of [a, b]) {
      if (!Number.isInteger(idx) || idx < 0 || idx >= points.length) {
        throw new PlotInputError(`projectionScatter: pair ${k} refers to point ${idx}, but there are ${points.length} points (indices 0–${points.length - 1}).`);
      }
    }
  });
  const circle = options.unitCircle
    ? Array.from({ length: 121 }, (_, i) => [Math.cos((i / 120) * 2 * Math.PI), Math.sin((i / 120) * 2 * Math.PI)])
    : [];
  const domain = squareDomains(points.map((p) => p.x), points.map((p) => p.y), options.showVectors ? [[0, 0], ...circle] : circle);
  const pointRows = points.map((p, i) => ({ x: p.x, y: p.y, label: labels[i], modality: p.modality }));
  const pairRows = pairs.flatMap(([a, b], k) => [
    { pair: k, end: 0, x: points[a].x, y: points[a].y },
    { pair: k, end: 1, x: points[b].x, y: points[b].y },
  ]);
  const xEnc = { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: domain.x, nice: false, zero: false } } as const;
  const yEnc = { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: domain.y, nice: false, zero: false } } as const;
  const layers: unknown[] = [];
  if (circle.length) {
    layers.push({
      data: { values: circle.map(([x, y], i) => ({ x, y, i })) },
      mark: { type: 'line', color: '#999999', strokeDash: [2, 3], strokeWidth: 1 },
      encoding: { x: xEnc, y: yEnc, order: { field: 'i', type: 'quantitative' } },
    });
  }
  if (options.showVectors) {
    layers.push({
      data: { values: pointRows.map((p) => ({ ...p, x0: 0, y0: 0 })) },
      mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.7 },
      encoding: {
        x: { ...xEnc, field: 'x0' }, y: { ...yEnc, field: 'y0' },
        x2: { field: 'x' }, y2: { field: 'y' },
        color: { field: 'modality', type: 'nominal', title: null, scale: { domain: ['image', 'text'], range: [COLORS.image, COLORS.text] } },
      },
    });
  }
  if (pairRows.length) {
    layers.push({
      data: { values: pairRows },
      mark: { type: 'line', color: '#555555', strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: { x: xEnc, y: yEnc, detail: { field: 'pair', type: 'nominal' }, order: { field: 'end', type: 'quantitative' } },
    });
  }
  layers.push({
    data: { values: pointRows },
    mark: { type: 'point', filled: true, size: 140, opacity: 1, stroke: 'white', strokeWidth: 1 },
    encoding: {
      x: xEnc, y: yEnc,
      color: { field: 'modality', type: 'nominal', title: null, scale: { domain: ['image', 'text'], range: [COLORS.image, COLORS.text] } },
      shape: { field: 'modality', type: 'nominal', title: null, scale: { domain: ['image', 'text'], range: ['square', 'circle'] } },
    },
  });
  layers.push(...labelLayers(pointRows.map((p) => ({ ...p, h: p.x, vpos: p.y })), pairs, domain, size, xEnc, yEnc));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(title, options.subtitle ?? (pairRows.length ? 'dashed line: an image and its caption' : undefined)),
    width: size,
    height: size,
    layer: layers,
    config: { ...BASE_CONFIG, legend: { ...BASE_CONFIG.legend, orient: 'top-left', symbolSize: 120 } },
  } as unknown as TopLevelSpec;
  return { kind: 'projection-scatter', title, spec };
}

export interface EmbeddingScatterOptions {
  /** One row per image (rows, or a { rows, cols, data } Matrix). */
  imageEmbeddings: RowsInput;
  imageLabels: ReadonlyArray<string>;
  textEmbeddings: RowsInput;
  textLabels: ReadonlyArray<string>;
  /** [imageIndex, textIndex] pairs to join; default: image i with text i when the counts are equal, else none. */
  pairs?: ReadonlyArray<readonly [number, number]>;
  title?: string;
  size?: number;
}

function checkPairs(pairs: ReadonlyArray<readonly [number, number]>, nImages: number, nTexts: number, what: string): void {
  pairs.forEach(([i, t], k) => {
    if (!Number.isInteger(i) || i < 0 || i >= nImages || !Number.isInteger(t) || t < 0 || t >= nTexts) {
      throw new PlotInputError(`${what}: pair ${k} is [${i}, ${t}] but there are ${nImages} images and ${nTexts} texts; pairs are [imageIndex, textIndex].`);
    }
  });
}

/**
 * Many-dimensional image and text embeddings projected together onto their two principal components
 * (`pca` from `lib/embeddings/projection.ts`), drawn with `projectionScatter`. The axis titles give each component's share
 * of the variance, a reminder of how much the flat picture leaves out.
 *
 * ```ts
 * const chart = embeddingScatter({ imageEmbeddings, imageLabels: ['cat', 'rocket'],
 *                                  textEmbeddings, textLabels: ['a cat', 'a rocket'] });
 * ```
 */
export function embeddingScatter(options: EmbeddingScatterOptions): Chart {
  const { title = 'Image and text embeddings (PCA to 2-D)', size } = options;
  const imageEmbeddings = rowsOf(options.imageEmbeddings, 'embeddingScatter imageEmbeddings');
  const textEmbeddings = rowsOf(options.textEmbeddings, 'embeddingScatter textEmbeddings');
  const nI = imageEmbeddings.length;
  const nT = textEmbeddings.length;
  if (nI + nT < 2) throw new PlotInputError('embeddingScatter: need at least two embeddings in all to project.');
  const imageLabels = labelList(options.imageLabels, nI, 'embeddingScatter imageLabels', 'image embeddings');
  const textLabels = labelList(options.textLabels, nT, 'embeddingScatter textLabels', 'text embeddings');
  const pairs = options.pairs ?? (nI === nT ? imageLabels.map((_, i) => [i, i] as const) : []);
  checkPairs(pairs, nI, nT, 'embeddingScatter');
  const fit = pca([...imageEmbeddings, ...textEmbeddings], 2);
  const pct = (r: number) => `${Math.round(r * 100)}% of variance`;
  const points: Point2d[] = fit.projected.map(([x, y], i) => ({
    x, y, label: i < nI ? imageLabels[i] : textLabels[i - nI], modality: i < nI ? 'image' : 'text',
  }));
  return projectionScatter({
    points,
    pairs: pairs.map(([i, t]) => [i, nI + t] as const),
    title,
    xTitle: `PC1 (${pct(fit.explainedVarianceRatio[0])})`,
    yTitle: `PC2 (${pct(fit.explainedVarianceRatio[1])})`,
    size,
  });
}

// -------------------------------------------------------------------------------------------- line charts

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

// ---------------------------------------------------------------------------------------- static 3-D view

/** A point in 3-D with its label and modality. */
export interface Point3d {
  x: number;
  y: number;
  z: number;
  label: string;
  modality: Modality;
}

export interface StaticScatter3dOptions {
  points: ReadonlyArray<Point3d>;
  pairs?: ReadonlyArray<readonly [number, number]>;
  title?: string;
  axisTitles?: readonly [string, string, string];
  /** Camera turn around the vertical axis, degrees (default 35). */
  azimuthDeg?: number;
  /** Camera height above the horizontal plane, degrees (default 22). */
  elevationDeg?: number;
  size?: number;
}

/** Screen coordinates of a 3-D point for a camera turned by azimuth and raised by elevation (orthographic). */
export function cameraProject(p: readonly [number, number, number], azimuthDeg: number, elevationDeg: number): { u: number; v: number; depth: number } {
  const a = (azimuthDeg * Math.PI) / 180;
  const e = (elevationDeg * Math.PI) / 180;
  const [x, y, z] = p;
  // turn around the z (up) axis, then tilt towards the viewer
  const x1 = x * Math.cos(a) - y * Math.sin(a);
  const y1 = x * Math.sin(a) + y * Math.cos(a);
  return { u: x1, v: z * Math.cos(e) - y1 * Math.sin(e), depth: y1 * Math.cos(e) + z * Math.sin(e) };
}

/**
 * A fixed-camera picture of 3-D points with the three axes drawn through the centre: the picture that shows
 * when the interactive Plotly view cannot (an untrusted notebook, a PNG export). Nearer points are drawn
 * larger and on top.
 *
 * ```ts
 * const chart = staticScatter3d({ points: [{ x: 1, y: 0, z: 0, label: 'cat', modality: 'image' }] });
 * ```
 */
export function staticScatter3d(options: StaticScatter3dOptions): Chart {
  const { title = 'Embeddings in 3-D (static view)', azimuthDeg = 35, elevationDeg = 22, size = 400 } = options;
  const axisTitles = options.axisTitles ?? ['x', 'y', 'z'];
  const pts = options.points;
  if (!Array.isArray(pts) || pts.length === 0) {
    throw new PlotInputError('staticScatter3d: `points` must be a non-empty array of { x, y, z, label, modality }.');
  }
  pts.forEach((p, i) => {
    if (![p?.x, p?.y, p?.z].every(Number.isFinite)) {
      throw new PlotInputError(`staticScatter3d: point ${i} is (${p?.x}, ${p?.y}, ${p?.z}); all three coordinates must be finite.`);
    }
    if (p.modality !== 'image' && p.modality !== 'text') {
      throw new PlotInputError(`staticScatter3d: point ${i} has modality ${JSON.stringify(p.modality)}; use 'image' or 'text'.`);
    }
  });
  const labels = labelList(pts.map((p) => p.label), pts.length, 'staticScatter3d', 'points');
  const pairs = options.pairs ?? [];
  pairs.forEach(([a, b], k) => {
    if (![a, b].every((i) => Number.isInteger(i) && i >= 0 && i < pts.length)) {
      throw new PlotInputError(`staticScatter3d: pair ${k} is [${a}, ${b}] but there are ${pts.length} points.`);
    }
  });
  const extent = Math.max(...pts.flatMap((p) => [Math.abs(p.x), Math.abs(p.y), Math.abs(p.z)]), 1e-9) * 1.1;
  const proj = (x: number, y: number, z: number) => cameraProject([x, y, z], azimuthDeg, elevationDeg);
  const axes = ([[extent, 0, 0], [0, extent, 0], [0, 0, extent]] as const).flatMap((end, k) => {
    const a = proj(-end[0], -end[1], -end[2]);
    const b = proj(end[0], end[1], end[2]);
    return [
      { axis: axisTitles[k], end: 0, u: a.u, v: a.v },
      { axis: axisTitles[k], end: 1, u: b.u, v: b.v },
    ];
  });
  const axisLabels = axes.filter((r) => r.end === 1).map((r) => ({ ...r, text: r.axis }));
  const projected = pts.map((p, i) => ({ ...proj(p.x, p.y, p.z), label: labels[i], modality: p.modality }));
  const depths = projected.map((p) => p.depth);
  const [d0, d1] = [Math.min(...depths), Math.max(...depths)];
  const pointRows = projected
    .map((p) => ({ ...p, near: d1 > d0 ? (p.depth - d0) / (d1 - d0) : 0.5 }))
    .sort((a, b) => a.depth - b.depth);
  const pairRows = pairs.flatMap(([a, b], k) => [
    { pair: k, end: 0, u: projected[a].u, v: projected[a].v },
    { pair: k, end: 1, u: projected[b].u, v: projected[b].v },
  ]);
  const domain = squareDomains([...projected.map((p) => p.u), ...axes.map((a) => a.u)], [...projected.map((p) => p.v), ...axes.map((a) => a.v)], []);
  const uEnc = { field: 'u', type: 'quantitative', axis: null, scale: { domain: domain.x, nice: false, zero: false } };
  const vEnc = { field: 'v', type: 'quantitative', axis: null, scale: { domain: domain.y, nice: false, zero: false } };
  const modalityScale = { domain: ['image', 'text'], range: [COLORS.image, COLORS.text] };
  const layers: unknown[] = [
    {
      data: { values: axes },
      mark: { type: 'line', color: '#888888', strokeWidth: 1 },
      encoding: { x: uEnc, y: vEnc, detail: { field: 'axis', type: 'nominal' }, order: { field: 'end', type: 'quantitative' } },
    },
    {
      data: { values: axisLabels },
      mark: { type: 'text', color: '#555555', fontSize: 12, dx: 4, dy: -4, align: 'left' },
      encoding: { x: uEnc, y: vEnc, text: { field: 'text' } },
    },
  ];
  if (pairRows.length) {
    layers.push({
      data: { values: pairRows },
      mark: { type: 'line', color: '#555555', strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: { x: uEnc, y: vEnc, detail: { field: 'pair', type: 'nominal' }, order: { field: 'end', type: 'quantitative' } },
    });
  }
  layers.push(
    {
      data: { values: pointRows },
      mark: { type: 'point', filled: true, stroke: 'white', strokeWidth: 1, opacity: 1 },
      encoding: {
        x: uEnc, y: vEnc,
        size: { field: 'near', type: 'quantitative', scale: { domain: [0, 1], range: [60, 220] }, legend: null },
        color: { field: 'modality', type: 'nominal', title: null, scale: modalityScale },
        shape: { field: 'modality', type: 'nominal', title: null, scale: { domain: ['image', 'text'], range: ['square', 'circle'] } },
        order: { field: 'depth', type: 'quantitative' },
      },
    },
    ...labelLayers(projected.map((p) => ({ ...p, h: p.u, vpos: p.v })), pairs, domain, size, uEnc, vEnc),
  );
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(title, `fixed camera (azimuth ${azimuthDeg}°, elevation ${elevationDeg}°); nearer points are larger`),
    width: size,
    height: size,
    layer: layers,
    config: { ...BASE_CONFIG, view: { stroke: null }, legend: { ...BASE_CONFIG.legend, orient: 'top-left', symbolSize: 120 } },
  } as unknown as TopLevelSpec;
  return { kind: 'scatter-3d-static', title, spec };
}

// ---------------------------------------------------------------------------------------------- rendering

function isChart(chart: unknown): chart is Chart {
  return typeof chart === 'object' && chart !== null && typeof (chart as Chart).spec === 'object' && (chart as Chart).spec !== null;
}

/**
 * Draws a chart as SVG text (Vega in Node, no browser).
 *
 * ```ts
 * const svg = await chartToSvg(probabilityBars({ labels: ['cat', 'dog'], probabilities: [0.8, 0.2] }));
 * svg.slice(0, 4);   // '<svg'
 * ```
 */
export async function chartToSvg(chart: Chart): Promise<string> {
  if (!isChart(chart)) {
    throw new ChartRenderError('chartToSvg: expected a Chart (an object with a Vega-Lite `spec`), as returned by similarityHeatmap, probabilityBars, …');
  }
  // Vega measures text with a canvas in browsers; in Node it would guess 0.8 em per character. Use the
  // real widths of DejaVu Sans so that titles and labels get the room they need and no more.
  (vega as unknown as { textMetrics: { width: typeof vegaTextWidth } }).textMetrics.width = vegaTextWidth;
  let view: vega.View;
  try {
    const compiled = vegaLite.compile(chart.spec).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  } catch (err) {
    throw new ChartRenderError(`chartToSvg: Vega-Lite could not compile the spec of "${chart.title}": ${(err as Error).message}. Check chart.spec.`);
  }
  try {
    return await view.toSVG();
  } catch (err) {
    throw new ChartRenderError(`chartToSvg: Vega could not draw "${chart.title}": ${(err as Error).message}.`);
  } finally {
    view.finalize();
  }
}

/** Width and height in CSS pixels of an SVG produced by `chartToSvg`. */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new ChartRenderError('svgSize: the SVG has no width/height attributes.');
  return { width: Number(m[1]), height: Number(m[2]) };
}

export interface PngOptions {
  /** Pixel density multiplier, default 2 (sharp on high-density screens; the display helper shows it at 1×). */
  scale?: number;
}

/** A rendered chart: the PNG bytes and its size in CSS pixels (the PNG itself is `scale` times larger). */
export interface RenderedPng {
  png: Uint8Array;
  width: number;
  height: number;
  scale: number;
}

/**
 * Draws a chart to PNG (Vega → SVG → librsvg through sharp), with its CSS size.
 *
 * ```ts
 * const { png, width, height } = await renderChart(lineChart({ series: [{ name: 'loss', y: [3, 2, 1] }] }));
 * // png: Uint8Array starting with the PNG signature 0x89 'P' 'N' 'G'; width ≈ 520, height ≈ 330
 * ```
 */
export async function renderChart(chart: Chart, options: PngOptions = {}): Promise<RenderedPng> {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 8)) {
    throw new PlotInputError(`renderChart: scale = ${scale}; use a number in (0, 8], e.g. 1 or 2.`);
  }
  const svg = await chartToSvg(chart);
  const { width, height } = svgSize(svg);
  try {
    const buf = await sharp(Buffer.from(svg), { density: 72 * scale }).png().toBuffer();
    return { png: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), width, height, scale };
  } catch (err) {
    throw new ChartRenderError(`renderChart: sharp could not rasterise the SVG of "${chart.title}": ${(err as Error).message}.`);
  }
}

/**
 * Draws a chart to PNG bytes; see `renderChart` for the size as well.
 *
 * ```ts
 * fs.writeFileSync('build/heatmap.png', await chartToPng(chart));
 * ```
 */
export async function chartToPng(chart: Chart, options: PngOptions = {}): Promise<Uint8Array> {
  return (await renderChart(chart, options)).png;
}
