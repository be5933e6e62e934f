/**
 * A fixed-camera picture of 3-D points (the PNG twin of the interactive Plotly view in `lib/plots/plotly3d.ts`).
 */
import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG, CHART_COLOURS, PlotInputError, labelList, squareDomains, titleParts } from './common';
import type { Chart, Modality } from './common';
import { cameraProject } from './camera';
import { labelLayers, legendBox, symbolRadius } from './labels';
import type { Box, Segment } from './labels';
import { textWidth } from './text-metrics';

const AXIS_TITLE_SIZE = 12;
/** Symbol areas in square pixels of the farthest and the nearest point. */
const POINT_SIZES: [number, number] = [60, 220];

/** A point in 3-D with its label and modality. */
export interface Point3d {
  x: number;
  y: number;
  z: number;
  label: string;
  modality: Modality;
}

export interface StaticScatter3dOptions {
  points: ReadonlyArray<Point3d>;
  pairs?: ReadonlyArray<readonly [number, number]>;
  title?: string;
  axisTitles?: readonly [string, string, string];
  /** Camera turn around the vertical axis, degrees (default 35). */
  azimuthDeg?: number;
  /** Camera height above the horizontal plane, degrees (default 22). */
  elevationDeg?: number;
  size?: number;
}

/**
 * A fixed-camera picture of 3-D points with the three axes drawn through the centre: the picture that shows
 * when the interactive Plotly view cannot (an untrusted notebook, a PNG export). Nearer points are drawn
 * larger and on top.
 *
 * ```ts
 * const chart = staticScatter3d({ points: [{ x: 1, y: 0, z: 0, label: 'cat', modality: 'image' }] });
 * ```
 */
export function staticScatter3d(options: StaticScatter3dOptions): Chart {
  const { title = 'Embeddings in 3-D (static view)', azimuthDeg = 35, elevationDeg = 22, size = 400 } = options;
  const axisTitles = options.axisTitles ?? ['x', 'y', 'z'];
  const pts = options.points;
  if (!Array.isArray(pts) || pts.length === 0) {
    throw new PlotInputError('staticScatter3d: `points` must be a non-empty array of { x, y, z, label, modality }.');
  }
  pts.forEach((p, i) => {
    if (![p?.x, p?.y, p?.z].every(Number.isFinite)) {
      throw new PlotInputError(
        `staticScatter3d: point ${i} is (${p?.x}, ${p?.y}, ${p?.z}); all three coordinates must be finite.`,
      );
    }
    if (p.modality !== 'image' && p.modality !== 'text') {
      throw new PlotInputError(
        `staticScatter3d: point ${i} has modality ${JSON.stringify(p.modality)}; use 'image' or 'text'.`,
      );
    }
  });
  const labels = labelList(
    pts.map((p) => p.label),
    pts.length,
    'staticScatter3d',
    'points',
  );
  const pairs = options.pairs ?? [];
  pairs.forEach(([a, b], k) => {
    if (![a, b].every((i) => Number.isInteger(i) && i >= 0 && i < pts.length)) {
      throw new PlotInputError(`staticScatter3d: pair ${k} is [${a}, ${b}] but there are ${pts.length} points.`);
    }
  });
  const extent = Math.max(...pts.flatMap((p) => [Math.abs(p.x), Math.abs(p.y), Math.abs(p.z)]), 1e-9) * 1.1;
  const proj = (x: number, y: number, z: number) => cameraProject([x, y, z], azimuthDeg, elevationDeg);
  const axes = (
    [
      [extent, 0, 0],
      [0, extent, 0],
      [0, 0, extent],
    ] as const
  ).flatMap((end, k) => {
    const a = proj(-end[0], -end[1], -end[2]);
    const b = proj(end[0], end[1], end[2]);
    return [
      { axis: axisTitles[k], end: 0, u: a.u, v: a.v },
      { axis: axisTitles[k], end: 1, u: b.u, v: b.v },
    ];
  });
  const projected = pts.map((p, i) => ({ ...proj(p.x, p.y, p.z), label: labels[i], modality: p.modality }));
  const depths = projected.map((p) => p.depth);
  const [d0, d1] = [Math.min(...depths), Math.max(...depths)];
  const near = projected.map((p) => (d1 > d0 ? (p.depth - d0) / (d1 - d0) : 0.5));
  const pointRows = projected.map((p, i) => ({ ...p, near: near[i] })).sort((a, b) => a.depth - b.depth);
  const pairRows = pairs.flatMap(([a, b], k) => [
    { pair: k, end: 0, u: projected[a].u, v: projected[a].v },
    { pair: k, end: 1, u: projected[b].u, v: projected[b].v },
  ]);
  // Each axis title sits just past the positive end of its axis, on the far side from the centre, so the axis
  // line never runs into it; the square domain grows until every title fits inside the plot.
  const ends = axes.filter((r) => r.end === 1);
  const titleGap = 6;
  let domain = squareDomains(
    [...projected.map((p) => p.u), ...axes.map((a) => a.u)],
    [...projected.map((p) => p.v), ...axes.map((a) => a.v)],
    [],
  );
  // pixel position of (u, v) in the current domain
  const toPx = (u: number, v: number): [number, number] => [
    ((u - domain.x[0]) / (domain.x[1] - domain.x[0])) * size,
    size - ((v - domain.y[0]) / (domain.y[1] - domain.y[0])) * size,
  ];
  const titleLayout = () => {
    const [cx, cy] = toPx(0, 0);
    return ends.map((r) => {
      const [x, y] = toPx(r.u, r.v);
      const len = Math.hypot(x - cx, y - cy) || 1;
      const [ux, uy] = [(x - cx) / len, (y - cy) / len];
      const align = ux > 0.35 ? 'left' : ux < -0.35 ? 'right' : 'center';
      const baseline = uy > 0.35 ? 'top' : uy < -0.35 ? 'bottom' : 'middle';
      const dx = ux * titleGap;
      const dy = uy * titleGap;
      const w = textWidth(r.axis, AXIS_TITLE_SIZE);
      const h = AXIS_TITLE_SIZE + 3;
      const x0 = x + dx - (align === 'left' ? 0 : align === 'right' ? w : w / 2);
      const y0 = y + dy - (baseline === 'top' ? 0 : baseline === 'bottom' ? h : h / 2);
      return {
        row: { ...r, text: r.axis },
        mark: { align, baseline, dx, dy },
        box: [x0, y0, x0 + w, y0 + h] as Box,
      };
    });
  };
  for (let grow = 0; grow < 6; grow++) {
    const overflow = Math.max(
      0,
      ...titleLayout().flatMap(({ box }) => [-box[0], -box[1], box[2] - size, box[3] - size]),
    );
    if (overflow <= 0) break;
    const factor = 1 + (overflow + 2) / (size / 2);
    const widen = ([a, b]: [number, number]): [number, number] => [
      (a + b) / 2 - ((b - a) / 2) * factor,
      (a + b) / 2 + ((b - a) / 2) * factor,
    ];
    domain = { x: widen(domain.x), y: widen(domain.y) };
  }
  const titles = titleLayout();
  const uEnc = { field: 'u', type: 'quantitative', axis: null, scale: { domain: domain.x, nice: false, zero: false } };
  const vEnc = { field: 'v', type: 'quantitative', axis: null, scale: { domain: domain.y, nice: false, zero: false } };
  const modalityScale = { domain: ['image', 'text'], range: [CHART_COLOURS.image, CHART_COLOURS.text] };
  const layers: unknown[] = [
    {
      data: { values: axes },
      mark: { type: 'line', color: '#888888', strokeWidth: 1 },
      encoding: {
        x: uEnc,
        y: vEnc,
        detail: { field: 'axis', type: 'nominal' },
        order: { field: 'end', type: 'quantitative' },
      },
    },
    ...titles.map(({ row, mark }) => ({
      data: { values: [row] },
      mark: { type: 'text', color: '#555555', fontSize: AXIS_TITLE_SIZE, ...mark },
      encoding: { x: uEnc, y: vEnc, text: { field: 'text' } },
    })),
  ];
  if (pairRows.length) {
    layers.push({
      data: { values: pairRows },
      mark: { type: 'line', color: '#555555', strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: {
        x: uEnc,
        y: vEnc,
        detail: { field: 'pair', type: 'nominal' },
        order: { field: 'end', type: 'quantitative' },
      },
    });
  }
  const axisLines: Segment[] = ends.map((r, k) => {
    const a = axes[2 * k];
    return [...toPx(a.u, a.v), ...toPx(r.u, r.v)] as Segment;
  });
  const pairLines: Segment[] = pairs.map(
    ([a, b]) => [...toPx(projected[a].u, projected[a].v), ...toPx(projected[b].u, projected[b].v)] as Segment,
  );
  layers.push(
    {
      data: { values: pointRows },
      mark: { type: 'point', filled: true, stroke: 'white', strokeWidth: 1, opacity: 1 },
      encoding: {
        x: uEnc,
        y: vEnc,
        size: { field: 'near', type: 'quantitative', scale: { domain: [0, 1], range: POINT_SIZES }, legend: null },
        color: { field: 'modality', type: 'nominal', title: null, scale: modalityScale },
        shape: {
          field: 'modality',
          type: 'nominal',
          title: null,
          scale: { domain: ['image', 'text'], range: ['square', 'circle'] },
        },
        order: { field: 'depth', type: 'quantitative' },
      },
    },
    ...labelLayers(
      projected.map((p) => ({ ...p, h: p.u, vpos: p.v })),
      pairs,
      domain,
      size,
      uEnc,
      vEnc,
      {
        radius: (i) => symbolRadius(POINT_SIZES[0] + near[i] * (POINT_SIZES[1] - POINT_SIZES[0])),
        boxes: [...titles.map((t) => t.box), legendBox(size)],
        segments: [...axisLines, ...pairLines],
      },
    ),
  );
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(
      title,
      `fixed camera (azimuth ${azimuthDeg}°, elevation ${elevationDeg}°); nearer points are larger`,
    ),
    width: size,
    height: size,
    layer: layers,
    config: {
      ...BASE_CONFIG,
      view: { stroke: null },
      legend: { ...BASE_CONFIG.legend, orient: 'top-left', symbolSize: 120 },
    },
  } as unknown as TopLevelSpec;
  return { kind: 'scatter-3d-static', title, spec };
}
