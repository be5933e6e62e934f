/**
 * Image and text points in one 2-D picture: `projectionScatter` for points already in 2-D (the toy space),
 * `embeddingScatter` for many-dimensional embeddings projected onto their two principal components.
 */
import type { TopLevelSpec } from 'vega-lite';
import { pca } from '../embeddings/projection';
import { BASE_CONFIG, CHART_COLOURS, PlotInputError, labelList, rowsOf, squareDomains, titleParts } from './common';
import type { Chart, Modality, RowsInput } from './common';
import { labelLayers, legendBox, symbolRadius } from './labels';
import type { Segment } from './labels';

/** Symbol area of a point, in square pixels. */
const POINT_SIZE = 140;

/** A point already in 2-D: its coordinates, its label and whether it is an image or a text. */
export interface Point2d {
  x: number;
  y: number;
  label: string;
  modality: Modality;
}

export interface ProjectionScatterOptions {
  points: ReadonlyArray<Point2d>;
  /** Pairs of point indices to join with a line (an image and its caption). */
  pairs?: ReadonlyArray<readonly [number, number]>;
  title?: string;
  subtitle?: string;
  xTitle?: string;
  yTitle?: string;
  /** Draw each point as an arrow from the origin (vectors, for the toy space). Default false. */
  showVectors?: boolean;
  /** Draw the circle of radius 1 (where normalised vectors live). Default false. */
  unitCircle?: boolean;
  /** Side of the square plot in pixels, default 380. */
  size?: number;
}

/**
 * Image and text points in one 2-D space, same scale on both axes (so distances and angles look right), a
 * dashed line joining each matched pair, labels next to the points.
 *
 * ```ts
 * const chart = projectionScatter({
 *   points: [
 *     { x: 0.9, y: 0.3, label: 'cat photo', modality: 'image' },
 *     { x: 0.8, y: 0.5, label: '"a cat"', modality: 'text' },
 *   ],
 *   pairs: [[0, 1]],
 *   unitCircle: true,
 * });
 * ```
 */
export function projectionScatter(options: ProjectionScatterOptions): Chart {
  const {
    title = 'Images and texts in one space',
    xTitle = 'dimension 1',
    yTitle = 'dimension 2',
    size = 380,
  } = options;
  const points = options.points;
  if (!Array.isArray(points) || points.length === 0) {
    throw new PlotInputError('projectionScatter: `points` must be a non-empty array of { x, y, label, modality }.');
  }
  points.forEach((p, i) => {
    if (!Number.isFinite(p?.x) || !Number.isFinite(p?.y)) {
      throw new PlotInputError(
        `projectionScatter: point ${i} has x = ${p?.x}, y = ${p?.y}; both must be finite numbers.`,
      );
    }
    if (p.modality !== 'image' && p.modality !== 'text') {
      throw new PlotInputError(
        `projectionScatter: point ${i} has modality ${JSON.stringify(p.modality)}; use 'image' or 'text'.`,
      );
    }
  });
  const labels = labelList(
    points.map((p) => p.label),
    points.length,
    'projectionScatter',
    'points',
  );
  const pairs = options.pairs ?? [];
  pairs.forEach(([a, b], k) => {
    for (const idx of [a, b]) {
      if (!Number.isInteger(idx) || idx < 0 || idx >= points.length) {
        throw new PlotInputError(
          `projectionScatter: pair ${k} refers to point ${idx}, but there are ${points.length} points (indices 0–${points.length - 1}).`,
        );
      }
    }
  });
  const circle = options.unitCircle
    ? Array.from({ length: 121 }, (_, i) => [Math.cos((i / 120) * 2 * Math.PI), Math.sin((i / 120) * 2 * Math.PI)])
    : [];
  const domain = squareDomains(
    points.map((p) => p.x),
    points.map((p) => p.y),
    options.showVectors ? [[0, 0], ...circle] : circle,
  );
  const pointRows = points.map((p, i) => ({ x: p.x, y: p.y, label: labels[i], modality: p.modality }));
  const pairRows = pairs.flatMap(([a, b], k) => [
    { pair: k, end: 0, x: points[a].x, y: points[a].y },
    { pair: k, end: 1, x: points[b].x, y: points[b].y },
  ]);
  const xEnc = {
    field: 'x',
    type: 'quantitative',
    title: xTitle,
    scale: { domain: domain.x, nice: false, zero: false },
  } as const;
  const yEnc = {
    field: 'y',
    type: 'quantitative',
    title: yTitle,
    scale: { domain: domain.y, nice: false, zero: false },
  } as const;
  const layers: unknown[] = [];
  if (circle.length) {
    layers.push({
      data: { values: circle.map(([x, y], i) => ({ x, y, i })) },
      mark: { type: 'line', color: '#999999', strokeDash: [2, 3], strokeWidth: 1 },
      encoding: { x: xEnc, y: yEnc, order: { field: 'i', type: 'quantitative' } },
    });
  }
  if (options.showVectors) {
    layers.push({
      data: { values: pointRows.map((p) => ({ ...p, x0: 0, y0: 0 })) },
      mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.7 },
      encoding: {
        x: { ...xEnc, field: 'x0' },
        y: { ...yEnc, field: 'y0' },
        x2: { field: 'x' },
        y2: { field: 'y' },
        color: {
          field: 'modality',
          type: 'nominal',
          title: null,
          scale: { domain: ['image', 'text'], range: [CHART_COLOURS.image, CHART_COLOURS.text] },
        },
      },
    });
  }
  if (pairRows.length) {
    layers.push({
      data: { values: pairRows },
      mark: { type: 'line', color: '#555555', strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: {
        x: xEnc,
        y: yEnc,
        detail: { field: 'pair', type: 'nominal' },
        order: { field: 'end', type: 'quantitative' },
      },
    });
  }
  layers.push({
    data: { values: pointRows },
    mark: { type: 'point', filled: true, size: POINT_SIZE, opacity: 1, stroke: 'white', strokeWidth: 1 },
    encoding: {
      x: xEnc,
      y: yEnc,
      color: {
        field: 'modality',
        type: 'nominal',
        title: null,
        scale: { domain: ['image', 'text'], range: [CHART_COLOURS.image, CHART_COLOURS.text] },
      },
      shape: {
        field: 'modality',
        type: 'nominal',
        title: null,
        scale: { domain: ['image', 'text'], range: ['square', 'circle'] },
      },
    },
  });
  const toPx = (x: number, y: number): [number, number] => [
    ((x - domain.x[0]) / (domain.x[1] - domain.x[0])) * size,
    size - ((y - domain.y[0]) / (domain.y[1] - domain.y[0])) * size,
  ];
  const segments: Segment[] = [
    ...pairs.map(([a, b]) => [...toPx(points[a].x, points[a].y), ...toPx(points[b].x, points[b].y)] as Segment),
    ...(options.showVectors ? points.map((p) => [...toPx(0, 0), ...toPx(p.x, p.y)] as Segment) : []),
    ...circle.slice(1).map(([x, y], i) => [...toPx(circle[i][0], circle[i][1]), ...toPx(x, y)] as Segment),
  ];
  layers.push(
    ...labelLayers(
      pointRows.map((p) => ({ ...p, h: p.x, vpos: p.y })),
      pairs,
      domain,
      size,
      xEnc,
      yEnc,
      {
        radius: () => symbolRadius(POINT_SIZE),
        boxes: [legendBox(size)],
        segments,
      },
    ),
  );
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(
      title,
      options.subtitle ?? (pairRows.length ? 'dashed line: an image and its caption' : undefined),
    ),
    width: size,
    height: size,
    layer: layers,
    config: { ...BASE_CONFIG, legend: { ...BASE_CONFIG.legend, orient: 'top-left', symbolSize: 120 } },
  } as unknown as TopLevelSpec;
  return { kind: 'projection-scatter', title, spec };
}

export interface EmbeddingScatterOptions {
  /** One row per image (rows, or a { rows, cols, data } Matrix). */
  imageEmbeddings: RowsInput;
  imageLabels: ReadonlyArray<string>;
  textEmbeddings: RowsInput;
  textLabels: ReadonlyArray<string>;
  /** [imageIndex, textIndex] pairs to join; default: image i with text i when the counts are equal, else none. */
  pairs?: ReadonlyArray<readonly [number, number]>;
  title?: string;
  size?: number;
}

function checkPairs(
  pairs: ReadonlyArray<readonly [number, number]>,
  nImages: number,
  nTexts: number,
  what: string,
): void {
  pairs.forEach(([i, t], k) => {
    if (!Number.isInteger(i) || i < 0 || i >= nImages || !Number.isInteger(t) || t < 0 || t >= nTexts) {
      throw new PlotInputError(
        `${what}: pair ${k} is [${i}, ${t}] but there are ${nImages} images and ${nTexts} texts; pairs are [imageIndex, textIndex].`,
      );
    }
  });
}

/**
 * Many-dimensional image and text embeddings projected together onto their two principal components
 * (`pca` from `lib/embeddings/projection.ts`), drawn with `projectionScatter`. The axis titles give each component's share
 * of the variance, a reminder of how much the flat picture leaves out.
 *
 * ```ts
 * const chart = embeddingScatter({ imageEmbeddings, imageLabels: ['cat', 'rocket'],
 *                                  textEmbeddings, textLabels: ['a cat', 'a rocket'] });
 * ```
 */
export function embeddingScatter(options: EmbeddingScatterOptions): Chart {
  const { title = 'Image and text embeddings (PCA to 2-D)', size } = options;
  const imageEmbeddings = rowsOf(options.imageEmbeddings, 'embeddingScatter imageEmbeddings');
  const textEmbeddings = rowsOf(options.textEmbeddings, 'embeddingScatter textEmbeddings');
  const nI = imageEmbeddings.length;
  const nT = textEmbeddings.length;
  if (nI + nT < 2) throw new PlotInputError('embeddingScatter: need at least two embeddings in all to project.');
  const imageLabels = labelList(options.imageLabels, nI, 'embeddingScatter imageLabels', 'image embeddings');
  const textLabels = labelList(options.textLabels, nT, 'embeddingScatter textLabels', 'text embeddings');
  const pairs = options.pairs ?? (nI === nT ? imageLabels.map((_, i) => [i, i] as const) : []);
  checkPairs(pairs, nI, nT, 'embeddingScatter');
  const fit = pca([...imageEmbeddings, ...textEmbeddings], 2);
  const pct = (r: number) => `${Math.round(r * 100)}% of variance`;
  const points: Point2d[] = fit.projected.map(([x, y], i) => ({
    x,
    y,
    label: i < nI ? imageLabels[i] : textLabels[i - nI],
    modality: i < nI ? 'image' : 'text',
  }));
  return projectionScatter({
    points,
    pairs: pairs.map(([i, t]) => [i, nI + t] as const),
    title,
    xTitle: `PC1 (${pct(fit.explainedVarianceRatio[0])})`,
    yTitle: `PC2 (${pct(fit.explainedVarianceRatio[1])})`,
    size,
  });
}
