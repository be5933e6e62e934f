/**
 * Where point labels go in the scatter charts (2-D and static 3-D): a small greedy placer that computes the
 * positions in TypeScript and writes them into the Vega-Lite spec, so the spec a notebook saves places them
 * the same way in any Vega-Lite front end.
 */
import type { Modality } from './common';
import { textWidth } from './text-metrics';

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
export function labelLayers(
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
