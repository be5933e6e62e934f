/**
 * The emoji-CLIP's quality numbers, for any encoder (the TensorFlow.js model while training, the shipped ONNX
 * files in the quality test): zero-shot top-1 / top-5 on the eval list in each unseen style and on the held-out
 * icons of the training styles, and the same over all concepts drawn by ≥ 6 of the ten sets.
 *
 * @example
 *   const q = await measureEmojiClip(tfEmbedder(model, tokenizer), { seed: 1 });
 *   q.evalList.openmoji.top1;              // 0.66 (the shipped model)
 *   q.shared6['fluent-emoji-flat'].top5;   // 0.615
 */
import { MiniClipTokenizer } from '../../mini-clip/tokenizer';
import { conceptsInAtLeast } from './concepts';
import { DEFAULT_TEMPLATE } from './captions';
import { loadItemPixels } from './dataset';
import { RenderOptions } from './render';
import { EVAL_CONCEPTS, UNSEEN_EVAL_STYLES } from './eval-concepts';
import { ZeroShotScores, zeroShotScores } from './evaluate';
import { EmojiClip } from './model';
import { EmojiItem, emojiSplit } from './split';
import { loadEmojiSet } from './sets';
import { embedImagesTf, embedTextsTf, zeroShotLabelTexts } from './train';

/** Normalized embeddings from some encoder. */
export interface EmojiEmbedder {
  dim: number;
  imageSize: number;
  images(pixels: Uint8Array): Promise<Float32Array>;
  texts(texts: readonly string[]): Promise<Float32Array>;
}

/** The TensorFlow.js model as an EmojiEmbedder. */
export function tfEmbedder(model: EmojiClip, tokenizer: MiniClipTokenizer): EmojiEmbedder {
  return {
    dim: model.config.projectionDim,
    imageSize: model.config.imageSize,
    images: async (pixels) => embedImagesTf(model, pixels),
    texts: async (texts) => embedTextsTf(model, tokenizer, texts),
  };
}

export const SEEN_STYLES = 'seen styles (held-out icons)';

export interface EmojiClipQuality {
  template: string;
  /** Among the eval list (50 labels): openmoji, fluent-emoji-flat, and the held-out icons of the training styles. */
  evalList: Record<string, ZeroShotScores>;
  /** Among all concepts drawn by ≥ 6 of the ten sets (about 1,200 labels). */
  shared6: Record<string, ZeroShotScores>;
}

async function scoreGroup(
  e: EmojiEmbedder,
  items: EmojiItem[],
  labelKeys: string[],
  labelEmbeds: Float32Array,
  render: RenderOptions,
): Promise<ZeroShotScores> {
  const index = new Map(labelKeys.map((k, i) => [k, i]));
  const data = await loadItemPixels(items, { ...render, size: e.imageSize });
  return zeroShotScores(
    await e.images(data.pixels),
    labelEmbeds,
    e.dim,
    items.map((i) => index.get(i.key)!),
    labelKeys,
  );
}

/** Measures an embedder on the eval list and on all ≥ 6-set concepts (renders come from the cache or are made now). */
export async function measureEmojiClip(
  e: EmojiEmbedder,
  options: { seed?: number; template?: string; shared6?: boolean; render?: RenderOptions } = {},
): Promise<EmojiClipQuality> {
  const render = options.render ?? {};
  const seed = options.seed ?? 1;
  const template = options.template ?? DEFAULT_TEMPLATE;
  const heldOut = emojiSplit(seed).heldOut;
  const evalKeys = [...EVAL_CONCEPTS];
  const evalText = await e.texts(zeroShotLabelTexts(evalKeys, template));
  const evalList: Record<string, ZeroShotScores> = {};
  for (const style of UNSEEN_EVAL_STYLES)
    evalList[style] = await scoreGroup(
      e,
      evalKeys.map((key) => ({ key, set: style })),
      evalKeys,
      evalText,
      render,
    );
  evalList[SEEN_STYLES] = await scoreGroup(
    e,
    heldOut.filter((i) => EVAL_CONCEPTS.includes(i.key)),
    evalKeys,
    evalText,
    render,
  );
  const shared6: Record<string, ZeroShotScores> = {};
  if (options.shared6 !== false) {
    const keys = conceptsInAtLeast(6).map((c) => c.key);
    const keySet = new Set(keys);
    const text = await e.texts(zeroShotLabelTexts(keys, template));
    for (const style of UNSEEN_EVAL_STYLES) {
      const icons = loadEmojiSet(style).icons;
      shared6[style] = await scoreGroup(
        e,
        keys.filter((k) => icons.has(k)).map((key) => ({ key, set: style })),
        keys,
        text,
        render,
      );
    }
    shared6[SEEN_STYLES] = await scoreGroup(
      e,
      heldOut.filter((i) => keySet.has(i.key)),
      keys,
      text,
      render,
    );
  }
  return { template, evalList, shared6 };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The quality numbers as printable lines.
 *
 * @example
 *   formatQuality(q)[0];   // 'eval list (50 labels, template "an emoji of a {}"): openmoji top-1 66.0% top-5 92.0% (n 50) · …'
 */
export function formatQuality(q: EmojiClipQuality): string[] {
  const fmt = (r: Record<string, ZeroShotScores>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} top-1 ${pct(v.top1)} top-5 ${pct(v.top5)} (n ${v.n})`)
      .join(' · ');
  const lines = [`eval list (${EVAL_CONCEPTS.length} labels, template "${q.template}"): ${fmt(q.evalList)}`];
  if (Object.keys(q.shared6).length)
    lines.push(`all concepts in ≥ 6 sets (${conceptsInAtLeast(6).length} labels): ${fmt(q.shared6)}`);
  for (const style of Object.keys(q.evalList)) {
    const hits = Object.entries(q.evalList[style].perConcept)
      .map(([k, h]) => `${k}${h.top1 === h.n ? '✓' : h.top5 === h.n ? '·' : '✗'}`)
      .join(' ');
    lines.push(`per concept, ${style} (✓ top-1, · top-5, ✗ missed): ${hits}`);
  }
  return lines;
}
