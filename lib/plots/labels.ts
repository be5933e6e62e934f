/**
 * Where point labels go in the scatter charts (2-D and static 3-D): a small greedy placer that computes the
 * positions in TypeScript and writes them into the Vega-Lite spec (as align, baseline, dx and dy of a text
 * layer), so the spec a notebook saves places them the same way in any Vega-Lite front end.
 *
 * Why not Vega's own `label` transform (vega-label, inside vega 5.33)? It was tried on the six scatter charts of
 * tests/plots/labels.test.ts (notebook 01's three among them) as a text mark over the point mark, `avoidMarks` =
 * the axis, pair and vector lines, eight anchors, and measured with the same checks (30 Nov 2026):
 * - in Node it does not run: vega-label draws its occupancy bitmaps on a canvas, and Node has none unless the
 *   native `canvas` package (cairo) is installed, which the course does not ship. The transform throws
 *   "Cannot read properties of null (reading 'getContext')" and every label of every chart is drawn at the
 *   plot's top-left corner (x = y = 0) with empty bounds, in the PNGs `show` and `savePng` make;
 * - in a browser (Chromium 156, where it has a canvas) it keeps the labels it draws off each other and the
 *   points, by HIDING the rest (opacity 0): 1 of 4 labels hidden on the test scatter, 0 of 3 on the edge case,
 *   1 of 8 and 4 of 8 on notebook 01's toy space before and after normalisation, 0 of 8 on its 3-D view, 7 of 20
 *   on ten image–caption pairs; and 2 label–legend overlaps on the test scatter;
 * - it exists only in Vega, not in Vega-Lite: the Vega-Lite spec that `show` hands to Jupyter front ends (and
 *   `saveSpec` writes) could not carry it, so those would draw every label on its point.
 * This placer, by the same checks: 0 labels hidden, 0 label–label, label–point or label–legend overlaps, 0 labels
 * outside the plot, on all six charts.
 */
import type { Modality } from './common';
import { textWidth } from './text-metrics';

/** A box in pixels: x0, y0, x1, y1 (y down). */
export type Box = [number, number, number, number];

/** A line segment in pixels: x0, y0, x1, y1. */
export type Segment = [number, number, number, number];

/** Where a point's label goes relative to its point: horizontal alignment, baseline and pixel offsets. */
interface LabelPlacement {
  align: 'left' | 'right' | 'center';
  baseline: 'bottom' | 'top' | 'middle';
  dx: number;
  dy: number;
}

/** What else is in the picture, for the labels to keep off: boxes (axis titles, the legend) and lines. */
export interface LabelObstacles {
  /** The radius in pixels of each point's symbol (default 7). */
  radius?: (index: number) => number;
  boxes?: ReadonlyArray<Box>;
  segments?: ReadonlyArray<Segment>;
}

/** How far beyond the nearest spots a label may move (pixels), and what each step out costs (square pixels). */
const RINGS = [0, 10, 24, 40];
const SPOTS_PER_RING = 8;
const RING_COST = 30;

/** Font size and line height of point labels, in pixels. */
export const LABEL_FONT_SIZE = 12;
const LINE_HEIGHT = 15;
const MAX_LABEL_WIDTH = 190;

/**
 * The half-width in pixels of a point symbol of the given area (circle or square, with its 1-pixel outline).
 *
 * ```ts
 * symbolRadius(140);   // 7.18 (a circle of 140 px² has radius 6.68; half a pixel for the outline)
 * ```
 */
export function symbolRadius(area: number): number {
  return Math.max(Math.sqrt(area / Math.PI), Math.sqrt(area) / 2) + 0.5;
}

/**
 * Where the image/text legend sits inside the plot when it is oriented 'top-left' (Vega's default legend offset,
 * 18 pixels, symbols of 120 square pixels, two rows of 12-pixel labels), with a few pixels to spare.
 *
 * ```ts
 * legendBox(380);   // [0, 0, 79.32, 58]
 * ```
 */
export function legendBox(size: number): Box {
  return [0, 0, Math.min(size, 18 + 16 + textWidth('image', 12) + 8), 18 + 2 * 17 + 6];
}

/**
 * The area two boxes share.
 *
 * ```ts
 * boxOverlap([0, 0, 10, 10], [5, 5, 20, 20]);   // 25
 * ```
 */
export function boxOverlap(p: Box, q: Box): number {
  return (
    Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0])) * Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]))
  );
}

/** Small boxes along a segment, every 4 pixels, 3 pixels wide: how a line is "hit" by a label box. */
function segmentBoxes(s: Segment): Box[] {
  const [x0, y0, x1, y1] = s;
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 4));
  return Array.from({ length: steps + 1 }, (_, i) => {
    const x = x0 + ((x1 - x0) * i) / steps;
    const y = y0 + ((y1 - y0) * i) / steps;
    return [x - 1.5, y - 1.5, x + 1.5, y + 1.5] as Box;
  });
}

/**
 * Places point labels so that they stay inside the plot and off each other, the points, the given boxes and
 * (less strictly) the lines: each label tries eight spots around its point (the side facing the centre first; of
 * a matched pair, the higher point above and the lower one below), at four distances, and takes the one with the
 * least overlap, using the real text widths of the chart font and each point's symbol size; farther spots cost a
 * little more. Three more passes revisit every label once all are placed. Returns text layers, one per placement.
 */
export function labelLayers(
  rows: Array<{ h: number; vpos: number; modality: Modality; label: string } & Record<string, unknown>>,
  pairs: ReadonlyArray<readonly [number, number]>,
  domain: { x: [number, number]; y: [number, number] },
  size: number,
  xEnc: object,
  yEnc: object,
  obstacles: LabelObstacles = {},
): unknown[] {
  const px = (h: number) => ((h - domain.x[0]) / (domain.x[1] - domain.x[0])) * size;
  const py = (v: number) => size - ((v - domain.y[0]) / (domain.y[1] - domain.y[0])) * size;
  const radius = obstacles.radius ?? (() => 7);
  const preferAbove = rows.map((r) => r.modality === 'image');
  for (const [a, b] of pairs) {
    if (a === b) continue;
    const aHigher = rows[a].vpos > rows[b].vpos || (rows[a].vpos === rows[b].vpos && rows[a].modality === 'image');
    preferAbove[a] = aHigher;
    preferAbove[b] = !aHigher;
  }
  const pointBox = (i: number, margin: number): Box => {
    const q = radius(i) + margin;
    const [x, y] = [px(rows[i].h), py(rows[i].vpos)];
    return [x - q, y - q, x + q, y + q];
  };
  const ownPoints = rows.map((_, i) => pointBox(i, 0));
  const points = rows.map((_, i) => pointBox(i, 1.5)); // a label touching another point's symbol reads as its label
  const fixed = obstacles.boxes ?? [];
  const lineBits = (obstacles.segments ?? []).flatMap(segmentBoxes);
  const candidatesOf = (i: number): Array<{ place: LabelPlacement; box: Box }> => {
    const x = px(rows[i].h);
    const y = py(rows[i].vpos);
    const w = Math.min(textWidth(rows[i].label, LABEL_FONT_SIZE), MAX_LABEL_WIDTH);
    const facing: Array<'left' | 'right'> = x <= size / 2 ? ['left', 'right'] : ['right', 'left'];
    const out: Array<{ place: LabelPlacement; box: Box }> = [];
    for (const extra of RINGS) {
      const gap = radius(i) + 1 + extra;
      const rise = 3 + extra;
      for (const above of [preferAbove[i], !preferAbove[i]]) {
        for (const align of facing) {
          const dx = align === 'left' ? gap : -gap;
          const dy = above ? -rise : rise;
          const x0 = align === 'left' ? x + dx : x + dx - w;
          const y0 = above ? y + dy - LINE_HEIGHT : y + dy;
          out.push({
            place: { align, baseline: above ? 'bottom' : 'top', dx, dy },
            box: [x0, y0, x0 + w, y0 + LINE_HEIGHT],
          });
        }
      }
      for (const align of facing) {
        const dx = align === 'left' ? gap + 2 : -gap - 2;
        const x0 = align === 'left' ? x + dx : x + dx - w;
        out.push({
          place: { align, baseline: 'middle', dx, dy: 0 },
          box: [x0, y - LINE_HEIGHT / 2, x0 + w, y + LINE_HEIGHT / 2],
        });
      }
      for (const above of [preferAbove[i], !preferAbove[i]]) {
        const dy = above ? -(radius(i) + 2 + extra) : radius(i) + 2 + extra;
        const y0 = above ? y + dy - LINE_HEIGHT : y + dy;
        out.push({
          place: { align: 'center', baseline: above ? 'bottom' : 'top', dx: 0, dy },
          box: [x - w / 2, y0, x + w / 2, y0 + LINE_HEIGHT],
        });
      }
    }
    return out;
  };
  const choice: Array<{ place: LabelPlacement; box: Box } | undefined> = rows.map(() => undefined);
  const costOf = (i: number, box: Box, index: number) => {
    const w = box[2] - box[0];
    const outside = w * LINE_HEIGHT - boxOverlap(box, [0, 0, size, size]);
    // farther spots cost more (a label far from its point reads as another point's), a line crossed costs less;
    // a tie goes to the earlier (preferred) spot
    let cost = 3 * outside + Math.floor(index / SPOTS_PER_RING) * RING_COST + index * 0.5;
    choice.forEach((c, j) => {
      if (c && j !== i) cost += 2 * boxOverlap(box, c.box);
    });
    points.forEach((q, j) => (cost += j === i ? 9 * boxOverlap(box, ownPoints[i]) : 3 * boxOverlap(box, q)));
    for (const q of fixed) cost += 2 * boxOverlap(box, q);
    for (const q of lineBits) cost += 0.3 * boxOverlap(box, q);
    return cost;
  };
  for (let pass = 0; pass < 4; pass++) {
    rows.forEach((_, i) => {
      let best: { place: LabelPlacement; box: Box } | undefined;
      let bestCost = Infinity;
      candidatesOf(i).forEach((c, index) => {
        const cost = costOf(i, c.box, index);
        if (cost < bestCost - 1e-9) {
          best = c;
          bestCost = cost;
        }
      });
      choice[i] = best;
    });
  }
  const groups = new Map<string, { place: LabelPlacement; values: typeof rows }>();
  rows.forEach((r, i) => {
    const place = choice[i]!.place;
    const key = `${place.align} ${place.baseline} ${place.dx} ${place.dy}`;
    if (!groups.has(key)) groups.set(key, { place, values: [] });
    groups.get(key)!.values.push(r);
  });
  return [...groups.values()].map(({ place, values }) => ({
    data: { values },
    mark: { type: 'text', fontSize: LABEL_FONT_SIZE, limit: MAX_LABEL_WIDTH, ...place },
    encoding: { x: xEnc, y: yEnc, text: { field: 'label' }, color: { value: '#222222' } },
  }));
}
