/**
 * Label placement, measured where Vega actually draws: every point label of every scatter chart (the test
 * charts and the ones notebook 01 shows) is visible, inside the plot, and off the other labels, the points and the
 * legend; the static 3-D view's axis titles are inside the plot, clear of their axis lines, labels and points.
 *
 * Label placement: Vega's own `label` transform (vega-label, in vega 5.33) was measured on the same charts
 * with the same checks before keeping the course's placer (lib/plots/labels.ts); the numbers are in that file's
 * header.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { projectionScatter } from '../../lib/plots/index';
import { chartView } from '../../lib/plots/render';
import type { Chart } from '../../lib/plots/index';
import { crowdedEmbeddingScatter, notebook01Scatters, twoPairScatter } from './fixtures';
import { overlapArea, sceneOf, sceneOfView } from './scene';
import type { SceneItem } from './scene';

const edgeCase = () =>
  projectionScatter({
    points: [
      { x: 0.99, y: 0.5, label: 'a long image label near the edge', modality: 'image' },
      { x: 1.0, y: 0.48, label: 'a long caption near the edge', modality: 'text' },
      { x: -1, y: -1, label: 'far', modality: 'image' },
    ],
    pairs: [[0, 1]],
  });
const testScatter = twoPairScatter;

const scatters: Array<[string, () => Chart]> = [
  ['two pairs with vectors and the unit circle', testScatter],
  ['a close pair at the right edge', edgeCase],
  ...notebook01Scatters,
  ['ten image–caption pairs (PCA)', crowdedEmbeddingScatter],
];

const isLabel = (i: SceneItem) =>
  i.role === 'mark' && i.marktype === 'text' && 'label' in i.datum && 'modality' in i.datum;
const isPoint = (i: SceneItem) => i.role === 'mark' && i.marktype === 'symbol' && 'modality' in i.datum;
const isLegend = (i: SceneItem) => i.role === 'legend-symbol' || i.role === 'legend-label';
const describe2 = (i: SceneItem) =>
  `${i.text ?? i.datum.label} [${[i.x1, i.y1, i.x2, i.y2].map((v) => v.toFixed(0)).join(', ')}]`;

describe('point labels, where Vega draws them', () => {
  test.each(scatters)(
    '%s: every label visible, inside the plot, off the other labels, the points and the legend',
    async (_name, make) => {
      const { items, plot } = await sceneOf(make());
      const labels = items.filter(isLabel);
      const points = items.filter(isPoint);
      const legend = items.filter(isLegend);
      expect(points.length).toBeGreaterThan(1);
      expect(labels).toHaveLength(points.length); // one label per point, none dropped
      const problems: string[] = [];
      labels.forEach((l, i) => {
        if (l.opacity === 0 || !l.text || !(l.x2 > l.x1 && l.y2 > l.y1))
          problems.push(`${describe2(l)} is hidden or has no box`);
        if (l.x1 < plot.x1 - 1 || l.x2 > plot.x2 + 1 || l.y1 < plot.y1 - 1 || l.y2 > plot.y2 + 1)
          problems.push(`${describe2(l)} leaves the plot`);
        labels
          .slice(i + 1)
          .forEach((m) => overlapArea(l, m) > 1 && problems.push(`${describe2(l)} overlaps label ${describe2(m)}`));
        points.forEach(
          (p) => overlapArea(l, p) > 1 && problems.push(`${describe2(l)} overlaps the point of ${p.datum.label}`),
        );
        legend.forEach((g) => overlapArea(l, g) > 1 && problems.push(`${describe2(l)} overlaps the legend`));
      });
      expect(problems).toEqual([]);
    },
  );

  test('a close image–caption pair: the higher point labelled above, the lower one below; near the right edge, labels extend left', async () => {
    const { items } = await sceneOf(edgeCase());
    const labelOf = (name: string) => items.find((i) => isLabel(i) && i.datum.label === name)!;
    const pointOf = (name: string) => items.find((i) => isPoint(i) && i.datum.label === name)!;
    const image = 'a long image label near the edge';
    const caption = 'a long caption near the edge';
    expect(labelOf(image).y2).toBeLessThanOrEqual(pointOf(image).y); // above its point's centre
    expect(labelOf(caption).y1).toBeGreaterThanOrEqual(pointOf(caption).y); // below its point's centre
    expect(labelOf(image).x2).toBeLessThanOrEqual(pointOf(image).x1 + 1);
    expect(labelOf('far').x1).toBeGreaterThanOrEqual(pointOf('far').x2 - 1);
  });
});

describe('the static 3-D view', () => {
  test("notebook 01's chart: each axis title inside the plot, past the end of its axis line, off the labels and points", async () => {
    const chart = notebook01Scatters.find(([name]) => name.includes('3-D'))![1]();
    const { items, plot } = await sceneOf(chart);
    const titles = items.filter(
      (i) => i.role === 'mark' && i.marktype === 'text' && 'axis' in i.datum && 'text' in i.datum,
    );
    expect(titles.map((t) => t.text).sort()).toEqual(['animal', 'indoors', 'object']);
    const others = items.filter((i) => isLabel(i) || isPoint(i) || isLegend(i));
    for (const t of titles) {
      expect([t.x1 >= plot.x1 - 1, t.x2 <= plot.x2 + 1, t.y1 >= plot.y1 - 1, t.y2 <= plot.y2 + 1]).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(others.filter((o) => overlapArea(t, o) > 1).map(describe2)).toEqual([]);
      // the axis line, from its negative to its positive end, never enters the title's box
      const ends = items
        .filter((i) => i.marktype === 'line' && i.datum.axis === t.text)
        .sort((a, b) => Number(a.datum.end) - Number(b.datum.end));
      expect(ends).toHaveLength(2);
      const inside = Array.from({ length: 201 }, (_, k) => k / 200).filter((f) => {
        const x = ends[0].x + (ends[1].x - ends[0].x) * f;
        const y = ends[0].y + (ends[1].y - ends[0].y) * f;
        return x > t.x1 && x < t.x2 && y > t.y1 && y < t.y2;
      });
      expect(inside).toEqual([]);
    }
  });
});

describe("why the course places labels itself (lib/plots/labels.ts's header)", () => {
  test("Vega's label transform cannot run in Node without a canvas: its labels all land at the plot's corner, unsized", async () => {
    // If this fails, a canvas became available (the `canvas` package): measure vega-label again before keeping the placer.
    const chart = testScatter();
    chartView(chart).finalize(); // installs the chart font's text widths, as rendering does
    const spec = vegaLite.compile(chart.spec).spec as {
      marks: Array<{ type: string; name: string; encode?: unknown }>;
    };
    const point = spec.marks.find((m) => m.type === 'symbol' && JSON.stringify(m.encode).includes('modality'))!;
    spec.marks = spec.marks.filter((m) => !(m.type === 'text' && JSON.stringify(m.encode).includes('"field":"label"')));
    spec.marks.push({
      type: 'text',
      name: 'vega_labels',
      from: { data: point.name },
      encode: { enter: { text: { field: 'datum.label' }, fontSize: { value: 12 } } },
      transform: [{ type: 'label', size: { signal: '[width, height]' }, avoidBaseMark: true }],
    } as never);
    const errors: string[] = [];
    const logger = {
      ...vega.logger(vega.Warn),
      error: (...args: unknown[]) => (errors.push(String(args[0])), logger),
    } as unknown as vega.LoggerInterface;
    const { items } = await sceneOfView(new vega.View(vega.parse(spec as never), { renderer: 'none', logger }));
    const labels = items.filter((i) => i.name === 'vega_labels');
    expect(labels).toHaveLength(4);
    expect(errors.join(' ')).toMatch(/getContext/);
    for (const l of labels) expect([l.x2 > l.x1, l.y2 > l.y1]).toEqual([false, false]);
  });
});
