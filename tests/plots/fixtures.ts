/**
 * Charts the plot tests share: one of each builder, and the scatter charts notebook 01 draws (its toy 2-D space
 * before and after normalisation, the static 3-D view, a crowded PCA picture of ten image–caption pairs).
 */
import {
  embeddingScatter,
  lineChart,
  probabilityBars,
  projectionScatter,
  similarityHeatmap,
  staticScatter3d,
} from '../../lib/plots/index';
import type { Chart, Point2d, Point3d } from '../../lib/plots/index';

const imageNames = ['cat photo', 'dog photo', 'rocket photo', 'coffee photo'];
const captions = ['a photo of a cat', 'a photo of a dog', 'a photo of a rocket', 'a photo of a cup of coffee'];
const imageVecs = [
  [3.0, 0.6],
  [2.4, 1.4],
  [0.3, 2.8],
  [-1.5, 1.2],
];
const textVecs = [
  [1.4, 0.2],
  [1.0, 0.7],
  [0.4, 1.6],
  [-1.2, 0.7],
];
const imageVecs3d = [
  [3.0, 0.6, 1.5],
  [2.4, 1.4, -0.9],
  [0.3, 2.8, -1.0],
  [-1.5, 1.2, 2.0],
];
const textVecs3d = [
  [1.4, 0.2, 0.8],
  [1.0, 0.7, -0.4],
  [0.4, 1.6, -0.7],
  [-1.2, 0.7, 1.4],
];
const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
const toyPairs = imageNames.map((_, i) => [i, imageNames.length + i] as [number, number]);
const toyPoints = (imgs: number[][], txts: number[][]): Point2d[] => [
  ...imgs.map((v, i) => ({ x: v[0], y: v[1], label: imageNames[i], modality: 'image' as const })),
  ...txts.map((v, i) => ({
    x: v[0],
    y: v[1],
    label: `"${captions[i].replace('a photo of ', '')}"`,
    modality: 'text' as const,
  })),
];

/** Notebook 01's scatter charts, as its cells call them. */
export const notebook01Scatters: Array<[string, () => Chart]> = [
  [
    '01 toy space, raw vectors',
    () =>
      projectionScatter({
        points: toyPoints(imageVecs, textVecs),
        pairs: toyPairs,
        showVectors: true,
        title: 'Toy embeddings, before normalisation',
        subtitle: 'arrows: the vectors; dashed: an image and its caption',
        xTitle: 'dimension 1 ("animal")',
        yTitle: 'dimension 2 ("object")',
      }),
  ],
  [
    '01 toy space, normalised',
    () =>
      projectionScatter({
        points: toyPoints(imageVecs.map(unit), textVecs.map(unit)),
        pairs: toyPairs,
        showVectors: true,
        unitCircle: true,
        title: 'The same embeddings, normalised to length 1',
        xTitle: 'dimension 1 ("animal")',
        yTitle: 'dimension 2 ("object")',
      }),
  ],
  [
    '01 static 3-D view',
    () =>
      staticScatter3d({
        points: [
          ...imageVecs3d
            .map(unit)
            .map(([x, y, z], i): Point3d => ({ x, y, z, label: imageNames[i], modality: 'image' })),
          ...textVecs3d.map(unit).map(([x, y, z], i): Point3d => ({
            x,
            y,
            z,
            label: `"${captions[i].replace('a photo of ', '')}"`,
            modality: 'text',
          })),
        ],
        pairs: toyPairs,
        title: 'Toy embeddings in 3-D, normalised',
        axisTitles: ['animal', 'object', 'indoors'],
      }),
  ],
];

/** A deterministic pseudo-random number in [-1, 1) per call. */
function randomSource(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}

/** Ten image–caption pairs in 32-D, each caption near its image (like the PCA picture of notebook 01). */
export function crowdedEmbeddingScatter(): Chart {
  const rnd = randomSource(3);
  const names = [
    'cat on a sofa',
    'dog in the park',
    'rocket launch',
    'cup of coffee',
    'red bicycle',
    'mountain lake',
    'city at night',
    'bowl of fruit',
    'old clock',
    'sailing boat',
  ];
  const images = names.map(() => Array.from({ length: 32 }, () => rnd()));
  const texts = images.map((v) => v.map((x) => x + 0.35 * rnd()));
  return embeddingScatter({
    imageEmbeddings: images,
    imageLabels: names,
    textEmbeddings: texts,
    textLabels: names.map((n) => `"a photo of a ${n}"`),
  });
}

/** Two image–caption pairs on the unit circle, with vectors: the plot tests' small scatter. */
export const twoPairScatter = (): Chart =>
  projectionScatter({
    points: [
      { x: 0.95, y: 0.31, label: 'cat photo', modality: 'image' },
      { x: 0.8, y: 0.6, label: '"a cat"', modality: 'text' },
      { x: -0.2, y: 0.98, label: 'rocket photo', modality: 'image' },
      { x: -0.5, y: 0.87, label: '"a rocket"', modality: 'text' },
    ],
    pairs: [
      [0, 1],
      [2, 3],
    ],
    unitCircle: true,
    showVectors: true,
  });

/** Three images against three captions. */
export const smallHeatmap = (): Chart =>
  similarityHeatmap({
    values: [
      [0.31, 0.18, 0.22],
      [0.12, 0.27, 0.2],
      [0.15, 0.26, 0.21],
    ],
    rowLabels: ['chelsea.png', 'rocket.jpg', 'coffee.png'],
    columnLabels: ['a photo of a cat', 'a rocket launch', 'a cup of coffee'],
  });

/** Three labels, one clear winner. */
export const smallBars = (): Chart =>
  probabilityBars({ labels: ['a dog', 'a cat', 'a rocket'], probabilities: [0.25, 0.7, 0.05] });

/** One chart of each builder, with more than one series wherever the chart has a legend. */
export const everyBuilder: Array<[string, () => Chart]> = [
  ['similarity heatmap', smallHeatmap],
  ['probability bars', smallBars],
  ...notebook01Scatters,
  ['embedding scatter (PCA)', crowdedEmbeddingScatter],
  [
    'line chart, palette colours',
    () =>
      lineChart({
        series: [
          { name: 'train loss', y: [2.1, 1.5, 1.1, 0.8] },
          { name: 'validation loss', y: [2.2, 1.7, 1.3, 1.2] },
          { name: 'third', y: [2, 1, 1, 1] },
        ],
      }),
  ],
  [
    'line chart, own colours (notebook 06)',
    () =>
      lineChart({
        series: [
          { name: 'red circle', y: [0.1, 0.5, 0.7], colour: 'rgb(220, 35, 35)' },
          { name: 'blue star', y: [0.2, 0.4, 0.6], colour: 'rgb(35, 75, 225)' },
          { name: 'yellow triangle', y: [0.1, 0.3, 0.65], colour: 'rgb(235, 205, 25)' },
          { name: 'unnamed', y: [0.3, 0.3, 0.3] },
        ],
      }),
  ],
  [
    'line chart, log axes (notebook 05)',
    () =>
      lineChart({
        series: [
          { name: 'fp32', x: [1, 8, 32], y: [5.9, 0.81, 0.74] },
          { name: 'fp16', x: [1, 8, 32], y: [0.95, 0.56, 0.6] },
          { name: 'q8', x: [1, 8, 32], y: [1.1, 0.7, 0.69] },
        ],
        logX: true,
        logY: true,
        xTitle: 'image batch size',
        yTitle: 'ms per image',
      }),
  ],
];
