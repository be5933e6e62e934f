/**
 * Trains the emoji-CLIP: CLIP's symmetric contrastive loss on (augmented icon, random caption) pairs of the
 * training styles, a batch holding each concept at most once. Deterministic in the seed and the step count (the
 * wasm backend computes in one thread, in a fixed order): the same options give the same weights, bit for bit.
 *
 * @example
 *   const run = await trainEmojiClip({ seed: 1, steps: 20, log: console.log });
 *   run.history[0];   // { step: 20, loss: 5.1, evalList: { openmoji: { top1: 0.02, top5: 0.12 }, … }, seconds: 25 } (about)
 *   // the shipped run (2800 steps) ends at loss 1.28, eval-list top-1 openmoji 0.66, fluent-emoji-flat 0.68
 */
import { tf } from '../../course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { CLIP_LOGIT_SCALE_MAX } from '../../embeddings/contrastive';
import { seededRandom } from '../shapes';
import { MiniClipTokenizer } from '../../mini-clip/tokenizer';
import { EmojiConcept, emojiConcepts } from './concepts';
import { DEFAULT_TEMPLATE, emojiTokenizer, fillTemplate, sampleCaption } from './captions';
import { AUGMENT, AugmentProbabilities, augmentInto, loadItemPixels, toPixelValues, ItemPixels } from './dataset';
import { EVAL_CONCEPTS, UNSEEN_EVAL_STYLES } from './eval-concepts';
import { ZeroShotScores, normalizeRows, zeroShotScores } from './evaluate';
import {
  EmojiClip,
  EmojiClipConfig,
  bagOfWords,
  constantInput,
  defaultEmojiClipConfig,
  matMulFast,
  patchRows,
} from './model';
import { EmojiItem, emojiSplit } from './split';
import { EmojiWorldError } from './errors';

/** L2-normalized image embeddings [n, D] (flat) of RGB bytes, in batches. */
export function embedImagesTf(model: EmojiClip, pixels: Uint8Array, batchSize = 128): Float32Array {
  const s = model.config.imageSize;
  const per = s * s * 3;
  const n = pixels.length / per;
  const d = model.config.projectionDim;
  const out = new Float32Array(n * d);
  for (let start = 0; start < n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const e = tf.tidy(() => model.encodeImage(tf.tensor4d(toPixelValues(pixels, s, idx), [idx.length, 3, s, s])));
    out.set(e.dataSync(), start * d);
    e.dispose();
  }
  return normalizeRows(out, d);
}

/** L2-normalized text embeddings [n, D] (flat). */
export function embedTextsTf(model: EmojiClip, tokenizer: MiniClipTokenizer, texts: readonly string[]): Float32Array {
  const { inputIds, attentionMask } = tokenizer.batch(texts);
  const e = model.encodeText(inputIds, attentionMask);
  const out = Float32Array.from(e.dataSync());
  e.dispose();
  return normalizeRows(out, model.config.projectionDim);
}

/** The zero-shot labels of concept keys in a template ("an emoji of a cat face"). */
export function zeroShotLabelTexts(keys: readonly string[], template = DEFAULT_TEMPLATE): string[] {
  const concepts = emojiConcepts();
  return keys.map((k) => {
    const c = concepts.get(k);
    if (!c)
      throw new EmojiWorldError(`concept "${k}" is not drawn by any emoji set the course knows.`, {
        fix: 'Use keys from emojiConcepts().',
      });
    return fillTemplate(template, c.label);
  });
}

export interface EvalGroup {
  name: string;
  items: EmojiItem[];
  data: ItemPixels;
}

/** The monitoring groups: the eval list in each unseen style, and the eval list's held-out icons of the training styles. */
export async function evalListGroups(seed: number, size: number): Promise<EvalGroup[]> {
  const groups: EvalGroup[] = [];
  for (const style of UNSEEN_EVAL_STYLES) {
    const items = EVAL_CONCEPTS.map((key) => ({ key, set: style }));
    groups.push({ name: style, items, data: await loadItemPixels(items, { size }) });
  }
  const seen = emojiSplit(seed).heldOut.filter((i) => EVAL_CONCEPTS.includes(i.key));
  groups.push({ name: 'seen styles (held-out icons)', items: seen, data: await loadItemPixels(seen, { size }) });
  return groups;
}

/** Zero-shot scores of a tf model on groups, among `labelKeys` written in `template`. */
export function evaluateGroups(
  model: EmojiClip,
  tokenizer: MiniClipTokenizer,
  groups: readonly EvalGroup[],
  labelKeys: readonly string[],
  template = DEFAULT_TEMPLATE,
): Record<string, ZeroShotScores> {
  const text = embedTextsTf(model, tokenizer, zeroShotLabelTexts(labelKeys, template));
  const index = new Map(labelKeys.map((k, i) => [k, i]));
  const out: Record<string, ZeroShotScores> = {};
  for (const g of groups) {
    const img = embedImagesTf(model, g.data.pixels);
    out[g.name] = zeroShotScores(
      img,
      text,
      model.config.projectionDim,
      g.items.map((i) => index.get(i.key)!),
      labelKeys,
    );
  }
  return out;
}

export interface TrainEmojiClipOptions {
  seed?: number;
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  /** Train only on concepts drawn by at least this many training styles (default 2): a concept seen in one style teaches little about style. */
  minStyles?: number;
  /** Steps between evaluations (default 50). */
  evalEvery?: number;
  config?: Partial<EmojiClipConfig>;
  /** Augmentation probabilities to change (default: the shipped model's, `AUGMENT`). */
  augment?: Partial<AugmentProbabilities>;
  log?: (line: string) => void;
  /** Called after every step (step, loss) — for a progress bar. */
  onStep?: (step: number, loss: number, evalLine: string) => void;
}

export interface TrainReport {
  step: number;
  loss: number;
  logitScale: number;
  learningRate: number;
  evalList: Record<string, { top1: number; top5: number }>;
  seconds: number;
}

export interface TrainEmojiClipResult {
  model: EmojiClip;
  tokenizer: MiniClipTokenizer;
  losses: number[];
  history: TrainReport[];
  options: Required<Omit<TrainEmojiClipOptions, 'log' | 'onStep' | 'config' | 'augment'>> & {
    augment: AugmentProbabilities;
  };
  trainItems: number;
  trainConcepts: number;
}

/** Learning rate at `step`: linear warm-up over 5 % of the steps, then a cosine down to 5 %. */
export function learningRateAt(step: number, steps: number, base: number): number {
  const warm = Math.max(1, Math.round(0.05 * steps));
  if (step < warm) return (base * (step + 1)) / warm;
  const t = (step - warm) / Math.max(1, steps - warm);
  return base * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The shipped model's training settings (`npm run train:emoji-clip` uses them). */
export const EMOJI_TRAINING_DEFAULTS = {
  seed: 1,
  steps: 2800,
  batchSize: 128,
  learningRate: 3e-3,
  evalEvery: 100,
  minStyles: 2,
} as const;

export async function trainEmojiClip(options: TrainEmojiClipOptions = {}): Promise<TrainEmojiClipResult> {
  const d = EMOJI_TRAINING_DEFAULTS;
  const o = {
    seed: options.seed ?? d.seed,
    steps: options.steps ?? d.steps,
    batchSize: options.batchSize ?? d.batchSize,
    learningRate: options.learningRate ?? d.learningRate,
    evalEvery: options.evalEvery ?? d.evalEvery,
    minStyles: options.minStyles ?? d.minStyles,
    augment: { ...AUGMENT, ...options.augment },
  };
  if (!(Number.isInteger(o.steps) && o.steps > 0))
    throw new EmojiWorldError(`steps = ${o.steps} is not a positive whole number.`, { fix: 'Pass e.g. steps: 400.' });
  const log = options.log ?? (() => undefined);
  const tokenizer = emojiTokenizer();
  const config = defaultEmojiClipConfig({ vocabSize: tokenizer.vocabSize, ...options.config });
  const s = config.imageSize;
  const per = s * s * 3;
  const split = emojiSplit(o.seed);
  const styleCount = new Map<string, number>();
  for (const i of [...split.train, ...split.heldOut]) styleCount.set(i.key, (styleCount.get(i.key) ?? 0) + 1);
  const trainItems = split.train.filter((i) => (styleCount.get(i.key) ?? 0) >= o.minStyles);
  const data = await loadItemPixels(trainItems, { size: s });
  const concepts = emojiConcepts();
  const byConcept = new Map<string, number[]>();
  trainItems.forEach((item, i) => byConcept.set(item.key, [...(byConcept.get(item.key) ?? []), i]));
  const conceptKeys = [...byConcept.keys()];
  if (conceptKeys.length < o.batchSize)
    throw new EmojiWorldError(`batchSize ${o.batchSize} exceeds the ${conceptKeys.length} training concepts.`, {
      fix: 'Use a smaller batch.',
    });
  const groups = await evalListGroups(o.seed, s);
  log(
    `training data: ${trainItems.length} icons of ${conceptKeys.length} concepts (drawn by ≥ ${o.minStyles} training styles) in ${[...new Set(trainItems.map((i) => i.set))].join(', ')}; held out ${split.heldOut.length} icons`,
  );

  const model = EmojiClip.create(config, o.seed);
  const optimizer = tf.train.adam(o.learningRate);
  const rng = seededRandom(o.seed * 7919 + 3);
  const order = conceptKeys.slice();
  let cursor = order.length;
  const losses: number[] = [];
  const history: TrainReport[] = [];
  const t0 = Date.now();
  let evalLine = '';
  const V = config.vocabSize;
  const evaluate = (step: number, loss: number) => {
    const scores = evaluateGroups(model, tokenizer, groups, EVAL_CONCEPTS);
    const evalList = Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, { top1: v.top1, top5: v.top5 }]));
    const report: TrainReport = {
      step,
      loss,
      logitScale: Math.min(model.logitScale.dataSync()[0], CLIP_LOGIT_SCALE_MAX),
      learningRate: learningRateAt(Math.min(step, o.steps - 1), o.steps, o.learningRate),
      evalList,
      seconds: (Date.now() - t0) / 1000,
    };
    history.push(report);
    evalLine = Object.entries(evalList)
      .map(([k, v]) => `${k.split(' ')[0]} ${pct(v.top1)}/${pct(v.top5)}`)
      .join(' · ');
    log(
      `step ${step}/${o.steps}  loss ${loss.toFixed(3)}  top-1/top-5 on the eval list: ${evalLine}  ${report.seconds.toFixed(0)} s`,
    );
  };
  for (let step = 0; step < o.steps; step++) {
    const batchConcepts: EmojiConcept[] = [];
    const batchItems: number[] = [];
    while (batchItems.length < o.batchSize) {
      if (cursor >= order.length) {
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        cursor = 0;
      }
      const key = order[cursor++];
      if (batchConcepts.some((c) => c.key === key)) continue;
      const options = byConcept.get(key)!;
      batchItems.push(options[Math.floor(rng() * options.length)]);
      batchConcepts.push(concepts.get(key)!);
    }
    const B = batchItems.length;
    const px = new Float32Array(B * per);
    batchItems.forEach((item, k) => augmentInto(data.pixels, item, s, px, k * per, rng, o.augment));
    const captions = batchConcepts.map((c) => sampleCaption(c, rng));
    const { inputIds, attentionMask } = tokenizer.batch(captions);
    const bow = bagOfWords(inputIds, attentionMask, V);
    (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(step, o.steps, o.learningRate);
    const lossValue = tf.tidy(() => {
      const p = config.patchSize;
      const images = constantInput(patchRows(px, B, s, p), (B * s * s) / (p * p), 3 * p * p);
      const words = constantInput(bow, B, V);
      const loss = optimizer.minimize(
        () => {
          const a = model.encodePatches(images, B);
          const b = model.encodeBagOfWords(words);
          const an = tf.div(a, tf.add(tf.norm(a, 'euclidean', 1, true), 1e-12)) as tfTypes.Tensor2D;
          const bn = tf.div(b, tf.add(tf.norm(b, 'euclidean', 1, true), 1e-12)) as tfTypes.Tensor2D;
          const logits = tf.mul(
            matMulFast(an, tf.transpose(bn) as tfTypes.Tensor2D),
            tf.exp(tf.minimum(model.logitScale, CLIP_LOGIT_SCALE_MAX)),
          );
          const diagonal = tf.mul(
            tf.sum(tf.mul(an, bn), 1),
            tf.exp(tf.minimum(model.logitScale, CLIP_LOGIT_SCALE_MAX)),
          );
          const lossImages = tf.mean(tf.sub(tf.logSumExp(logits, 1), diagonal));
          const lossTexts = tf.mean(tf.sub(tf.logSumExp(logits, 0), diagonal));
          return tf.div(tf.add(lossImages, lossTexts), 2) as tfTypes.Scalar;
        },
        true,
        model.trainableVariables(),
      ) as tfTypes.Scalar;
      return loss.dataSync()[0];
    });
    if (!Number.isFinite(lossValue))
      throw new EmojiWorldError(`training diverged at step ${step} (loss ${lossValue}).`, {
        fix: 'Lower learningRate.',
      });
    losses.push(lossValue);
    options.onStep?.(step + 1, lossValue, evalLine);
    if ((step + 1) % o.evalEvery === 0 || step + 1 === o.steps) {
      const recent = losses.slice(-o.evalEvery);
      evaluate(step + 1, recent.reduce((a, b) => a + b, 0) / recent.length);
    }
  }
  optimizer.dispose();
  return {
    model,
    tokenizer,
    losses,
    history,
    options: o,
    trainItems: trainItems.length,
    trainConcepts: conceptKeys.length,
  };
}
