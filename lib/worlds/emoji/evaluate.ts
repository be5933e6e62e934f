/**
 * Zero-shot evaluation: each image's embedding against the labels' embeddings (all L2-normalized); top-1 and
 * top-5 accuracy and the hits per concept. Works for any encoder: pass the embeddings.
 *
 * @example
 *   const r = zeroShotScores(imageEmbeds, textEmbeds, 128, truth, labelKeys);
 *   r.top1;                          // 0.6 (the shipped model on fluent-emoji-flat's eval list)
 *   r.perConcept.catface;            // { n: 1, top1: 1, top5: 1, predicted: ['catface'] }
 */
import { EmojiWorldError } from './errors';

export interface ConceptHits {
  n: number;
  top1: number;
  top5: number;
  /** The top-1 predictions (label keys), one per image. */
  predicted: string[];
}

export interface ZeroShotScores {
  n: number;
  top1: number;
  top5: number;
  perConcept: Record<string, ConceptHits>;
}

/** Rows of `x` ([n, d], flat) scaled to unit length (in place; returns x). */
export function normalizeRows(x: Float32Array, d: number): Float32Array {
  for (let i = 0; i < x.length / d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < d; j++) x[i * d + j] *= inv;
  }
  return x;
}

/**
 * Top-1 / top-5 of normalized image embeddings against normalized label embeddings. `truth[i]` is the label index of
 * image i; `labelKeys[k]` names label k.
 */
export function zeroShotScores(
  images: Float32Array,
  labels: Float32Array,
  d: number,
  truth: readonly number[],
  labelKeys: readonly string[],
): ZeroShotScores {
  const n = images.length / d;
  const k = labels.length / d;
  if (n !== truth.length || k !== labelKeys.length)
    throw new EmojiWorldError(
      `zeroShotScores: ${n} images for ${truth.length} truths, ${k} labels for ${labelKeys.length} keys.`,
      { fix: 'Pass one truth per image and one key per label.' },
    );
  const perConcept: Record<string, ConceptHits> = {};
  let top1 = 0;
  let top5 = 0;
  const sims = new Float32Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += images[i * d + t] * labels[j * d + t];
      sims[j] = s;
    }
    const own = sims[truth[i]];
    let better = 0;
    let best = 0;
    for (let j = 0; j < k; j++) {
      if (sims[j] > own || (sims[j] === own && j < truth[i])) better++;
      if (sims[j] > sims[best]) best = j;
    }
    const key = labelKeys[truth[i]];
    const c = (perConcept[key] ??= { n: 0, top1: 0, top5: 0, predicted: [] });
    c.n++;
    c.predicted.push(labelKeys[best]);
    if (better === 0) {
      top1++;
      c.top1++;
    }
    if (better < 5) {
      top5++;
      c.top5++;
    }
  }
  return { n, top1: n ? top1 / n : 0, top5: n ? top5 / n : 0, perConcept };
}
