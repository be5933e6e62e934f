/**
 * The course's one interactive chart: image and text embeddings as a 3-D scatter you can turn with the mouse,
 * drawn by Plotly in the notebook page. No CDN: plotly.js (the `plotly.js-dist-min` package, about 4.8 MB) is
 * put inline into the output, once per kernel session (see `scatter3dHtml`).
 *
 * Jupyter shows this HTML only in a trusted notebook (your own live outputs are trusted; a notebook opened
 * with someone else's saved outputs is not, until File → Trust Notebook). `show3d` in `lib/plots/display.ts` shows a
 * static PNG of the same points first, so there is always a picture.
 *
 * ```ts
 * const figure = plotlyFigure3d({ points: [{ x: 1, y: 0, z: 0, label: 'cat', modality: 'image' }] });
 * figure.data[0].type;   // 'scatter3d'
 * ```
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import { CHART_COLOURS, PlotInputError } from './common';
import type { Point3d } from './scatter3d';

export interface Scatter3dOptions {
  points: ReadonlyArray<Point3d>;
  /** Pairs of point indices joined by a line (an image and its caption). */
  pairs?: ReadonlyArray<readonly [number, number]>;
  title?: string;
  axisTitles?: readonly [string, string, string];
  /** Height of the view in pixels, default 520. */
  height?: number;
}

/** A Plotly figure: traces and layout, plain JSON. */
export interface PlotlyFigure {
  data: Array<Record<string, unknown> & { type: string; name: string }>;
  layout: Record<string, unknown>;
}

/**
 * The Plotly figure for a 3-D scatter: one trace per modality (squares for images, circles for texts, the
 * label next to each point) and one trace of dashed lines joining the pairs.
 *
 * ```ts
 * plotlyFigure3d({ points, pairs: [[0, 1]] }).data.map((t) => t.name);   // ['image', 'text', 'image ↔ caption']
 * ```
 */
export function plotlyFigure3d(options: Scatter3dOptions): PlotlyFigure {
  const { points, title = 'Embeddings in 3-D (drag to turn, scroll to zoom)', height = 520 } = options;
  const axisTitles = options.axisTitles ?? ['x', 'y', 'z'];
  if (!Array.isArray(points) || points.length === 0) {
    throw new PlotInputError('plotlyFigure3d: `points` must be a non-empty array of { x, y, z, label, modality }.');
  }
  points.forEach((p, i) => {
    if (![p?.x, p?.y, p?.z].every(Number.isFinite)) {
      throw new PlotInputError(
        `plotlyFigure3d: point ${i} is (${p?.x}, ${p?.y}, ${p?.z}); all three coordinates must be finite.`,
      );
    }
    if (p.modality !== 'image' && p.modality !== 'text') {
      throw new PlotInputError(
        `plotlyFigure3d: point ${i} has modality ${JSON.stringify(p.modality)}; use 'image' or 'text'.`,
      );
    }
  });
  const pairs = options.pairs ?? [];
  pairs.forEach(([a, b], k) => {
    if (![a, b].every((i) => Number.isInteger(i) && i >= 0 && i < points.length)) {
      throw new PlotInputError(`plotlyFigure3d: pair ${k} is [${a}, ${b}] but there are ${points.length} points.`);
    }
  });
  const data: PlotlyFigure['data'] = (['image', 'text'] as const)
    .map((modality) => {
      const ps = points.filter((p) => p.modality === modality);
      return {
        type: 'scatter3d',
        mode: 'markers+text',
        name: modality,
        x: ps.map((p) => p.x),
        y: ps.map((p) => p.y),
        z: ps.map((p) => p.z),
        text: ps.map((p) => p.label),
        textposition: 'top center',
        hovertemplate: '%{text}<br>(%{x:.2f}, %{y:.2f}, %{z:.2f})<extra>' + modality + '</extra>',
        marker: {
          size: 6,
          color: CHART_COLOURS[modality],
          symbol: modality === 'image' ? 'square' : 'circle',
          line: { color: 'white', width: 1 },
        },
      };
    })
    .filter((t) => t.x.length > 0);
  if (pairs.length) {
    // one trace for all pairs: segments separated by nulls
    const seg = (k: 'x' | 'y' | 'z') => pairs.flatMap(([a, b]) => [points[a][k], points[b][k], null]);
    data.push({
      type: 'scatter3d',
      mode: 'lines',
      name: 'image ↔ caption',
      x: seg('x'),
      y: seg('y'),
      z: seg('z'),
      hoverinfo: 'skip',
      line: { color: '#555555', width: 3, dash: 'dash' },
    });
  }
  const axis = (title: string) => ({ title: { text: title }, zerolinecolor: '#888888', gridcolor: '#dddddd' });
  return {
    data,
    layout: {
      title: { text: title, x: 0.02, font: { size: 15 } },
      height,
      margin: { l: 0, r: 0, t: 40, b: 0 },
      legend: { x: 0, y: 0.95 },
      font: { family: 'DejaVu Sans, sans-serif' },
      scene: { xaxis: axis(axisTitles[0]), yaxis: axis(axisTitles[1]), zaxis: axis(axisTitles[2]), aspectmode: 'cube' },
    },
  };
}

/** Where plotly.js is on disk (from the installed `plotly.js-dist-min` package). */
export function plotlyScriptPath(): string {
  return require.resolve('plotly.js-dist-min');
}

/** JSON safe to put inside a <script> element (no "</script>", no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface Scatter3dHtmlOptions {
  /** Put plotly.js itself into this HTML (about 4.8 MB). Needed once per page; see `show3d` for the policy. */
  includePlotly: boolean;
  /** The id of the element the chart is drawn in; default a random one. */
  elementId?: string;
}

/**
 * A self-contained HTML fragment that draws the figure with Plotly, no network. Without `includePlotly`, it
 * expects `window.Plotly` from an earlier output in the same page and says so in the page when it is missing.
 * In an untrusted notebook Jupyter strips the scripts and only the text note inside the element remains.
 *
 * ```ts
 * const html = scatter3dHtml({ points }, { includePlotly: true });
 * html.length;   // ≈ 4.8 million characters (plotly.js inline)
 * ```
 */
export function scatter3dHtml(figureOptions: Scatter3dOptions, options: Scatter3dHtmlOptions): string {
  const figure = plotlyFigure3d(figureOptions);
  const id = options.elementId ?? `vlm-plotly-${randomBytes(6).toString('hex')}`;
  if (!/^[A-Za-z][\w-]*$/.test(id)) {
    throw new PlotInputError(
      `scatter3dHtml: elementId ${JSON.stringify(id)} is not a valid HTML id; use letters, digits, - and _.`,
    );
  }
  const height = (figure.layout.height as number) ?? 520;
  const parts: string[] = [
    `<div id="${id}" class="vlm-plotly-3d" style="width:100%;max-width:760px;height:${height}px;">` +
      '<p style="color:#555;font-style:italic">Interactive 3-D view: it appears here when the notebook is trusted ' +
      '(File → Trust Notebook, then run the cell again). The static picture above shows the same points.</p></div>',
  ];
  if (options.includePlotly) {
    let bundle: string;
    try {
      bundle = fs.readFileSync(plotlyScriptPath(), 'utf8');
    } catch (err) {
      throw new PlotInputError(
        `scatter3dHtml: cannot read plotly.js (${(err as Error).message}). Run \`npm run setup\` to install the course's dependencies.`,
      );
    }
    // a literal "</script" inside the bundle would end the element early
    parts.push(`<script type="text/javascript">${bundle.replace(/<\/script/gi, '<\\/script')}</script>`);
  }
  parts.push(
    '<script type="text/javascript">(function () {' +
      `var el = document.getElementById(${scriptJson(id)});` +
      'if (!el) return;' +
      'if (!window.Plotly) { el.innerHTML = "<p style=\\"color:#b00\\">plotly.js is not loaded in this page (it is put into the first 3-D view of a kernel session). ' +
      'Restart the kernel and run all cells to see this view.</p>"; el.style.height = "auto"; return; }' +
      'el.innerHTML = "";' +
      `window.Plotly.newPlot(el, ${scriptJson(figure.data)}, ${scriptJson(figure.layout)}, {responsive: true, displaylogo: false});` +
      '})();</script>',
  );
  return parts.join('\n');
}
