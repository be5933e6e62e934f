/**
 * Concepts across sets: an icon's concept is its name without hyphens (`conceptKey`), so 'cat-face' in noto,
 * twemoji, openmoji … and 'catface' in fxemoji are one concept. Each concept gets its official name, keywords and
 * category from emojibase-data (MIT) when its name matches an emojibase label, else its name with spaces.
 *
 * @example
 *   const world = emojiConcepts();
 *   world.get('catface');
 *   // { key: 'catface', label: 'cat face', tags: ['animal', 'cat', 'face', 'kitten', 'kitty', 'pet'],
 *   //   group: 'animals-nature', subgroup: 'animal-mammal', emoji: '🐱', sets: ['noto', 'noto-v1', 'twemoji', …] }
 *   world.size;                    // 4814
 *   conceptsInAtLeast(6).length;   // 1217 concepts drawn by 6 or more of the 10 sets
 */
import { EMOJI_SET_NAMES, EmojiSetName, conceptKey, loadEmojiSet } from './sets';

export interface EmojiConcept {
  key: string;
  /** Official name ('cat face'), used in captions and zero-shot labels. */
  label: string;
  /** emojibase keywords ([] when unmatched). */
  tags: string[];
  /** emojibase group and subgroup keys ('' when unmatched). */
  group: string;
  subgroup: string;
  /** The emoji character ('' when unmatched). */
  emoji: string;
  /** Sets that draw it, in EMOJI_SET_NAMES order. */
  sets: EmojiSetName[];
}

interface EmojibaseEntry {
  label: string;
  tags?: string[];
  emoji: string;
  group?: number;
  subgroup?: number;
}
interface EmojibaseMessages {
  groups: Array<{ key: string; order: number }>;
  subgroups: Array<{ key: string; order: number }>;
}

let concepts: Map<string, EmojiConcept> | undefined;

/** All concepts of all ten sets, by key (built once per process). */
export function emojiConcepts(): Map<string, EmojiConcept> {
  if (concepts) return concepts;
  const data = require('emojibase-data/en/data.json') as EmojibaseEntry[];
  const messages = require('emojibase-data/en/messages.json') as EmojibaseMessages;
  const groups = new Map(messages.groups.map((g) => [g.order, g.key]));
  const subgroups = new Map(messages.subgroups.map((g) => [g.order, g.key]));
  const byLabel = new Map<string, EmojibaseEntry>();
  for (const e of data) if (!byLabel.has(conceptKey(e.label))) byLabel.set(conceptKey(e.label), e);
  const out = new Map<string, EmojiConcept>();
  for (const setName of EMOJI_SET_NAMES) {
    for (const icon of loadEmojiSet(setName).icons.values()) {
      let c = out.get(icon.key);
      if (!c) {
        const e = byLabel.get(icon.key);
        c = {
          key: icon.key,
          label: e ? e.label.toLowerCase().replace(/[“”"]/g, '') : icon.name.replace(/-/g, ' '),
          tags: e?.tags ? [...e.tags] : [],
          group: e?.group !== undefined ? (groups.get(e.group) ?? '') : '',
          subgroup: e?.subgroup !== undefined ? (subgroups.get(e.subgroup) ?? '') : '',
          emoji: e?.emoji ?? '',
          sets: [],
        };
        out.set(icon.key, c);
      } else if (!c.label.includes(' ') && icon.name.includes('-') && !byLabel.has(icon.key)) {
        c.label = icon.name.replace(/-/g, ' '); // prefer a spaced name over fxemoji's run-together one
      }
      c.sets.push(setName);
    }
  }
  concepts = out;
  return out;
}

/**
 * Concepts drawn by at least `n` sets (of `among`, default all ten), sorted by key.
 *
 * @example
 *   conceptsInAtLeast(6).map((c) => c.key).includes('rocket');   // true
 */
export function conceptsInAtLeast(n: number, among: readonly EmojiSetName[] = EMOJI_SET_NAMES): EmojiConcept[] {
  const amongSet = new Set(among);
  return [...emojiConcepts().values()]
    .filter((c) => c.sets.filter((s) => amongSet.has(s)).length >= n)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
