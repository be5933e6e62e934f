/**
 * The similarity heatmap: rows images, columns texts, every cell annotated, the best match per row (or
 * column) outlined in red.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG, CHART_COLOURS, PlotInputError, finiteNumbers, labelList, rowsOf, titleParts } from './common';
import type { Chart, RowsInput } from './common';

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
  const {
    title = 'Cosine similarity',
    rowTitle = 'image',
    columnTitle = 'text',
    best = 'row',
    format = '.2f',
  } = options;
  const values = rowsOf(options.values, 'similarityHeatmap values');
  if (values.length === 0) {
    throw new PlotInputError('similarityHeatmap: `values` must be a non-empty array of rows (one row per image).');
  }
  const rows = values.map((r, i) => finiteNumbers(r, `similarityHeatmap: values row ${i}`));
  const nCols = rows[0].length;
  if (nCols === 0) throw new PlotInputError('similarityHeatmap: row 0 is empty; each row needs one value per text.');
  rows.forEach((r, i) => {
    if (r.length !== nCols) {
      throw new PlotInputError(
        `similarityHeatmap: row ${i} has ${r.length} values but row 0 has ${nCols}; the matrix must be rectangular.`,
      );
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
  const x = {
    field: 'column',
    type: 'nominal',
    sort: columnLabels,
    title: columnTitle,
    axis: { orient: 'top', labelAngle: -30, labelAlign: 'left', labelLimit: 200, domain: false, ticks: false },
  } as const;
  const y = {
    field: 'row',
    type: 'nominal',
    sort: rowLabels,
    title: rowTitle,
    axis: { labelLimit: 200, labelPadding: 6, domain: false, ticks: false },
  } as const;
  const subtitle =
    best === 'none'
      ? undefined
      : `red outline: best match in each ${best}, ${best === 'row' ? `${rowTitle} → ${columnTitle}` : `${columnTitle} → ${rowTitle}`}`;
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
            field: 'value',
            type: 'quantitative',
            title: 'similarity',
            scale: { scheme: 'blues', domain: hi > lo ? [lo, hi] : [lo - 1, hi + 1] },
            legend: { orient: 'right', gradientLength: 120, format },
          },
        },
      },
      {
        transform: [{ filter: 'datum.best' }],
        mark: { type: 'rect', fill: null, stroke: CHART_COLOURS.highlight, strokeWidth: 4 } as never,
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
