/**
 * Showing charts in a notebook so that everyone sees them:
 *
 * - `await show(chart)` puts ONE output into the cell holding both a PNG and the chart's Vega-Lite spec
 *   (mimetype `application/vnd.vegalite.v5+json`). Classic Jupyter Notebook and `jupyter nbconvert --to html`
 *   show the PNG, which renders even in an untrusted notebook (SVG and HTML outputs are only shown when the
 *   notebook is trusted); front ends that know Vega-Lite may draw the spec instead. The spec stays in the
 *   saved notebook, and `chart.spec` / `saveSpec` give it to you in code.
 * - `await show3d({ points, pairs })` shows a static PNG of 3-D points, then the interactive Plotly view
 *   (HTML, shown when the notebook is trusted), and prints a one-line note on trusting the notebook.
 *
 * ```ts
 * import { show } from './lib/plots/index';
 * import { probabilityBars } from './lib/plots/index';
 * await show(probabilityBars({ labels: ['a cat', 'a dog'], probabilities: [0.8, 0.2] }));   // a bar chart under the cell
 * ```
 *
 * `show` must be awaited inside the cell: Jupyter attaches an output to the cell that is running.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderChart } from './render';
import { staticScatter3d } from './scatter3d';
import type { Chart } from './common';
import type { PngOptions, RenderedPng } from './render';
import { scatter3dHtml } from './plotly3d';
import type { Scatter3dOptions } from './plotly3d';
import { CourseError } from '../course/errors';

/** Thrown when a chart cannot be shown or saved: not running in the tslab kernel, an unwritable path… */
export class DisplayError extends CourseError {}

/** The mimetype under which the Vega-Lite spec travels next to the PNG. */
export const VEGA_LITE_MIMETYPE = 'application/vnd.vegalite.v5+json';

/** One Jupyter display_data message: mimetype → content, with per-mimetype metadata. */
export interface DisplayBundle {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

type DisplayWriter = (content: DisplayBundle & { transient?: Record<string, unknown> }, update: boolean) => void;

/**
 * tslab's public `display` API sends one mimetype per output; a PNG with its spec needs two in one output.
 * tslab keeps the function that writes display_data for the running cell in `tslab/dist/jupyter`
 * (`lastWriteDisplayData`); this returns it, or null outside a tslab kernel.
 */
function currentDisplayWriter(): DisplayWriter | null {
  try {
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: DisplayWriter | null };
    return typeof jupyter.lastWriteDisplayData === 'function' ? jupyter.lastWriteDisplayData : null;
  } catch {
    return null;
  }
}

/**
 * Sends one output with several mimetypes to the running notebook cell.
 *
 * ```ts
 * displayBundle({ data: { 'text/plain': 'hello', 'text/markdown': '**hello**' }, metadata: {} });
 * ```
 */
export function displayBundle(bundle: DisplayBundle): void {
  const write = currentDisplayWriter();
  if (!write) {
    throw new DisplayError(
      'Cannot display: this code is not running in a notebook with the tslab (TypeScript) kernel. ' +
        "In a script, save the chart instead: `await savePng(chart, 'build/chart.png')` or `saveSpec(chart, 'build/chart.vl.json')`.",
    );
  }
  write({ data: bundle.data, metadata: bundle.metadata, transient: {} }, false);
}

/**
 * The display bundle `show` sends for a rendered chart: the PNG (with its size in CSS pixels, so a 2× PNG
 * looks sharp at its natural size), the Vega-Lite spec, and a text line for plain-text front ends.
 *
 * ```ts
 * const bundle = chartBundle(chart, await renderChart(chart));
 * Object.keys(bundle.data);   // ['image/png', 'application/vnd.vegalite.v5+json', 'text/plain']
 * ```
 */
export function chartBundle(chart: Chart, rendered: RenderedPng): DisplayBundle {
  return {
    data: {
      'image/png': Buffer.from(rendered.png.buffer, rendered.png.byteOffset, rendered.png.byteLength).toString(
        'base64',
      ),
      [VEGA_LITE_MIMETYPE]: chart.spec,
      'text/plain': `[${chart.kind}] ${chart.title} (${Math.round(rendered.width)}×${Math.round(rendered.height)} PNG; the Vega-Lite spec is chart.spec)`,
    },
    metadata: { 'image/png': { width: Math.round(rendered.width), height: Math.round(rendered.height) } },
  };
}

/**
 * Shows a chart under the running cell as a PNG, with its Vega-Lite spec in the same output. Returns nothing,
 * so that `await show(chart)` as a cell's last line prints nothing else (use `renderChart` for the bytes).
 *
 * ```ts
 * await show(similarityHeatmap({ values, rowLabels, columnLabels }));   // the heatmap appears under the cell
 * ```
 */
export async function show(chart: Chart, options: PngOptions = {}): Promise<void> {
  if (!currentDisplayWriter()) displayBundle({ data: {}, metadata: {} }); // throws the explanatory DisplayError
  const rendered = await renderChart(chart, options);
  displayBundle(chartBundle(chart, rendered));
}

/**
 * Shows a PNG (a file path or bytes) under the running cell, optionally at a given CSS width: a 2× PNG shown at
 * half its pixel width looks sharp. Like `show`, it renders in untrusted notebooks and in HTML exports.
 *
 * ```ts
 * showImage('assets/figures/fig-12-1-shared-embedding-space.png', { width: 900 });
 * ```
 */
export function showImage(png: string | Uint8Array, options: { width?: number; alt?: string } = {}): void {
  let bytes: Uint8Array;
  if (typeof png === 'string') {
    try {
      bytes = fs.readFileSync(png);
    } catch (err) {
      throw new DisplayError(
        `showImage: cannot read ${png}: ${(err as Error).message}. Paths are relative to the course root.`,
      );
    }
  } else {
    bytes = png;
  }
  const isPng = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!isPng) {
    throw new DisplayError(
      `showImage: ${typeof png === 'string' ? png : 'the bytes'} is not a PNG (no PNG signature). Convert it first, e.g. with sharp(…).png().`,
    );
  }
  const { width, alt } = options;
  if (width !== undefined && !(Number.isFinite(width) && width > 0)) {
    throw new DisplayError(`showImage: width = ${width}; give a positive number of CSS pixels.`);
  }
  displayBundle({
    data: {
      'image/png': Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      'text/plain': alt ?? (typeof png === 'string' ? `[image] ${png}` : '[image]'),
    },
    metadata: width ? { 'image/png': { width: Math.round(width) } } : {},
  });
}

const PLOTLY_FLAG = '__vlmCoursePlotlyInlined';

/**
 * Whether the next interactive view must carry plotly.js: true for the first one in a kernel session. The
 * flag lives on `globalThis`, so it survives tslab re-evaluating this module.
 */
function plotlyNeeded(): boolean {
  return !(globalThis as Record<string, unknown>)[PLOTLY_FLAG];
}

export interface Show3dOptions extends Scatter3dOptions {
  /**
   * Put plotly.js (≈ 4.8 MB) into this output: default true for the first 3-D view of the kernel session,
   * false after (the page has it already). Pass true if you cleared the first one's output.
   */
  includePlotly?: boolean;
  /** Camera for the static PNG, degrees. */
  azimuthDeg?: number;
  elevationDeg?: number;
}

/**
 * Shows 3-D points twice: a static PNG from a fixed camera (always visible, survives HTML export) and an
 * interactive Plotly view below it (drag to turn; only in a trusted notebook). Prints one line on trusting.
 *
 * ```ts
 * await show3d({ points: [{ x: 0.9, y: 0.1, z: 0.4, label: 'cat photo', modality: 'image' }, …], pairs: [[0, 1]] });
 * // Interactive 3-D view below (drag to turn). Empty? File → Trust Notebook, then run the cell again.
 * ```
 */
export async function show3d(options: Show3dOptions): Promise<void> {
  if (!currentDisplayWriter()) displayBundle({ data: {}, metadata: {} });
  const { includePlotly = plotlyNeeded(), azimuthDeg, elevationDeg, ...figure } = options;
  const html = scatter3dHtml(figure, { includePlotly });
  const staticChart = staticScatter3d({
    points: figure.points,
    pairs: figure.pairs,
    axisTitles: figure.axisTitles,
    title: figure.title ? `${figure.title} (static view)` : undefined,
    azimuthDeg,
    elevationDeg,
  });
  await show(staticChart);
  console.log('Interactive 3-D view below (drag to turn). Empty? File → Trust Notebook, then run the cell again.');
  displayBundle({
    data: {
      'text/html': html,
      'text/plain': '[interactive 3-D view: shown in a trusted notebook; the PNG above has the same points]',
    },
    metadata: {},
  });
  if (includePlotly) (globalThis as Record<string, unknown>)[PLOTLY_FLAG] = true;
}

function ensureParentDir(file: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (err) {
    throw new DisplayError(
      `Cannot create the folder for ${file}: ${(err as Error).message}. Choose a writable path, e.g. build/….`,
    );
  }
}

/**
 * Writes the chart's Vega-Lite spec as JSON (open it in the Vega editor, or edit and re-render it).
 *
 * ```ts
 * saveSpec(chart, 'build/heatmap.vl.json');   // → 'build/heatmap.vl.json'
 * ```
 */
export function saveSpec(chart: Chart, file: string): string {
  if (!chart || typeof chart.spec !== 'object')
    throw new DisplayError('saveSpec: expected a Chart with a `spec` (from lib/plots).');
  ensureParentDir(file);
  try {
    fs.writeFileSync(file, JSON.stringify(chart.spec, null, 2));
  } catch (err) {
    throw new DisplayError(`saveSpec: cannot write ${file}: ${(err as Error).message}.`);
  }
  return file;
}

/**
 * Writes the chart as a PNG file.
 *
 * ```ts
 * await savePng(chart, 'build/heatmap.png');   // → 'build/heatmap.png'
 * ```
 */
export async function savePng(chart: Chart, file: string, options: PngOptions = {}): Promise<string> {
  const { png } = await renderChart(chart, options);
  ensureParentDir(file);
  try {
    fs.writeFileSync(file, png);
  } catch (err) {
    throw new DisplayError(`savePng: cannot write ${file}: ${(err as Error).message}.`);
  }
  return file;
}
