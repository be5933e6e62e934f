/**
 * Semantic nuance, measured on shapes-world images whose truth is known by construction:
 *
 * - negation: "there is no red circle" — does the score go UP when the red circle is absent?
 * - counting: "a photo of two blue squares" — does the right count win among one / two / three?
 * - word order (attribute binding): "a red circle and a blue square" vs "a blue circle and a red square" —
 *   the same words, bound differently; does the true binding win?
 *
 * A model that embeds a prompt as a bag of concepts (the mini-CLIP's text encoder is literally a mean of word
 * vectors; CLIP's Transformer behaves much like one on such prompts) fails these in characteristic ways.
 *
 * @example
 *   const r = await wordOrderProbe(clip, { seed: 1, count: 24 });
 *   r.accuracy;       // 0.5 or worse for a bag of words (ties count as failures)
 *   r.ties;           // 24 for the mini-CLIP: the two prompts have identical embeddings
 */
import type { Embedder } from './probes';
import { ProbeInputError } from './probes';
import {
  COLOURS,
  SHAPES,
  Colour,
  Scene,
  Shape,
  ShapeObject,
  makeObject,
  pixelsToPng,
  renderScenes,
  sampleBackground,
  seededRandom,
  SHAPES_IMAGE_SIZE,
} from '../worlds/shapes';
import { similarityMatrix } from '../embeddings/similarity';

export interface NuanceOptions {
  /** Seed of the scenes (default 1). */
  seed?: number;
  /** Images per group (default 24). */
  count?: number;
  /** Image side in pixels (default 48, the mini-CLIP's input size). */
  imageSize?: number;
}

function checkNuance(o: NuanceOptions): Required<NuanceOptions> {
  const count = o.count ?? 24;
  const imageSize = o.imageSize ?? SHAPES_IMAGE_SIZE;
  if (!Number.isInteger(count) || count < 1)
    throw new ProbeInputError(`count is ${count}; pass a whole number of images per group ≥ 1 (e.g. 24).`);
  if (!Number.isInteger(imageSize) || imageSize < 32 || imageSize > 512)
    throw new ProbeInputError(
      `imageSize is ${imageSize}; use a whole number of pixels in 32..512 (48 is the mini-CLIP's size).`,
    );
  return { seed: o.seed ?? 1, count, imageSize };
}

/**
 * Places objects (shape, colour) as small objects at random non-overlapping positions on a random neutral
 * background.
 *
 * @example
 *   sceneWith(seededRandom(1), [['circle', 'red'], ['square', 'blue']], 48).objects.length;   // 2
 */
export function sceneWith(r: () => number, specs: ReadonlyArray<readonly [Shape, Colour]>, imageSize: number): Scene {
  const objects: ShapeObject[] = [];
  for (const [shape, colour] of specs) {
    let placed: ShapeObject | undefined;
    for (let attempt = 0; attempt < 200 && !placed; attempt++) {
      const probe = makeObject(shape, colour, 'small', 0, 0, imageSize);
      const margin = probe.radius * 1.3 + 1;
      const cx = margin + r() * (imageSize - 2 * margin);
      const cy = margin + r() * (imageSize - 2 * margin);
      const clear = objects.every((o) => Math.hypot(o.cx - cx, o.cy - cy) > (o.radius + probe.radius) * 1.35);
      if (clear) placed = { ...probe, cx, cy, rotation: shape === 'circle' ? 0 : (r() - 0.5) * 40 };
    }
    if (!placed)
      throw new ProbeInputError(
        `cannot place ${specs.length} objects without overlap in a ${imageSize}px image; use fewer objects or a larger imageSize.`,
      );
    objects.push(placed);
  }
  return { size: imageSize, background: sampleBackground(r), objects };
}

async function pngsOf(scenes: Scene[]): Promise<Buffer[]> {
  const pixels = await renderScenes(scenes);
  const size = scenes[0].size;
  const per = size * size * 3;
  return Promise.all(scenes.map((_, i) => pixelsToPng(pixels.subarray(i * per, (i + 1) * per), size)));
}

async function cosines(embedder: Embedder, images: Buffer[], prompts: string[]): Promise<number[][]> {
  const m = similarityMatrix(await embedder.embedImages(images), await embedder.embedTexts(prompts));
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

const otherColour = (r: () => number, not: Colour[]): Colour => {
  const pool = COLOURS.filter((c) => !not.includes(c));
  return pool[Math.floor(r() * pool.length) % pool.length];
};
const otherShape = (r: () => number, not: Shape[]): Shape => {
  const pool = SHAPES.filter((s) => !not.includes(s));
  return pool[Math.floor(r() * pool.length) % pool.length];
};

export interface NegationResult {
  positivePrompt: string;
  negatedPrompt: string;
  /** Images that contain the object (a red circle plus one other object), and images that do not (two other objects). */
  withObject: number;
  withoutObject: number;
  /** Mean cosine of the NEGATED prompt with images that contain the object / that do not. A model that understood
   *  "no" would score the negated prompt higher on images without the object. */
  negatedCosineWith: number;
  negatedCosineWithout: number;
  /** Per image: correct when the higher-scoring of the two prompts is the true one. */
  accuracyWith: number;
  accuracyWithout: number;
  accuracy: number;
  /** Cosine between the two prompts' text embeddings (1 = the model barely registers the "no"). */
  promptCosine: number;
  /** A few example images (PNG) with their truth, for display. */
  examples: Array<{ png: Buffer; hasObject: boolean }>;
}

/**
 * Negation: "there is a red circle" vs "there is no red circle" on images with and without a red circle.
 *
 * @example
 *   const r = await negationProbe(clip, { seed: 1, count: 24 });
 *   r.negatedCosineWith > r.negatedCosineWithout;   // true for a bag-of-concepts model: "no red circle" matches red circles
 */
export async function negationProbe(
  embedder: Embedder,
  options: NuanceOptions & { shape?: Shape; colour?: Colour } = {},
): Promise<NegationResult> {
  const o = checkNuance(options);
  const shape = options.shape ?? 'circle';
  const colour = options.colour ?? 'red';
  const r = seededRandom(o.seed);
  const scenes: Scene[] = [];
  const has: boolean[] = [];
  for (let i = 0; i < 2 * o.count; i++) {
    const withIt = i % 2 === 0;
    const a: readonly [Shape, Colour] = withIt ? [shape, colour] : [otherShape(r, [shape]), otherColour(r, [colour])];
    const b: readonly [Shape, Colour] = [otherShape(r, [shape]), otherColour(r, [colour])];
    scenes.push(sceneWith(r, [a, b], o.imageSize));
    has.push(withIt);
  }
  const art = /^[aeiou]/.test(colour) ? 'an' : 'a';
  const positivePrompt = `there is ${art} ${colour} ${shape}`;
  const negatedPrompt = `there is no ${colour} ${shape}`;
  const pngs = await pngsOf(scenes);
  const cos = await cosines(embedder, pngs, [positivePrompt, negatedPrompt]);
  let negWith = 0;
  let negWithout = 0;
  let okWith = 0;
  let okWithout = 0;
  cos.forEach(([pos, neg], i) => {
    if (has[i]) {
      negWith += neg;
      if (pos > neg) okWith++;
    } else {
      negWithout += neg;
      if (neg > pos) okWithout++;
    }
  });
  const promptCos = similarityMatrix(
    await embedder.embedTexts([positivePrompt]),
    await embedder.embedTexts([negatedPrompt]),
  ).data[0];
  return {
    positivePrompt,
    negatedPrompt,
    withObject: o.count,
    withoutObject: o.count,
    negatedCosineWith: negWith / o.count,
    negatedCosineWithout: negWithout / o.count,
    accuracyWith: okWith / o.count,
    accuracyWithout: okWithout / o.count,
    accuracy: (okWith + okWithout) / (2 * o.count),
    promptCosine: promptCos,
    examples: pngs.slice(0, 4).map((png, i) => ({ png, hasObject: has[i] })),
  };
}

export interface CountingResult {
  prompts: string[];
  /** confusion[true count − 1][predicted count − 1] */
  confusion: number[][];
  accuracy: number;
  /** 1 / number of counts: what guessing gets. */
  chance: number;
  /** Per true count, the mean cosine with each count prompt. */
  meanCosines: number[][];
  examples: Array<{ png: Buffer; count: number }>;
}

const COUNT_WORDS = ['one', 'two', 'three', 'four'];

/**
 * Counting: images with 1…maxCount objects of one kind; prompts "a photo of one blue square", "… two blue squares", ….
 *
 * @example
 *   const r = await countingProbe(clip, { seed: 2, count: 16 });
 *   r.accuracy;   // near r.chance (1/3) when the model does not count
 */
export async function countingProbe(
  embedder: Embedder,
  options: NuanceOptions & { shape?: Shape; colour?: Colour; maxCount?: number } = {},
): Promise<CountingResult> {
  const o = checkNuance(options);
  const shape = options.shape ?? 'square';
  const colour = options.colour ?? 'blue';
  const maxCount = options.maxCount ?? 3;
  if (!Number.isInteger(maxCount) || maxCount < 2 || maxCount > COUNT_WORDS.length)
    throw new ProbeInputError(
      `maxCount is ${maxCount}; use 2..${COUNT_WORDS.length} (counting needs at least two counts to compare).`,
    );
  const r = seededRandom(o.seed);
  const scenes: Scene[] = [];
  const truth: number[] = [];
  for (let i = 0; i < o.count * maxCount; i++) {
    const n = (i % maxCount) + 1;
    scenes.push(
      sceneWith(
        r,
        Array.from({ length: n }, () => [shape, colour] as const),
        o.imageSize,
      ),
    );
    truth.push(n);
  }
  const prompts = COUNT_WORDS.slice(0, maxCount).map(
    (w, k) => `a photo of ${w} ${colour} ${shape}${k === 0 ? '' : 's'}`,
  );
  const pngs = await pngsOf(scenes);
  const cos = await cosines(embedder, pngs, prompts);
  const confusion = Array.from({ length: maxCount }, () => new Array<number>(maxCount).fill(0));
  const sums = Array.from({ length: maxCount }, () => new Array<number>(maxCount).fill(0));
  let right = 0;
  cos.forEach((row, i) => {
    const best = row.indexOf(Math.max(...row));
    confusion[truth[i] - 1][best]++;
    row.forEach((c, j) => (sums[truth[i] - 1][j] += c / o.count));
    if (best === truth[i] - 1) right++;
  });
  return {
    prompts,
    confusion,
    accuracy: right / cos.length,
    chance: 1 / maxCount,
    meanCosines: sums,
    examples: pngs.slice(0, maxCount).map((png, i) => ({ png, count: truth[i] })),
  };
}

export interface WordOrderResult {
  /** One example pair of prompts (true binding, swapped binding). */
  examplePrompts: [string, string];
  images: number;
  /** Fraction of images where the true binding scores strictly higher than the swapped one. */
  accuracy: number;
  /** Images where both prompts score the same (|difference| < 1e-6): the model cannot tell them apart at all. */
  ties: number;
  /** Mean |cos(true) − cos(swapped)|. */
  meanAbsDifference: number;
  /** Mean cosine between the two prompts' text embeddings (1 = identical). */
  meanPromptCosine: number;
  examples: Array<{ png: Buffer; truePrompt: string; swappedPrompt: string }>;
}

/**
 * Word order / attribute binding: an image with a (colour A) shape X and a (colour B) shape Y; prompts
 * "a A X and a B Y" (true) vs "a B X and a A Y" (the colours swapped between the shapes: the same words).
 *
 * @example
 *   const r = await wordOrderProbe(clip, { seed: 3, count: 24 });
 *   r.ties;   // every image, for a bag-of-words text encoder
 */
export async function wordOrderProbe(embedder: Embedder, options: NuanceOptions = {}): Promise<WordOrderResult> {
  const o = checkNuance(options);
  const r = seededRandom(o.seed);
  const scenes: Scene[] = [];
  const truePrompts: string[] = [];
  const swappedPrompts: string[] = [];
  const art = (w: string) => (/^[aeiou]/.test(w) ? 'an' : 'a');
  for (let i = 0; i < o.count; i++) {
    const x = SHAPES[Math.floor(r() * SHAPES.length) % SHAPES.length];
    const y = otherShape(r, [x]);
    const a = COLOURS[Math.floor(r() * COLOURS.length) % COLOURS.length];
    const b = otherColour(r, [a]);
    scenes.push(
      sceneWith(
        r,
        [
          [x, a],
          [y, b],
        ],
        o.imageSize,
      ),
    );
    truePrompts.push(`${art(a)} ${a} ${x} and ${art(b)} ${b} ${y}`);
    swappedPrompts.push(`${art(b)} ${b} ${x} and ${art(a)} ${a} ${y}`);
  }
  const pngs = await pngsOf(scenes);
  const imgs = await embedder.embedImages(pngs);
  const tTrue = await embedder.embedTexts(truePrompts);
  const tSwap = await embedder.embedTexts(swappedPrompts);
  const d = imgs.cols;
  const dot = (a: Float32Array, ai: number, b: Float32Array, bi: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[ai * d + k] * b[bi * d + k];
    return s;
  };
  let right = 0;
  let ties = 0;
  let absDiff = 0;
  let promptCos = 0;
  for (let i = 0; i < o.count; i++) {
    const ct = dot(imgs.data, i, tTrue.data, i);
    const cs = dot(imgs.data, i, tSwap.data, i);
    const diff = ct - cs;
    if (Math.abs(diff) < 1e-6) ties++;
    else if (diff > 0) right++;
    absDiff += Math.abs(diff);
    promptCos += dot(tTrue.data, i, tSwap.data, i);
  }
  return {
    examplePrompts: [truePrompts[0], swappedPrompts[0]],
    images: o.count,
    accuracy: right / o.count,
    ties,
    meanAbsDifference: absDiff / o.count,
    meanPromptCosine: promptCos / o.count,
    examples: pngs.slice(0, 3).map((png, i) => ({ png, truePrompt: truePrompts[i], swappedPrompt: swappedPrompts[i] })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Verdicts: one sentence per probe, computed from its numbers (notebook 05 prints them; notebook 06's summary
// re-runs the probes and prints the same sentences, so the two notebooks cannot disagree).

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * Negation: does the negated prompt score higher on images WITH the object (the model reads the object, not "no")?
 *
 * @example
 *   negationVerdict(await negationProbe(clip));
 *   // 'verdict: "there is no red circle" matches images that HAVE a red circle better (by 0.031): the model reads the object, not "no".'
 */
export function negationVerdict(r: NegationResult): string {
  const object = r.positivePrompt.replace(/^there is (an?|one) /, '');
  return r.negatedCosineWith > r.negatedCosineWithout
    ? `verdict: "${r.negatedPrompt}" matches images that HAVE ${/^[aeiou]/.test(object) ? 'an' : 'a'} ${object} better (by ${(r.negatedCosineWith - r.negatedCosineWithout).toFixed(3)}): the model reads "${object}", not "no".`
    : 'verdict: the negated prompt matches images without the object better: negation is handled on this probe.';
}

/** Accuracy at or below chance + this counts as guessing; at or above `COUNTING_RELIABLE` as counting well. */
export const COUNTING_GUESSING_MARGIN = 0.15;
export const COUNTING_RELIABLE = 0.9;

/**
 * Counting: close to guessing, above chance but unreliable, or reliable — with the numbers that decide it.
 *
 * @example
 *   countingVerdict(await countingProbe(clip));
 *   // 'verdict: above chance (58.3% vs 33.3%) but unreliable: the count is wrong on 20 of 48 images.'
 */
export function countingVerdict(r: CountingResult): string {
  const total = r.confusion.flat().reduce((a, b) => a + b, 0);
  const right = r.confusion.reduce((a, row, i) => a + row[i], 0);
  if (r.accuracy < r.chance + COUNTING_GUESSING_MARGIN) {
    return `verdict: close to guessing (${pct(r.accuracy)} vs chance ${pct(r.chance)}): the model does not count.`;
  }
  if (r.accuracy < COUNTING_RELIABLE) {
    return `verdict: above chance (${pct(r.accuracy)} vs ${pct(r.chance)}) but unreliable: the count is wrong on ${total - right} of ${total} images.`;
  }
  return `verdict: counts well on this probe (${pct(r.accuracy)}; chance ${pct(r.chance)}).`;
}

/**
 * Word order: identical embeddings for the two bindings, close to a coin flip, or mostly right.
 *
 * @example
 *   wordOrderVerdict(await wordOrderProbe(clip));
 *   // 'verdict: the two prompts get IDENTICAL embeddings — a bag of words cannot represent which colour goes with which shape.'
 */
export function wordOrderVerdict(r: WordOrderResult): string {
  if (r.ties === r.images)
    return 'verdict: the two prompts get IDENTICAL embeddings — a bag of words cannot represent which colour goes with which shape.';
  return r.accuracy < 0.75
    ? `verdict: barely better than a coin flip at binding colours to shapes (${pct(r.accuracy)} right).`
    : `verdict: binding mostly right on this probe (${pct(r.accuracy)}).`;
}
