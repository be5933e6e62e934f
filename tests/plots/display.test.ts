/**
 * The notebook display helper (one output holding the PNG and the Vega-Lite spec; the 3-D view as a static PNG
 * plus inline Plotly HTML), the Plotly figure, and Figure 12.1's committed PNG matching its SVG source.
 * tslab's display writer is replaced by a recorder, as the kernel would call it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { DisplayError, VEGA_LITE_MIMETYPE, saveSpec, savePng, show, show3d, showImage } from '../../lib/plots/display';
import type { DisplayBundle } from '../../lib/plots/display';
import { probabilityBars } from '../../lib/plots/index';
import type { Point3d } from '../../lib/plots/index';
import { plotlyFigure3d, scatter3dHtml } from '../../lib/plots/plotly3d';

const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };

let outputs: DisplayBundle[] = [];
function attachRecorder() {
  outputs = [];
  jupyter.lastWriteDisplayData = (content: DisplayBundle, update: boolean) => {
    expect(update).toBe(false);
    outputs.push({ data: content.data, metadata: content.metadata });
  };
}
afterEach(() => {
  jupyter.lastWriteDisplayData = null;
  delete (globalThis as Record<string, unknown>).__vlmCoursePlotlyInlined;
});

const bars = () => probabilityBars({ labels: ['a cat', 'a dog'], probabilities: [0.8, 0.2] });
const points: Point3d[] = [
  { x: 0.9, y: 0.1, z: 0.4, label: 'cat photo', modality: 'image' },
  { x: 0.8, y: 0.3, z: 0.5, label: '"a cat"', modality: 'text' },
  { x: -0.2, y: 0.9, z: 0.1, label: 'rocket </script><b>x</b>', modality: 'image' },
];

describe('show', () => {
  test('one output with the PNG (2× pixels, shown at its CSS size), the Vega-Lite spec and a text line', async () => {
    attachRecorder();
    const chart = bars();
    await show(chart);
    expect(outputs).toHaveLength(1);
    const [out] = outputs;
    expect(Object.keys(out.data).sort()).toEqual(['application/vnd.vegalite.v5+json', 'image/png', 'text/plain']);
    expect(out.data[VEGA_LITE_MIMETYPE]).toBe(chart.spec);
    const png = Buffer.from(out.data['image/png'] as string, 'base64');
    const meta = await sharp(png).metadata();
    const shown = out.metadata['image/png'] as { width: number; height: number };
    expect(meta.width).toBe(shown.width * 2);
    expect(Math.abs(meta.height! - shown.height * 2)).toBeLessThanOrEqual(1);
    expect(out.data['text/plain']).toContain('Zero-shot probabilities');
  });

  test('outside a tslab kernel: DisplayError that says how to save instead', async () => {
    jupyter.lastWriteDisplayData = null;
    await expect(show(bars())).rejects.toThrow(DisplayError);
    await expect(show(bars())).rejects.toThrow(/savePng/);
  });
});

describe('show3d', () => {
  test('a static PNG first, then the interactive HTML; plotly.js inline once per kernel session', async () => {
    attachRecorder();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await show3d({ points, pairs: [[0, 1]] });
      await show3d({ points, pairs: [[0, 1]] });
      expect(outputs).toHaveLength(4);
      expect(Object.keys(outputs[0].data)).toContain('image/png');
      expect(Object.keys(outputs[1].data).sort()).toEqual(['text/html', 'text/plain']);
      const first = outputs[1].data['text/html'] as string;
      const second = outputs[3].data['text/html'] as string;
      expect(first.length).toBeGreaterThan(4_000_000); // plotly.js itself
      expect(first).toContain('window.Plotly');
      expect(second.length).toBeLessThan(20_000);
      expect(second).toContain('Plotly.newPlot');
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/File → Trust Notebook/));
    } finally {
      log.mockRestore();
    }
  });
});

describe('the Plotly figure and its HTML', () => {
  test('one trace per modality and one of pair lines separated by nulls', () => {
    const fig = plotlyFigure3d({ points, pairs: [[0, 1]] });
    expect(fig.data.map((t) => t.name)).toEqual(['image', 'text', 'image ↔ caption']);
    expect(fig.data[0].x).toEqual([0.9, -0.2]);
    expect(fig.data[2].x).toEqual([0.9, 0.8, null]);
  });

  test('labels cannot end the script element early; the untrusted view keeps a note', () => {
    const html = scatter3dHtml({ points }, { includePlotly: false, elementId: 'fig3d' });
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('\\u003c/script\\u003e');
    expect(html).toMatch(
      /<div id="fig3d"[^>]*><p[^>]*>Interactive 3-D view: it appears here when the notebook is trusted/,
    );
    expect(() => scatter3dHtml({ points }, { includePlotly: false, elementId: 'x" onload="alert(1)' })).toThrow(
      /not a valid HTML id/,
    );
  });
});

describe('showImage, saveSpec, savePng', () => {
  test('showImage sends a PNG with its display width; non-PNG input is refused', () => {
    attachRecorder();
    showImage('assets/figures/fig-12-1-shared-embedding-space.png', { width: 900 });
    expect(outputs[0].metadata).toEqual({ 'image/png': { width: 900 } });
    expect(() => showImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/not a PNG/);
    expect(() => showImage('assets/figures/no-such-file.png')).toThrow(DisplayError);
  });

  test('saveSpec writes the spec as JSON and savePng a PNG', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-plots-'));
    try {
      const chart = bars();
      const specFile = saveSpec(chart, path.join(dir, 'sub', 'bars.vl.json'));
      expect(JSON.parse(fs.readFileSync(specFile, 'utf8'))).toEqual(chart.spec);
      const pngFile = await savePng(chart, path.join(dir, 'bars.png'), { scale: 1 });
      expect((await sharp(pngFile).metadata()).format).toBe('png');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Figure 12.1', () => {
  test('the committed PNG is the SVG source rendered at 2× (re-render with the command in assets/figures/README.md)', async () => {
    const svgPath = 'assets/figures/fig-12-1-shared-embedding-space.svg';
    const pngPath = 'assets/figures/fig-12-1-shared-embedding-space.png';
    const rendered = await sharp(svgPath, { density: 144 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const committed = await sharp(pngPath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([committed.info.width, committed.info.height]).toEqual([rendered.info.width, rendered.info.height]);
    let diff = 0;
    for (let i = 0; i < rendered.data.length; i++) diff += Math.abs(rendered.data[i] - committed.data[i]);
    expect(diff / rendered.data.length).toBeLessThan(2); // mean difference per channel, out of 255
  });
});
