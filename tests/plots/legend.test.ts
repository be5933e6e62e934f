/**
 * Every chart's legend against its data, where Vega draws them: for each builder, each legend entry's colour is
 * the colour that series was meant to have (a line series' own `colour`, else the palette in order; images and
 * texts in CHART_COLOURS.image and CHART_COLOURS.text), and every mark of that series is drawn in it. Charts without a
 * categorical legend are checked for what stands in for one (the heatmap's gradient, the bars' highlighted winner).
 */
import { CHART_COLOURS, SERIES_PALETTE } from '../../lib/plots/index';
import type { Chart } from '../../lib/plots/index';
import { everyBuilder } from './fixtures';
import { sceneOf } from './scene';
import type { SceneItem } from './scene';

/** A CSS colour (#rgb, #rrggbb or rgb(r, g, b)) as 'r,g,b', so that equal colours compare equal. */
function rgb(colour: unknown): string {
  const s = String(colour).trim().toLowerCase();
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(s);
  if (m)
    return m
      .slice(1)
      .map((h) => parseInt(h + h, 16))
      .join(',');
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(s);
  if (m)
    return m
      .slice(1)
      .map((h) => parseInt(h, 16))
      .join(',');
  m = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(s);
  if (m) return m.slice(1).map(Number).join(',');
  throw new Error(`not a colour this test reads: ${s}`);
}

const byModality = { image: CHART_COLOURS.image, text: CHART_COLOURS.text };
const P = SERIES_PALETTE;
/** What each categorical legend should say: series name → intended colour, per chart of `everyBuilder`. */
const intended: Record<string, { key: 'series' | 'modality'; colours: Record<string, string> }> = {
  '01 toy space, raw vectors': { key: 'modality', colours: byModality },
  '01 toy space, normalised': { key: 'modality', colours: byModality },
  '01 static 3-D view': { key: 'modality', colours: byModality },
  'embedding scatter (PCA)': { key: 'modality', colours: byModality },
  'line chart, palette colours': {
    key: 'series',
    colours: { 'train loss': P[0], 'validation loss': P[1], third: P[2] },
  },
  'line chart, own colours (notebook 06)': {
    key: 'series',
    colours: {
      'red circle': 'rgb(220, 35, 35)',
      'blue star': 'rgb(35, 75, 225)',
      'yellow triangle': 'rgb(235, 205, 25)',
      unnamed: P[0],
    },
  },
  'line chart, log axes (notebook 05)': { key: 'series', colours: { fp32: P[0], fp16: P[1], q8: P[2] } },
};

/** The colour a data mark is drawn in: a line's or rule's stroke, a symbol's or bar's fill. */
const markColour = (i: SceneItem) => (i.marktype === 'line' || i.marktype === 'rule' ? i.stroke : i.fill);

describe('every chart builder: the legend matches the data', () => {
  test('every chart of the list is checked', () => {
    const names = everyBuilder.map(([n]) => n);
    expect(names.filter((n) => !(n in intended)).sort()).toEqual(['probability bars', 'similarity heatmap']);
    expect(new Set(everyBuilder.map(([, make]) => make().kind))).toEqual(
      new Set(['similarity-heatmap', 'probability-bars', 'projection-scatter', 'scatter-3d-static', 'line-chart']),
    );
  });

  test.each(everyBuilder.filter(([n]) => n in intended))(
    "%s: each legend entry in its series' intended colour, every mark of it too",
    async (name, make) => {
      const { key, colours } = intended[name];
      const { items } = await sceneOf((make as () => Chart)());
      const symbols = items.filter((i) => i.role === 'legend-symbol');
      const legend = Object.fromEntries(symbols.map((s) => [String(s.datum.value), rgb(s.fill)]));
      const marks = items.filter((i) => i.role === 'mark' && i.marktype !== 'text' && typeof i.datum[key] === 'string');
      const seriesInData = [...new Set(marks.map((m) => String(m.datum[key])))].sort();
      // the legend names exactly the series drawn, each in its intended colour
      expect(Object.keys(legend).sort()).toEqual(seriesInData);
      expect(legend).toEqual(Object.fromEntries(Object.entries(colours).map(([n, c]) => [n, rgb(c)])));
      // and every mark of a series is drawn in its legend colour
      const wrong = marks.filter((m) => rgb(markColour(m)) !== legend[String(m.datum[key])]);
      expect(wrong.map((m) => `${m.marktype} of ${m.datum[key]} drawn ${markColour(m)}`)).toEqual([]);
      expect(marks.length).toBeGreaterThanOrEqual(seriesInData.length);
    },
  );

  test("similarity heatmap: the gradient legend runs from the lowest cell's colour to the highest's, darker for larger values", async () => {
    const make = everyBuilder.find(([n]) => n === 'similarity heatmap')![1];
    const { items } = await sceneOf(make());
    const cells = items
      .filter((i) => i.role === 'mark' && i.marktype === 'rect' && typeof i.datum.value === 'number' && i.fill)
      .sort((a, b) => Number(a.datum.value) - Number(b.datum.value));
    expect(cells).toHaveLength(9);
    const gradient = items.find((i) => i.role === 'legend-gradient')!.fill as unknown as {
      stops: Array<{ offset: number; color: string }>;
    };
    expect(rgb(cells[0].fill)).toBe(rgb(gradient.stops[0].color));
    expect(rgb(cells[cells.length - 1].fill)).toBe(rgb(gradient.stops[gradient.stops.length - 1].color));
    const lightness = cells.map((c) =>
      rgb(c.fill)
        .split(',')
        .map(Number)
        .reduce((a, b) => a + b, 0),
    );
    lightness.slice(1).forEach((l, i) => expect(l).toBeLessThanOrEqual(lightness[i]));
  });

  test('probability bars: no legend; the winner (named in the subtitle) in the highlight colour, the rest muted', async () => {
    const make = everyBuilder.find(([n]) => n === 'probability bars')![1];
    const { items } = await sceneOf(make());
    expect(items.filter((i) => i.role.startsWith('legend'))).toEqual([]);
    const bars = items.filter((i) => i.role === 'mark' && i.marktype === 'rect');
    expect(bars.map((b) => [b.datum.label, rgb(b.fill)])).toEqual([
      ['a cat', rgb(CHART_COLOURS.highlight)],
      ['a dog', rgb(CHART_COLOURS.muted)],
      ['a rocket', rgb(CHART_COLOURS.muted)],
    ]);
    expect(items.some((i) => i.role === 'title-subtitle' && String(i.text).includes('winner: a cat'))).toBe(true);
  });
});
