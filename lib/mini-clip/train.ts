/**
 * Training and zero-shot evaluation of the mini-CLIP on the shapes world, with `clipLoss`.
 *
 * @example
 *   const run = await trainMiniClip({ seed: 1, epochs: 2, trainImages: 2000, log: console.log });
 *   // epoch 1/2  loss 2.91  seen 41.3%  held-out 30.0%  (12.1 s)
 *   run.final.heldOut.accuracy;   // e.g. 0.8
 */
import { tf } from '../course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { clipLoss, CLIP_LOGIT_SCALE_MAX } from '../embeddings/contrastive';
import {
  COLOURS,
  SHAPES,
  Colour,
  Shape,
  ShapeExample,
  generateShapePixels,
  seededRandom,
  SHAPES_IMAGE_SIZE,
} from '../worlds/shapes';
import { MiniClip, MiniClipConfig, defaultMiniClipConfig, toPixelValues, VisionVariant } from './model';
import { MiniClipTokenizer } from './tokenizer';
import { matMulByTranspose } from '../embeddings/xnnpack';

/** The zero-shot prompt template of the course's quality test; {a} becomes "a" or "an", as in the training captions. */
export const ZERO_SHOT_TEMPLATE = 'a photo of {a} {colour} {shape}';

/**
 * All 24 colour × shape labels, as prompts ("a photo of a red circle", "a photo of an orange star"): `{a}` in the
 * template becomes the article the next word needs, as in the training captions (`fillTemplate` in lib/worlds/shapes).
 */
export function zeroShotLabels(template = ZERO_SHOT_TEMPLATE): Array<{ text: string; colour: Colour; shape: Shape }> {
  const fill = (colour: Colour, shape: Shape) =>
    template
      .replace('{colour}', colour)
      .replace('{shape}', shape)
      .replace(/\{a\} (\w+)/g, (_, w: string) => `${/^[aeiou]/.test(w) ? 'an' : 'a'} ${w}`);
  return COLOURS.flatMap((colour) => SHAPES.map((shape) => ({ colour, shape, text: fill(colour, shape) })));
}

export interface AccuracyReport {
  /** Images evaluated. */
  n: number;
  /** Fraction whose top label is the right (colour, shape). */
  accuracy: number;
  /** Fraction whose top label has the right colour / the right shape. */
  colourAccuracy: number;
  shapeAccuracy: number;
}

export interface ZeroShotReport {
  seen: AccuracyReport;
  heldOut: AccuracyReport;
}

/** L2-normalized embeddings of all images (in batches) as a [N, D] tensor. */
export function embedImages(model: MiniClip, pixels: Uint8Array, count: number, batchSize = 256): tfTypes.Tensor2D {
  const s = model.config.imageSize;
  const parts: tfTypes.Tensor2D[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
    parts.push(
      tf.tidy(() => {
        const e = model.encodeImage(tf.tensor4d(toPixelValues(pixels, s, idx), [idx.length, 3, s, s]));
        return tf.div(e, tf.norm(e, 'euclidean', 1, true)) as tfTypes.Tensor2D;
      }),
    );
  }
  const all = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return all;
}

/** L2-normalized text embeddings [N, D]. */
export function embedTexts(model: MiniClip, tokenizer: MiniClipTokenizer, texts: readonly string[]): tfTypes.Tensor2D {
  const { inputIds, attentionMask } = tokenizer.batch(texts);
  return tf.tidy(() => {
    const e = model.encodeText(inputIds, attentionMask);
    return tf.div(e, tf.norm(e, 'euclidean', 1, true)) as tfTypes.Tensor2D;
  });
}

/** Zero-shot accuracy among all 24 labels, on images with known colour and shape. */
export function zeroShotAccuracy(
  model: MiniClip,
  tokenizer: MiniClipTokenizer,
  pixels: Uint8Array,
  examples: readonly ShapeExample[],
): AccuracyReport {
  const labels = zeroShotLabels();
  const predicted = tf.tidy(() => {
    const img = embedImages(model, pixels, examples.length);
    const txt = embedTexts(
      model,
      tokenizer,
      labels.map((l) => l.text),
    );
    return tf.argMax(matMulByTranspose(img, txt), 1).dataSync();
  });
  let right = 0;
  let colour = 0;
  let shape = 0;
  examples.forEach((e, i) => {
    const p = labels[predicted[i]];
    if (p.colour === e.colour) colour++;
    if (p.shape === e.shape) shape++;
    if (p.colour === e.colour && p.shape === e.shape) right++;
  });
  const n = examples.length;
  return { n, accuracy: right / n, colourAccuracy: colour / n, shapeAccuracy: shape / n };
}

/** Fresh evaluation images (never seen in training): seen pairs and held-out pairs. */
export async function evaluationSet(seed: number, count: number, imageSize = SHAPES_IMAGE_SIZE) {
  const seen = await generateShapePixels({ seed: seed * 7919 + 1, count, heldOut: 'exclude', imageSize });
  const heldOut = await generateShapePixels({ seed: seed * 7919 + 2, count, heldOut: 'only', imageSize });
  return { seen, heldOut };
}

export async function evaluateZeroShot(
  model: MiniClip,
  tokenizer: MiniClipTokenizer,
  evalSet: Awaited<ReturnType<typeof evaluationSet>>,
): Promise<ZeroShotReport> {
  return {
    seen: zeroShotAccuracy(model, tokenizer, evalSet.seen.pixels, evalSet.seen.examples),
    heldOut: zeroShotAccuracy(model, tokenizer, evalSet.heldOut.pixels, evalSet.heldOut.examples),
  };
}

export interface TrainMiniClipOptions {
  /** Seed of the data, the initial weights and the batch order (default 1). */
  seed?: number;
  /** Image encoder variant (default 'factored'; 'plain' shows the shortcut). */
  variant?: VisionVariant;
  /** Training images, generated once with the held-out pairs excluded (default 8000). */
  trainImages?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Evaluation images per group (seen, held-out), evaluated after every epoch (default 384). */
  evalImages?: number;
  /** Config overrides (widths). */
  config?: Partial<MiniClipConfig>;
  /** Receives one line per epoch. */
  log?: (line: string) => void;
  /** Called after every step with the loss (for live loss curves). */
  onStep?: (step: number, loss: number) => void;
}

export interface EpochReport {
  epoch: number;
  steps: number;
  loss: number;
  logitScale: number;
  seen: AccuracyReport;
  heldOut: AccuracyReport;
  seconds: number;
}

export interface TrainMiniClipResult {
  model: MiniClip;
  tokenizer: MiniClipTokenizer;
  history: EpochReport[];
  /** Loss after every step. */
  losses: number[];
  final: ZeroShotReport;
  options: Required<Omit<TrainMiniClipOptions, 'log' | 'onStep' | 'config'>>;
}

/**
 * Trains a mini-CLIP with `clipLoss` on freshly generated shapes (held-out pairs excluded) and reports zero-shot
 * accuracy on seen and held-out pairs after each epoch. Deterministic in `seed`.
 */
export async function trainMiniClip(options: TrainMiniClipOptions = {}): Promise<TrainMiniClipResult> {
  const o = {
    seed: options.seed ?? 1,
    variant: options.variant ?? 'factored',
    trainImages: options.trainImages ?? 8000,
    epochs: options.epochs ?? 8,
    batchSize: options.batchSize ?? 128,
    learningRate: options.learningRate ?? 2e-3,
    evalImages: options.evalImages ?? 384,
  };
  const log = options.log ?? (() => undefined);
  const tokenizer = MiniClipTokenizer.default();
  const config = defaultMiniClipConfig({ variant: o.variant, vocabSize: tokenizer.vocabSize, ...options.config });
  const s = config.imageSize;
  const train = await generateShapePixels({ seed: o.seed, count: o.trainImages, heldOut: 'exclude', imageSize: s });
  const evalSet = await evaluationSet(o.seed, o.evalImages, s);
  const tokens = tokenizer.batch(train.examples.map((e) => e.caption));
  const model = MiniClip.create(config, o.seed);
  const optimizer = tf.train.adam(o.learningRate);
  const order = Array.from({ length: o.trainImages }, (_, i) => i);
  const rng = seededRandom(o.seed + 17);
  const stepsPerEpoch = Math.floor(o.trainImages / o.batchSize);
  const history: EpochReport[] = [];
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = Date.now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let b = 0; b < stepsPerEpoch; b++) {
      const idx = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
      const lossValue = contrastiveStep(model, optimizer, train.pixels, s, tokens, idx);
      if (!Number.isFinite(lossValue))
        throw new Error(`training diverged at step ${step} (loss ${lossValue}); lower learningRate.`);
      losses.push(lossValue);
      options.onStep?.(step, lossValue);
      epochLoss += lossValue;
      step++;
    }
    const report = await evaluateZeroShot(model, tokenizer, evalSet);
    const entry: EpochReport = {
      epoch,
      steps: step,
      loss: epochLoss / stepsPerEpoch,
      logitScale: Math.min(model.logitScale.dataSync()[0], CLIP_LOGIT_SCALE_MAX),
      seen: report.seen,
      heldOut: report.heldOut,
      seconds: (Date.now() - t0) / 1000,
    };
    history.push(entry);
    log(formatEpoch(entry, o.epochs));
  }
  optimizer.dispose();
  return {
    model,
    tokenizer,
    history,
    losses,
    final: { seen: history[history.length - 1].seen, heldOut: history[history.length - 1].heldOut },
    options: o,
  };
}

/**
 * One optimisation step: `clipLoss` of the images `idx` of a generated set (pixels as from
 * `generateShapePixels`, `imageSize` square) against their tokenized captions, minimised by `optimizer` over the
 * model's trainable variables. Returns the batch loss before the update. Used by `trainMiniClip` and by the
 * skewed-data experiment (lib/pitfalls/skew.ts).
 *
 * @example
 *   const loss = contrastiveStep(model, tf.train.adam(2e-3), train.pixels, 48, tokenizer.batch(captions), [0, 5, 9, 12]);
 *   // 4.1 (nats; ln 4 ≈ 1.39 is where random embeddings sit for a batch of 4)
 */
export function contrastiveStep(
  model: MiniClip,
  optimizer: tfTypes.Optimizer,
  pixels: Uint8Array,
  imageSize: number,
  tokens: { inputIds: number[][]; attentionMask: number[][] },
  idx: readonly number[],
): number {
  return tf.tidy(() => {
    const px = tf.tensor4d(toPixelValues(pixels, imageSize, idx), [idx.length, 3, imageSize, imageSize]);
    const ids = tf.tensor2d(
      idx.map((k) => tokens.inputIds[k]),
      undefined,
      'int32',
    );
    const mask = tf.tensor2d(
      idx.map((k) => tokens.attentionMask[k]),
      undefined,
      'float32',
    );
    // The weight-free part of the image encoder runs before the gradient tape starts (same numbers, no tape copies).
    const prepared = model.prepareImage(px);
    const loss = optimizer.minimize(
      () =>
        clipLoss(model.encodePrepared(prepared), model.encodeText(ids, mask), model.logitScale, { validate: false }),
      true,
      model.trainableVariables(),
    ) as tfTypes.Scalar;
    return loss.dataSync()[0];
  });
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatEpoch(e: EpochReport, epochs: number): string {
  return (
    `epoch ${e.epoch}/${epochs}  loss ${e.loss.toFixed(3)}  scale ${Math.exp(e.logitScale).toFixed(1)}  ` +
    `seen ${pct(e.seen.accuracy)} (colour ${pct(e.seen.colourAccuracy)}, shape ${pct(e.seen.shapeAccuracy)})  ` +
    `held-out ${pct(e.heldOut.accuracy)} (colour ${pct(e.heldOut.colourAccuracy)}, shape ${pct(e.heldOut.shapeAccuracy)})  ${e.seconds.toFixed(1)} s`
  );
}
