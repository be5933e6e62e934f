/**
 * The split by style. Training uses only permissively licensed sets that are neither Fluent nor OpenMoji (no
 * CC-BY-SA art in the shipped weights); openmoji and fluent-emoji-flat are the unseen test styles; fluent-emoji
 * (3D) and emojione-v1 (CC-BY-SA) are used for nothing. Inside the training styles some icons are held out, to
 * measure the seen-style number beside the unseen-style one: one icon of every eval-list concept, and about 8 %
 * of the other icons of concepts drawn by three or more training styles.
 *
 * @example
 *   STYLE_SPLIT.train;                   // ['noto', 'noto-v1', 'twemoji', 'emojione', 'fxemoji', 'streamline-emojis']
 *   const s = emojiSplit(1);
 *   s.heldOut.filter((i) => i.key === 'catface');   // [{ key: 'catface', set: 'noto-v1' }] (one training style)
 *   [s.train.length, s.heldOut.length];  // [7283, 520] (concept, style) icons
 */
import { EmojiSetName, loadEmojiSet } from './sets';
import { EVAL_CONCEPTS } from './eval-concepts';
import { EmojiWorldError } from './errors';

export const STYLE_SPLIT = {
  train: ['noto', 'noto-v1', 'twemoji', 'emojione', 'fxemoji', 'streamline-emojis'] as EmojiSetName[],
  test: ['openmoji', 'fluent-emoji-flat'] as EmojiSetName[],
  unused: ['fluent-emoji', 'emojione-v1'] as EmojiSetName[],
} as const;

export interface EmojiItem {
  key: string;
  set: EmojiSetName;
}

export interface EmojiSplit {
  seed: number;
  /** (concept, style) icons of the training styles used for training. */
  train: EmojiItem[];
  /** Icons of the training styles kept out of training (the seen-style test). */
  heldOut: EmojiItem[];
}

/**
 * A stable 32-bit hash of a string and a seed (FNV-1a), for splits that do not depend on iteration order.
 *
 * @example
 *   stableHash('catface', 1);   // 2265261921
 */
export function stableHash(text: string, seed: number): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, 2246822507) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** The held-out fraction of icons of concepts drawn by ≥ 3 training styles (besides the eval list's one icon each). */
export const HELD_OUT_FRACTION = 0.08;

/** The split of the training styles' icons, deterministic in `seed`. */
export function emojiSplit(seed: number): EmojiSplit {
  if (!Number.isInteger(seed))
    throw new EmojiWorldError(`split seed ${seed} is not an integer.`, { fix: 'Pass e.g. emojiSplit(1).' });
  const byKey = new Map<string, EmojiSetName[]>();
  for (const set of STYLE_SPLIT.train) {
    for (const key of loadEmojiSet(set).icons.keys()) {
      const sets = byKey.get(key) ?? [];
      sets.push(set);
      byKey.set(key, sets);
    }
  }
  const evalSet = new Set(EVAL_CONCEPTS);
  const train: EmojiItem[] = [];
  const heldOut: EmojiItem[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const sets = byKey.get(key)!;
    let out = new Set<EmojiSetName>();
    if (evalSet.has(key)) {
      out = new Set([sets[stableHash(key, seed) % sets.length]]);
    } else if (sets.length >= 3) {
      for (const set of sets) if (stableHash(`${key}/${set}`, seed) / 2 ** 32 < HELD_OUT_FRACTION) out.add(set);
      if (out.size >= sets.length - 1) out = new Set([...out].slice(0, 1));
    }
    for (const set of sets) (out.has(set) ? heldOut : train).push({ key, set });
  }
  return { seed, train, heldOut };
}
