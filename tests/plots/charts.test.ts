/**
 * Every chart type is rendered to PNG and checked not to be blank; the specs are checked for what each chart
 * promises (best match outlined, bars sorted, pairs joined); bad input raises PlotInputError.
 */
import { execFileSync } from 'child_process';
import sharp from 'sharp';
import {
  CHART_FONT,
  Chart,
  ChartRenderError,
  PlotInputError,
  cameraProject,
  chartToSvg,
  embeddingScatter,
  lineChart,
  probabilityBars,
  projectionScatter,
  renderChart,
  similarityHeatmap,
  staticScatter3d,
} from '../../lib/plots/index';
import { textWidth } from '../../lib/plots/text-metrics';
import { sceneOf } from './scene';
import { smallBars, smallHeatmap, twoPairScatter } from './fixtures';

/** The values of the data rows a layer (or the top level) of a Vega-Lite spec carries. */
function specRows(chart: Chart): Array<Record<string, unknown>> {
  const spec = chart.spec as { data?: { values?: unknown[] }; layer?: Array<{ data?: { values?: unknown[] } }> };
  const rows = [...(spec.data?.values ?? []), ...(spec.layer ?? []).flatMap((l) => l.data?.values ?? [])];
  return rows as Array<Record<string, unknown>>;
}

/** Distinct colours (quantised to 4 bits per channel) and the share of non-white pixels inside the given box. */
async function pixelStats(png: Uint8Array, box: { left: number; top: number; width: number; height: number }) {
  const { data, info } = await sharp(png).extract(box).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colours = new Set<number>();
  let ink = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
    if (r < 235 || g < 235 || b < 235) ink++;
  }
  return { colours: colours.size, inkShare: ink / (info.width * info.height) };
}

const heatmap = smallHeatmap;
const bars = smallBars;
const scatter = twoPairScatter;
const embedded = () =>
  embeddingScatter({
    imageEmbeddings: [
      [1, 0, 0, 0.2],
      [0, 1, 0, 0.1],
      [0, 0, 1, 0],
    ],
    imageLabels: ['cat', 'rocket', 'coffee'],
    textEmbeddings: [
      [0.9, 0.1, 0, 0.3],
      [0.1, 0.8, 0.1, 0],
      [0, 0.2, 0.9, 0.1],
    ],
    textLabels: ['a cat', 'a rocket', 'a coffee'],
  });
const curves = () =>
  lineChart({
    series: [
      { name: 'train loss', y: [2.1, 1.5, 1.1, 0.8] },
      { name: 'validation loss', y: [2.2, 1.7, 1.3, 1.2] },
    ],
    xTitle: 'epoch',
    yTitle: 'loss',
  });
const static3d = () =>
  staticScatter3d({
    points: [
      { x: 1, y: 0.2, z: 0.1, label: 'cat photo', modality: 'image' },
      { x: 0.8, y: 0.4, z: 0.3, label: '"a cat"', modality: 'text' },
      { x: -0.3, y: 1, z: -0.2, label: 'rocket', modality: 'image' },
    ],
    pairs: [[0, 1]],
  });

describe('the chart font', () => {
  test(`"${CHART_FONT}" is installed (Debian package fonts-dejavu-core), else chart text renders as boxes`, () => {
    const families = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8' });
    expect(families).toMatch(new RegExp(CHART_FONT));
  });

  test('text in a rendered chart is as wide as DejaVu Sans draws it (font found, not a fallback)', async () => {
    const label = 'Zero-shot probabilities of a photo';
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="60"><rect width="600" height="60" fill="white"/>` +
      `<text x="10" y="40" font-family="${CHART_FONT}" font-size="20">${label}</text></svg>`;
    const { info } = await sharp(Buffer.from(svg)).trim().toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThan(textWidth(label, 20) * 0.93);
    expect(info.width).toBeLessThan(textWidth(label, 20) * 1.03);
  });
});

describe('every chart type renders to a PNG that is not blank', () => {
  const cases: Array<[string, () => Chart, number]> = [
    ['similarity heatmap', heatmap, 8],
    ['probability bars', bars, 4],
    ['projection scatter', scatter, 6],
    ['embedding scatter (PCA)', embedded, 6],
    ['line chart', curves, 5],
    ['static 3-D scatter', static3d, 5],
  ];
  test.each(cases)('%s', async (_name, make, minColours) => {
    const chart = make();
    const { png, width, height, scale } = await renderChart(chart);
    expect(Array.from(png.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const meta = await sharp(png).metadata();
    expect(meta.width).toBe(Math.round(width * scale));
    expect(meta.height).toBe(Math.round(height * scale));
    expect(width).toBeGreaterThan(250);
    expect(height).toBeGreaterThan(150);
    // the chart area: below the title, inside the padding
    const top = Math.round(60 * scale);
    const box = {
      left: Math.round(12 * scale),
      top,
      width: meta.width! - Math.round(24 * scale),
      height: meta.height! - top - Math.round(12 * scale),
    };
    const stats = await pixelStats(png, box);
    expect(stats.colours).toBeGreaterThanOrEqual(minColours);
    expect(stats.inkShare).toBeGreaterThan(0.008); // a blank chart area has none
  });

  test('scale 1 gives a PNG of the CSS size', async () => {
    const { png, width, height } = await renderChart(bars(), { scale: 1 });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([Math.round(width), Math.round(height)]);
  });
});

describe('what each chart shows', () => {
  test('heatmap: one best cell per row, at the row maximum; values annotated with 2 decimals', async () => {
    const rows = specRows(heatmap()).filter((r) => 'value' in r);
    expect(rows).toHaveLength(9);
    const best = rows.filter((r) => r.best).map((r) => [r.row, r.column]);
    expect(best).toEqual([
      ['chelsea.png', 'a photo of a cat'],
      ['rocket.jpg', 'a rocket launch'],
      ['coffee.png', 'a rocket launch'],
    ]);
    const svg = await chartToSvg(heatmap());
    for (const v of ['0.31', '0.12', '0.26', '0.21']) expect(svg).toContain(`>${v}</text>`);
  });

  test('heatmap: best per column for text → image retrieval', () => {
    const chart = similarityHeatmap({
      values: [
        [0.9, 0.1],
        [0.8, 0.2],
      ],
      rowLabels: ['a', 'b'],
      columnLabels: ['x', 'y'],
      best: 'column',
    });
    expect(
      specRows(chart)
        .filter((r) => r.best)
        .map((r) => [r.row, r.column]),
    ).toEqual([
      ['a', 'x'],
      ['b', 'y'],
    ]);
  });

  test('bars: sorted high to low, only the winner highlighted, percentages printed', async () => {
    const rows = specRows(bars());
    expect(rows.map((r) => r.label)).toEqual(['a cat', 'a dog', 'a rocket']);
    expect(rows.map((r) => r.winner)).toEqual([true, false, false]);
    const svg = await chartToSvg(bars());
    expect(svg).toContain('>70.0%</text>');
    expect(svg).toContain('winner: a cat (70.0%)');
  });

  test('scatter: one dashed segment per pair, from the image to its caption', () => {
    const segs = specRows(scatter()).filter((r) => 'pair' in r);
    expect(segs).toEqual([
      { pair: 0, end: 0, x: 0.95, y: 0.31 },
      { pair: 0, end: 1, x: 0.8, y: 0.6 },
      { pair: 1, end: 0, x: -0.2, y: 0.98 },
      { pair: 1, end: 1, x: -0.5, y: 0.87 },
    ]);
  });

  // where labels land (off each other, the points, the legend and the edges): tests/plots/labels.test.ts

  test('embedding scatter: PCA coordinates, pairs image i ↔ text i, variance shares in the axis titles', () => {
    const chart = embedded();
    const points = specRows(chart).filter((r) => 'modality' in r && 'label' in r && !('x0' in r));
    const labels = [...new Set(points.map((p) => p.label))];
    expect(labels).toEqual(['cat', 'rocket', 'coffee', 'a cat', 'a rocket', 'a coffee']);
    expect(specRows(chart).filter((r) => 'pair' in r)).toHaveLength(6);
    expect(JSON.stringify(chart.spec)).toMatch(/PC1 \(\d+% of variance\)/);
  });

  test('line chart: x defaults to 1…n, one colour per series', () => {
    const rows = specRows(curves());
    expect(rows.filter((r) => r.series === 'train loss').map((r) => r.x)).toEqual([1, 2, 3, 4]);
    expect(new Set(rows.map((r) => r.series)).size).toBe(2);
  });

  test('line chart: log axes for x spaced by factors and y with an outlier; ticks at the x values; titles say so', async () => {
    const chart = lineChart({
      series: [
        { name: 'fp32', x: [1, 8, 32], y: [5.9, 0.81, 0.74] },
        { name: 'q8', x: [1, 8, 32], y: [1.1, 0.7, 0.69] },
      ],
      logX: true,
      logY: true,
      xTitle: 'batch size',
      yTitle: 'ms per image',
    });
    const enc = (
      chart.spec as unknown as {
        encoding: Record<string, { scale: { type?: string }; axis: { values?: number[] }; title: string }>;
      }
    ).encoding;
    expect([enc.x.scale.type, enc.y.scale.type]).toEqual(['log', 'log']);
    expect(enc.x.axis.values).toEqual([1, 8, 32]);
    const svg = await chartToSvg(chart);
    expect(svg).toContain('batch size (log scale)');
    expect(svg).toContain('ms per image (log scale)');
    for (const tick of ['1', '8', '32']) expect(svg).toContain(`>${tick}</text>`);
  });

  test('line chart: an outlier 6× the rest flattens them on a linear y axis (under 10% of the height), not on a log one (over 15%)', async () => {
    const series = [
      { name: 'a', x: [1, 8, 32], y: [5.9, 0.81, 0.74] },
      { name: 'b', x: [1, 8, 32], y: [0.95, 0.56, 0.6] },
    ];
    const spread = async (logY: boolean) => {
      const { items, plot } = await sceneOf(lineChart({ series, logY }));
      const ys = items.filter((i) => i.role === 'mark' && i.marktype === 'symbol' && i.datum.y !== 5.9).map((i) => i.y);
      return (Math.max(...ys) - Math.min(...ys)) / (plot.y2 - plot.y1);
    };
    const [linear, log] = [await spread(false), await spread(true)];
    expect(linear).toBeLessThan(0.1);
    expect(log).toBeGreaterThan(0.15);
  });

  test('cameraProject: azimuth 0 and elevation 0 looks along +y (x right, z up)', () => {
    const p = cameraProject([1, 2, 3], 0, 0);
    expect(p.u).toBeCloseTo(1, 12);
    expect(p.v).toBeCloseTo(3, 12);
    expect(p.depth).toBeCloseTo(2, 12);
    const q = cameraProject([0, 0, 1], 30, 90); // from straight above: z is depth
    expect(q.depth).toBeCloseTo(1, 12);
  });
});

describe('bad input gets a typed error that names the problem', () => {
  test.each([
    [
      'ragged heatmap',
      () => similarityHeatmap({ values: [[1, 2], [3]], rowLabels: ['a', 'b'], columnLabels: ['x', 'y'] }),
      /row 1 has 1 values/,
    ],
    [
      'heatmap label count',
      () => similarityHeatmap({ values: [[1, 2]], rowLabels: ['a'], columnLabels: ['x'] }),
      /1 labels for 2 columns/,
    ],
    [
      'NaN in heatmap',
      () => similarityHeatmap({ values: [[1, NaN]], rowLabels: ['a'], columnLabels: ['x', 'y'] }),
      /entry 1 is NaN/,
    ],
    [
      'probability > 1',
      () => probabilityBars({ labels: ['a', 'b'], probabilities: [3.2, -1] }),
      /outside \[0, 1\].*softmax/,
    ],
    [
      'pair out of range',
      () => projectionScatter({ points: [{ x: 0, y: 0, label: 'a', modality: 'image' }], pairs: [[0, 4]] }),
      /refers to point 4/,
    ],
    [
      'bad modality',
      () => projectionScatter({ points: [{ x: 0, y: 0, label: 'a', modality: 'audio' as 'image' }] }),
      /modality "audio"/,
    ],
    ['empty line series', () => lineChart({ series: [{ name: 'loss', y: [] }] }), /has no values/],
    ['log of zero', () => lineChart({ series: [{ name: 'loss', y: [1, 0] }], logY: true }), /logarithmic/],
    [
      'log of x = 0',
      () => lineChart({ series: [{ name: 'loss', x: [0, 1], y: [1, 2] }], logX: true }),
      /x value ≤ 0.*logX: false/,
    ],
    ['empty colour', () => lineChart({ series: [{ name: 'loss', y: [1, 2], colour: ' ' }] }), /CSS colour/],
    [
      'embeddings of two sizes',
      () =>
        embeddingScatter({
          imageEmbeddings: [[1, 2]],
          imageLabels: ['a'],
          textEmbeddings: [[1, 2, 3]],
          textLabels: ['b'],
        }),
      /same dimension/,
    ],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name === 'PlotInputError' || (err as Error).name === 'ProjectionInputError').toBe(true);
    }
  });

  test('a broken hand-edited spec gives ChartRenderError', async () => {
    await expect(
      chartToSvg({ kind: 'line-chart', title: 'broken', spec: { mark: 'nonsense' } as never }),
    ).rejects.toBeInstanceOf(ChartRenderError);
  });

  test('PlotInputError is exported as a class', () => {
    expect(() => probabilityBars({ labels: [], probabilities: [] })).toThrow(PlotInputError);
  });
});
