/**
 * The renderer: a chart's Vega-Lite spec → Vega → SVG text (Vega in Node, no browser) → PNG (librsvg through
 * sharp). Text is drawn with the chart font (`CHART_FONT`, DejaVu Sans), measured with its real widths.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import sharp from 'sharp';
import { ChartRenderError, PlotInputError } from './common';
import type { Chart } from './common';
import { vegaTextWidth } from './text-metrics';

function isChart(chart: unknown): chart is Chart {
  return (
    typeof chart === 'object' &&
    chart !== null &&
    typeof (chart as Chart).spec === 'object' &&
    (chart as Chart).spec !== null
  );
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
  const view = chartView(chart, 'chartToSvg');
  try {
    return await view.toSVG();
  } catch (err) {
    throw new ChartRenderError(`chartToSvg: Vega could not draw "${chart.title}": ${(err as Error).message}.`);
  } finally {
    view.finalize();
  }
}

/**
 * A chart compiled (Vega-Lite → Vega) into a Vega view that has not drawn anything yet, measuring text with the
 * chart font's real widths. `chartToSvg` draws it; tests read its scenegraph (where each mark, label and legend
 * entry landed). Call `view.finalize()` when done.
 *
 * ```ts
 * const view = chartView(lineChart({ series: [{ name: 'loss', y: [3, 2, 1] }] }));
 * await view.runAsync();
 * view.width();   // 440
 * view.finalize();
 * ```
 */
export function chartView(chart: Chart, caller = 'chartView'): vega.View {
  if (!isChart(chart)) {
    throw new ChartRenderError(
      `${caller}: expected a Chart (an object with a Vega-Lite \`spec\`), as returned by similarityHeatmap, probabilityBars, …`,
    );
  }
  // Vega measures text with a canvas in browsers; in Node it would guess 0.8 em per character. Use the
  // real widths of DejaVu Sans so that titles and labels get the room they need and no more.
  (vega as unknown as { textMetrics: { width: typeof vegaTextWidth } }).textMetrics.width = vegaTextWidth;
  try {
    const compiled = vegaLite.compile(chart.spec).spec;
    return new vega.View(vega.parse(compiled), { renderer: 'none' });
  } catch (err) {
    throw new ChartRenderError(
      `${caller}: Vega-Lite could not compile the spec of "${chart.title}": ${(err as Error).message}. Check chart.spec.`,
    );
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
    const buf = await sharp(Buffer.from(svg), { density: 72 * scale })
      .png()
      .toBuffer();
    return { png: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), width, height, scale };
  } catch (err) {
    throw new ChartRenderError(
      `renderChart: sharp could not rasterise the SVG of "${chart.title}": ${(err as Error).message}.`,
    );
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
