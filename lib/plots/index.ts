/**
 * Charts: builders per chart family, the renderer to SVG/PNG, notebook display, the interactive 3-D view.
 *
 * - `similarityHeatmap` (heatmap.ts): rows images, columns texts, every cell annotated, the best match outlined;
 * - `probabilityBars` (bars.ts): zero-shot probabilities, sorted, the winner highlighted;
 * - `projectionScatter` / `embeddingScatter` (scatter.ts): image and text embeddings in one 2-D picture (PCA
 *   for the real ones), a line joining each matched image–caption pair; labels placed by labels.ts;
 * - `lineChart` (lines.ts): training curves, costs, one colour per series (yours to choose), log axes;
 * - `staticScatter3d` (scatter3d.ts, camera maths in camera.ts): a fixed-camera picture of 3-D points, the PNG
 *   twin of the interactive Plotly view (plotly3d.ts);
 * - `chartToSvg`, `chartToPng`, `renderChart` (render.ts): any chart's Vega-Lite spec to SVG or PNG;
 * - `show`, `show3d`, `showImage`, `savePng`, `saveSpec` (display.ts): into the notebook, or to a file.
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
export { CHART_FONT, CHART_COLOURS, PlotInputError, ChartRenderError, rowsOf } from './common';
export type { Chart, ChartKind, Modality, RowsInput } from './common';
export { similarityHeatmap } from './heatmap';
export type { SimilarityHeatmapOptions } from './heatmap';
export { probabilityBars } from './bars';
export type { ProbabilityBarsOptions } from './bars';
export { projectionScatter, embeddingScatter } from './scatter';
export type { Point2d, ProjectionScatterOptions, EmbeddingScatterOptions } from './scatter';
export { lineChart, SERIES_PALETTE } from './lines';
export type { LineSeries, LineChartOptions } from './lines';
export { cameraProject } from './camera';
export { staticScatter3d } from './scatter3d';
export type { Point3d, StaticScatter3dOptions } from './scatter3d';
export { chartToSvg, chartToPng, renderChart, svgSize } from './render';
export type { PngOptions, RenderedPng } from './render';
export * from './display';
export * from './plotly3d';
export * from './text-metrics';
