/**
 * Bias from data, measured: train two small mini-CLIPs that differ ONLY in their training data — one on a balanced
 * shapes world, one on a deliberately skewed one (most stars are yellow) — and measure on the same balanced test
 * images how the skew shows up in the model's scores.
 *
 * Built on the mini-CLIP's public pieces (`MiniClip`, `clipLoss`, the shapes world's weighted `pairs`); the
 * training loop is a short copy of lib/mini-clip/train.ts's loop that accepts a custom pair distribution.
 *
 * @example
 *   const balanced = await trainOnPairs({ pairs: balancedPairs(), steps: 150, seed: 3 });
 *   const skewed = await trainOnPairs({ pairs: skewedPairs('star', 'yellow', 0.9), steps: 150, seed: 3 });
 *   const report = await measureSkew(skewed.model, skewed.tokenizer, { shape: 'star', colour: 'yellow' });
 *   report.favouredColourShare;   // e.g. 0.41: share of non-yellow stars whose top colour prompt is "yellow"
 */
import { tf } from '../course/backend';
import {
  CAPTION_TEMPLATES,
  COLOURS,
  SHAPES,
  Colour,
  Shape,
  WeightedPair,
  allPairs,
  generateShapePixels,
  seededRandom,
} from '../worlds/shapes';
import { MiniClip, VisionVariant, defaultMiniClipConfig } from '../mini-clip/model';
import { MiniClipTokenizer } from '../mini-clip/tokenizer';
import { contrastiveStep, embedImages, embedTexts } from '../mini-clip/train';
import { CourseError } from '../course/errors';

/** Raised for options the skew experiment cannot honour; the message names the option, the cause and the fix. */
export class SkewOptionError extends CourseError {}

/** All 24 (colour, shape) pairs with weight 1. */
export function balancedPairs(): WeightedPair[] {
  return allPairs().map((p) => ({ ...p, weight: 1 }));
}

/**
 * A pair distribution where `share` of all `shape` images have colour `colour` (the rest of that shape is spread
 * evenly over the other colours); every other shape stays balanced, and the shape keeps the same total weight.
 * With `colourShare`, the skew also runs the other way: that fraction of all `colour` objects are `shape`s
 * (the other shapes are drawn in that colour less often), so colour alone predicts shape — a shortcut.
 *
 * @example
 *   skewedPairs('star', 'yellow', 0.9).filter((p) => p.shape === 'star');
 *   // yellow star weight 5.4, each other colour's star 0.12 (the star total stays 6, like every other shape)
 */
export function skewedPairs(
  shape: Shape,
  colour: Colour,
  share: number,
  options: { colourShare?: number } = {},
): WeightedPair[] {
  if (!SHAPES.includes(shape))
    throw new SkewOptionError(`shape '${shape}' is not a shapes-world shape; use one of ${SHAPES.join(', ')}.`);
  if (!COLOURS.includes(colour))
    throw new SkewOptionError(`colour '${colour}' is not a shapes-world colour; use one of ${COLOURS.join(', ')}.`);
  if (!(share >= 0 && share <= 1))
    throw new SkewOptionError(
      `share is ${share}; pass the fraction of ${shape}s that are ${colour}, between 0 and 1 (e.g. 0.9).`,
    );
  const colourShare = options.colourShare;
  if (colourShare !== undefined && !(colourShare > 0 && colourShare < 1))
    throw new SkewOptionError(
      `colourShare is ${colourShare}; pass the fraction of ${colour} objects that are ${shape}s, strictly between 0 and 1 (e.g. 0.9).`,
    );
  const total = COLOURS.length; // each shape's total weight in the balanced world
  const favoured = share * total;
  // With colourShare, the other shapes in `colour` get weight w such that favoured / (favoured + 3w) = colourShare.
  const otherInColour =
    colourShare === undefined ? 1 : (favoured * (1 - colourShare)) / colourShare / (SHAPES.length - 1);
  return allPairs().map((p) => {
    if (p.shape !== shape) return { ...p, weight: p.colour === colour ? otherInColour : 1 };
    return { ...p, weight: p.colour === colour ? favoured : ((1 - share) * total) / (COLOURS.length - 1) };
  });
}

/**
 * Caption templates that leave the colour out ("a photo of a star"), as real captions often leave out attributes
 * that seem obvious to the writer. Where the data is skewed, the bare word then absorbs the skew.
 */
export const COLOURLESS_TEMPLATES: readonly string[] = [
  '{a} {shape}',
  'a photo of {a} {shape}',
  '{a} {size} {shape}',
  'a picture of {a} {shape}',
  'there is {a} {shape}',
];

/** The course's caption templates plus the colourless ones: a third of the captions do not name the colour. */
export const SKEW_EXPERIMENT_TEMPLATES: readonly string[] = [...CAPTION_TEMPLATES, ...COLOURLESS_TEMPLATES];

export interface TrainOnPairsOptions {
  /** The (colour, shape) distribution of the training images (weights). */
  pairs: readonly WeightedPair[];
  /** Seed of the images, the initial weights and the batch order (default 1): use the same seed to compare data. */
  seed?: number;
  /** Optimizer steps (default 150). */
  steps?: number;
  batchSize?: number;
  /** Distinct training images generated (default steps × batchSize / 2, at most 6000: each is seen about twice). */
  trainImages?: number;
  learningRate?: number;
  variant?: VisionVariant;
  /** Caption templates (default `SKEW_EXPERIMENT_TEMPLATES`). */
  templates?: readonly string[];
  /** Called every `logEvery` steps with a line. */
  log?: (line: string) => void;
  logEvery?: number;
}

export interface TrainOnPairsResult {
  model: MiniClip;
  tokenizer: MiniClipTokenizer;
  /** Loss after every step. */
  losses: number[];
  seconds: number;
  /** How many training images of each (colour, shape) pair were drawn, keyed 'yellow star'. */
  pairCounts: Record<string, number>;
}

/**
 * Trains a fresh mini-CLIP with `clipLoss` on shapes drawn from `pairs` (held-out pairs included: the skew is the
 * point here, not composition). Deterministic in `seed`.
 */
export async function trainOnPairs(options: TrainOnPairsOptions): Promise<TrainOnPairsResult> {
  const steps = options.steps ?? 150;
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(steps) || steps < 1)
    throw new SkewOptionError(`steps is ${steps}; pass a whole number ≥ 1 (e.g. 150).`);
  if (!Number.isInteger(batchSize) || batchSize < 2)
    throw new SkewOptionError(`batchSize is ${batchSize}; a contrastive batch needs at least 2 pairs (e.g. 64).`);
  const seed = options.seed ?? 1;
  const trainImages = options.trainImages ?? Math.min(6000, Math.max(batchSize, Math.round((steps * batchSize) / 2)));
  const t0 = Date.now();
  const tokenizer = MiniClipTokenizer.default();
  const config = defaultMiniClipConfig({ variant: options.variant ?? 'factored', vocabSize: tokenizer.vocabSize });
  const s = config.imageSize;
  const train = await generateShapePixels({
    seed,
    count: trainImages,
    pairs: options.pairs,
    heldOut: 'include',
    imageSize: s,
    templates: options.templates ?? SKEW_EXPERIMENT_TEMPLATES,
  });
  const pairCounts: Record<string, number> = {};
  for (const e of train.examples)
    pairCounts[`${e.colour} ${e.shape}`] = (pairCounts[`${e.colour} ${e.shape}`] ?? 0) + 1;
  const tokens = tokenizer.batch(train.examples.map((e) => e.caption));
  const model = MiniClip.create(config, seed);
  const optimizer = tf.train.adam(options.learningRate ?? 3e-3);
  const rng = seededRandom(seed + 17);
  const losses: number[] = [];
  const logEvery = options.logEvery ?? 50;
  for (let step = 0; step < steps; step++) {
    const idx = Array.from({ length: batchSize }, () => Math.floor(rng() * trainImages));
    const loss = contrastiveStep(model, optimizer, train.pixels, s, tokens, idx);
    if (!Number.isFinite(loss))
      throw new SkewOptionError(`training diverged at step ${step} (loss ${loss}); lower learningRate (e.g. 1e-3).`);
    losses.push(loss);
    if (options.log && ((step + 1) % logEvery === 0 || step === steps - 1)) {
      options.log(`step ${step + 1}/${steps}  loss ${loss.toFixed(3)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  optimizer.dispose();
  return { model, tokenizer, losses, seconds: (Date.now() - t0) / 1000, pairCounts };
}

export interface SkewReport {
  /** The skewed shape and the colour it was skewed towards. */
  shape: Shape;
  colour: Colour;
  /** Test images of `shape` in the OTHER colours. */
  otherColourImages: number;
  /** Share of those whose best prompt among "a photo of a {c} {shape}" (c over all colours) names `colour`. */
  favouredColourShare: number;
  /** Their mean probability (softmax over the colour prompts) for `colour`, and for their true colour. */
  meanFavouredProbability: number;
  meanTrueColourProbability: number;
  /** Colour accuracy on those images (best colour prompt = true colour). */
  colourAccuracy: number;
  /** Test images of OTHER shapes in `colour`: share whose best shape prompt ("a photo of a {colour} {s}") is `shape`. */
  otherShapeImages: number;
  favouredShapeShare: number;
  /** Shape accuracy on those images. */
  shapeAccuracy: number;
  /** Text side: cos(text("a photo of a {shape}"), text("a photo of a {colour} {shape}")) minus the mean over the other colours. */
  textAssociation: number;
  /**
   * Retrieval with the colour-free prompt "a photo of a {shape}": its mean cosine with test images of `shape` in
   * `colour` minus its mean cosine with `shape` images in the other colours (> 0: the bare word means that colour).
   */
  retrievalGap: number;
  /** Share of the top-`per` images retrieved by "a photo of a {shape}" (among all test stars, every colour) that are `colour`. */
  retrievalTopShare: number;
  /** The logit scale used for the probabilities. */
  logitScale: number;
}

const article = (w: string) => (/^[aeiou]/.test(w) ? 'an' : 'a');
const prompt = (colour: string, shape: string) => `a photo of ${article(colour)} ${colour} ${shape}`;

/**
 * Measures a (shape → colour) skew in a trained mini-CLIP on fresh, balanced test images (seeded):
 * do stars of other colours get called yellow, do yellow circles get called stars, and is the word "star" itself
 * closer to "yellow star" than to other colours?
 *
 * @example
 *   const r = await measureSkew(model, tokenizer, { shape: 'star', colour: 'yellow', perColour: 24 });
 *   r.favouredColourShare;   // 0.0 for a balanced model, higher when the data was skewed
 */
export async function measureSkew(
  model: MiniClip,
  tokenizer: MiniClipTokenizer,
  options: { shape: Shape; colour: Colour; perColour?: number; seed?: number },
): Promise<SkewReport> {
  const { shape, colour } = options;
  if (!SHAPES.includes(shape) || !COLOURS.includes(colour))
    throw new SkewOptionError(
      `measureSkew: (${colour}, ${shape}) is not a shapes-world pair; colours are ${COLOURS.join(', ')}, shapes ${SHAPES.join(', ')}.`,
    );
  const per = options.perColour ?? 24;
  const seed = options.seed ?? 4242;
  const s = model.config.imageSize;
  const logitScale = Math.exp(Math.min(model.logitScale.dataSync()[0], Math.log(100)));
  const otherColours = COLOURS.filter((c) => c !== colour);
  const otherShapes = SHAPES.filter((x) => x !== shape);
  const starSet = await generateShapePixels({
    seed,
    count: per * otherColours.length,
    pairs: otherColours.map((c) => ({ colour: c, shape })),
    heldOut: 'include',
    imageSize: s,
  });
  const colourSet = await generateShapePixels({
    seed: seed + 1,
    count: per * otherShapes.length,
    pairs: otherShapes.map((x) => ({ colour, shape: x })),
    heldOut: 'include',
    imageSize: s,
  });

  const probabilities = (pixels: Uint8Array, count: number, prompts: string[]) =>
    tf.tidy(() => {
      const img = embedImages(model, pixels, count);
      const txt = embedTexts(model, tokenizer, prompts);
      return tf.softmax(tf.mul(tf.matMul(img, txt, false, true), logitScale)).arraySync() as number[][];
    });

  const colourPrompts = COLOURS.map((c) => prompt(c, shape));
  const pStar = probabilities(starSet.pixels, starSet.examples.length, colourPrompts);
  const fav = COLOURS.indexOf(colour);
  let favouredTop = 0;
  let correct = 0;
  let favSum = 0;
  let trueSum = 0;
  starSet.examples.forEach((e, i) => {
    const row = pStar[i];
    const top = row.indexOf(Math.max(...row));
    if (top === fav) favouredTop++;
    if (COLOURS[top] === e.colour) correct++;
    favSum += row[fav];
    trueSum += row[COLOURS.indexOf(e.colour)];
  });

  const shapePrompts = SHAPES.map((x) => prompt(colour, x));
  const pShape = probabilities(colourSet.pixels, colourSet.examples.length, shapePrompts);
  const favShape = SHAPES.indexOf(shape);
  let shapeTop = 0;
  let shapeCorrect = 0;
  colourSet.examples.forEach((e, i) => {
    const row = pShape[i];
    const top = row.indexOf(Math.max(...row));
    if (top === favShape) shapeTop++;
    if (SHAPES[top] === e.shape) shapeCorrect++;
  });

  const cos = tf.tidy(() => {
    const t = embedTexts(model, tokenizer, [`a photo of ${article(shape)} ${shape}`, ...colourPrompts]);
    return tf.matMul(t.slice([0, 0], [1, -1]), t.slice([1, 0], [-1, -1]), false, true).dataSync();
  });
  const others = COLOURS.map((_, k) => cos[k]).filter((_, k) => k !== fav);
  const textAssociation = cos[fav] - others.reduce((a, b) => a + b, 0) / others.length;

  // Retrieval: the bare shape word against stars of every colour (the favoured colour included).
  const allColourSet = await generateShapePixels({
    seed: seed + 2,
    count: per * COLOURS.length,
    pairs: COLOURS.map((c) => ({ colour: c, shape })),
    heldOut: 'include',
    imageSize: s,
  });
  const bare = tf.tidy(() => {
    const img = embedImages(model, allColourSet.pixels, allColourSet.examples.length);
    const txt = embedTexts(model, tokenizer, [`a photo of ${article(shape)} ${shape}`]);
    return tf.matMul(img, txt, false, true).dataSync();
  });
  let favCos = 0;
  let favCount = 0;
  let otherCos = 0;
  allColourSet.examples.forEach((e, i) => {
    if (e.colour === colour) {
      favCos += bare[i];
      favCount++;
    } else otherCos += bare[i];
  });
  const retrievalGap = favCos / Math.max(1, favCount) - otherCos / Math.max(1, allColourSet.examples.length - favCount);
  const ranked = Array.from(bare, (v, i) => ({ v, i }))
    .sort((a, b) => b.v - a.v)
    .slice(0, per);
  const retrievalTopShare = ranked.filter((r) => allColourSet.examples[r.i].colour === colour).length / per;

  const n = starSet.examples.length;
  const m = colourSet.examples.length;
  return {
    shape,
    colour,
    otherColourImages: n,
    favouredColourShare: favouredTop / n,
    meanFavouredProbability: favSum / n,
    meanTrueColourProbability: trueSum / n,
    colourAccuracy: correct / n,
    otherShapeImages: m,
    favouredShapeShare: shapeTop / m,
    shapeAccuracy: shapeCorrect / m,
    textAssociation,
    retrievalGap,
    retrievalTopShare,
    logitScale,
  };
}
