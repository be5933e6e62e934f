/**
 * A fixed-camera picture of 3-D points (the PNG twin of the interactive Plotly view in `lib/plots/plotly3d.ts`).
 */
import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG, COLORS, PlotInputError, labelList, squareDomains, titleParts } from './common';
import type { Chart, Modality } from './common';
import { cameraProject } from './camera';
import { labelLayers } from './labels';

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
      throw new PlotInputError(`staticScatter3d: point ${i} is (${p?.x}, ${p?.y}, ${p?.z}); all three coordinates must be finite.`);
    }
    if (p.modality !== 'image' && p.modality !== 'text') {
      throw new PlotInputError(`staticScatter3d: point ${i} has modality ${JSON.stringify(p.modality)}; use 'image' or 'text'.`);
    }
  });
  const labels = labelList(pts.map((p) => p.label), pts.length, 'staticScatter3d', 'points');
  const pairs = options.pairs ?? [];
  pairs.forEach(([a, b], k) => {
    if (![a, b].every((i) => Number.isInteger(i) && i >= 0 && i < pts.length)) {
      throw new PlotInputError(`staticScatter3d: pair ${k} is [${a}, ${b}] but there are ${pts.length} points.`);
    }
  });
  const extent = Math.max(...pts.flatMap((p) => [Math.abs(p.x), Math.abs(p.y), Math.abs(p.z)]), 1e-9) * 1.1;
  const proj = (x: number, y: number, z: number) => cameraProject([x, y, z], azimuthDeg, elevationDeg);
  const axes = ([[extent, 0, 0], [0, extent, 0], [0, 0, extent]] as const).flatMap((end, k) => {
    const a = proj(-end[0], -end[1], -end[2]);
    const b = proj(end[0], end[1], end[2]);
    return [
      { axis: axisTitles[k], end: 0, u: a.u, v: a.v },
      { axis: axisTitles[k], end: 1, u: b.u, v: b.v },
    ];
  });
  const axisLabels = axes.filter((r) => r.end === 1).map((r) => ({ ...r, text: r.axis }));
  const projected = pts.map((p, i) => ({ ...proj(p.x, p.y, p.z), label: labels[i], modality: p.modality }));
  const depths = projected.map((p) => p.depth);
  const [d0, d1] = [Math.min(...depths), Math.max(...depths)];
  const pointRows = projected
    .map((p) => ({ ...p, near: d1 > d0 ? (p.depth - d0) / (d1 - d0) : 0.5 }))
    .sort((a, b) => a.depth - b.depth);
  const pairRows = pairs.flatMap(([a, b], k) => [
    { pair: k, end: 0, u: projected[a].u, v: projected[a].v },
    { pair: k, end: 1, u: projected[b].u, v: projected[b].v },
  ]);
  const domain = squareDomains([...projected.map((p) => p.u), ...axes.map((a) => a.u)], [...projected.map((p) => p.v), ...axes.map((a) => a.v)], []);
  const uEnc = { field: 'u', type: 'quantitative', axis: null, scale: { domain: domain.x, nice: false, zero: false } };
  const vEnc = { field: 'v', type: 'quantitative', axis: null, scale: { domain: domain.y, nice: false, zero: false } };
  const modalityScale = { domain: ['image', 'text'], range: [COLORS.image, COLORS.text] };
  const layers: unknown[] = [
    {
      data: { values: axes },
      mark: { type: 'line', color: '#888888', strokeWidth: 1 },
      encoding: { x: uEnc, y: vEnc, detail: { field: 'axis', type: 'nominal' }, order: { field: 'end', type: 'quantitative' } },
    },
    {
      data: { values: axisLabels },
      mark: { type: 'text', color: '#555555', fontSize: 12, dx: 4, dy: -4, align: 'left' },
      encoding: { x: uEnc, y: vEnc, text: { field: 'text' } },
    },
  ];
  if (pairRows.length) {
    layers.push({
      data: { values: pairRows },
      mark: { type: 'line', color: '#555555', strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: { x: uEnc, y: vEnc, detail: { field: 'pair', type: 'nominal' }, order: { field: 'end', type: 'quantitative' } },
    });
  }
  layers.push(
    {
      data: { values: pointRows },
      mark: { type: 'point', filled: true, stroke: 'white', strokeWidth: 1, opacity: 1 },
      encoding: {
        x: uEnc, y: vEnc,
        size: { field: 'near', type: 'quantitative', scale: { domain: [0, 1], range: [60, 220] }, legend: null },
        color: { field: 'modality', type: 'nominal', title: null, scale: modalityScale },
        shape: { field: 'modality', type: 'nominal', title: null, scale: { domain: ['image', 'text'], range: ['square', 'circle'] } },
        order: { field: 'depth', type: 'quantitative' },
      },
    },
    ...labelLayers(projected.map((p) => ({ ...p, h: p.u, vpos: p.v })), pairs, domain, size, uEnc, vEnc),
  );
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(title, `fixed camera (azimuth ${azimuthDeg}°, elevation ${elevationDeg}°); nearer points are larger`),
    width: size,
    height: size,
    layer: layers,
    config: { ...BASE_CONFIG, view: { stroke: null }, legend: { ...BASE_CONFIG.legend, orient: 'top-left', symbolSize: 120 } },
  } as unknown as TopLevelSpec;
  return { kind: 'scatter-3d-static', title, spec };
}
