/**
 * Captions and the text side's vocabulary. A caption is a template ("an emoji of a {}") filled with one phrase of
 * the concept: its official name, one of its emojibase keywords, or its category ("fruit", "an animal" …). The
 * vocabulary is every word of every concept's names, keywords and categories, the templates' words and a few words
 * the chapter uses; the tokenizer is the course's WordPiece (lib/mini-clip/tokenizer.ts) over it.
 *
 * @example
 *   fillTemplate('a photo of a {}', 'cat face');                 // 'a photo of a cat face'
 *   conceptPhrases(emojiConcepts().get('redapple')!).category;   // ['fruit']
 *   const tok = emojiTokenizer();
 *   tok.tokenize('a photo of a remote control');                 // ['a', 'photo', 'of', 'a', 'remote', 'control']
 *   sampleCaption(emojiConcepts().get('catface')!, seededRandom(1));   // 'a drawing of a cat face'
 *   emojiTokenizer().vocabSize;                                        // 4448
 */
import { MiniClipTokenizer, SPECIAL_TOKENS } from '../../mini-clip/tokenizer';
import { EmojiConcept, emojiConcepts } from './concepts';

/** Templates used in training (each equally likely); '{}' is replaced by the phrase. */
export const CAPTION_TEMPLATES = [
  'an emoji of a {}',
  'a photo of a {}',
  'a drawing of a {}',
  'a picture of a {}',
  'an icon of a {}',
  'a cartoon of a {}',
  'a sketch of a {}',
  'a {}',
  '{}',
] as const;

/** The template the model's zero-shot labels use by default (stored in its config.json). */
export const DEFAULT_TEMPLATE = 'an emoji of a {}';

/** Category words from emojibase subgroups (the words a learner uses for a class of things). */
const SUBGROUP_CATEGORY: Record<string, string> = {
  'animal-mammal': 'animal',
  'animal-bird': 'animal',
  'animal-amphibian': 'animal',
  'animal-reptile': 'animal',
  'animal-marine': 'animal',
  'animal-bug': 'animal',
  'cat-face': 'animal',
  'monkey-face': 'animal',
  'plant-flower': 'flower',
  'plant-other': 'plant',
  'food-fruit': 'fruit',
  'food-vegetable': 'vegetable',
  'food-prepared': 'food',
  'food-asian': 'food',
  'food-marine': 'food',
  'food-sweet': 'dessert',
  drink: 'drink',
  'transport-ground': 'vehicle',
  'transport-water': 'boat',
  'transport-air': 'aircraft',
  'sky-weather': 'weather',
  sport: 'sport',
  'musical-instrument': 'musical instrument',
  clothing: 'clothing',
  tool: 'tool',
  'place-building': 'building',
  'face-smiling': 'face',
  'face-affection': 'face',
  'face-negative': 'face',
  phone: 'phone',
  computer: 'computer',
  household: 'household object',
  office: 'office supply',
};

/** Words the chapter and its exercises use, kept in the vocabulary even when no concept needs them. */
export const CHAPTER_WORDS = [
  'remote',
  'control',
  'fruit',
  'animal',
  'animals',
  'pet',
  'photo',
  'drawing',
  'emoji',
  'picture',
  'icon',
  'sketch',
  'cartoon',
  'painting',
  'image',
  'toy',
  'object',
  'thing',
  'something',
  'an',
  'the',
  'of',
  'a',
  'with',
  'and',
  'or',
  'not',
  'no',
  'two',
  'three',
  'one',
  'small',
  'big',
  'on',
  'in',
  'left',
  'right',
  'cat',
  'dog',
  'kitten',
  'puppy',
  'vehicle',
  'food',
  'happy',
  'sad',
  'red',
  'green',
  'blue',
  'yellow',
  'orange',
  'purple',
  'black',
  'white',
  'brown',
];

export interface ConceptPhrases {
  label: string;
  tags: string[];
  category: string[];
}

/** The phrases a caption of `c` may use. */
export function conceptPhrases(c: EmojiConcept): ConceptPhrases {
  const category = SUBGROUP_CATEGORY[c.subgroup] ? [SUBGROUP_CATEGORY[c.subgroup]] : [];
  return { label: c.label, tags: c.tags.filter((t) => t !== c.label), category };
}

/** Fills a template; 'a {}' before a vowel sound stays 'a' (the bag-of-words text encoder does not care). */
export function fillTemplate(template: string, phrase: string): string {
  return template.includes('{}') ? template.replace('{}', phrase) : `${template} ${phrase}`;
}

/**
 * One random caption of a concept: 60 % its name, 25 % one keyword, 15 % its category (its name when it has none),
 * in a random template. Deterministic in `rng`.
 */
export function sampleCaption(c: EmojiConcept, rng: () => number): string {
  const p = conceptPhrases(c);
  const u = rng();
  let phrase = p.label;
  if (u >= 0.6 && u < 0.85 && p.tags.length) phrase = p.tags[Math.floor(rng() * p.tags.length)];
  else if (u >= 0.85 && p.category.length) phrase = p.category[0];
  const template = CAPTION_TEMPLATES[Math.floor(rng() * CAPTION_TEMPLATES.length)];
  return fillTemplate(template, phrase);
}

/** The emoji-CLIP's vocabulary in id order: specials, punctuation, digits, letters, words (sorted), ##pieces. */
export function buildEmojiVocab(): string[] {
  const words = new Set<string>();
  const addWords = (text: string) => {
    for (const w of text
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{Mn}/gu, '')
      .split(/[^a-z0-9]+/))
      if (w.length > 1) words.add(w);
  };
  for (const c of emojiConcepts().values()) {
    const p = conceptPhrases(c);
    [p.label, ...p.tags, ...p.category].forEach(addWords);
  }
  [...CAPTION_TEMPLATES, ...CHAPTER_WORDS].forEach(addWords);
  const punctuation = [...'.,!?\'"-:;()/&*#+'];
  const digits = [...'0123456789'];
  const letters = [...'abcdefghijklmnopqrstuvwxyz'];
  const vocab: string[] = [];
  const seen = new Set<string>();
  for (const t of [
    ...SPECIAL_TOKENS,
    ...punctuation,
    ...digits,
    ...letters,
    ...[...words].sort(),
    ...letters.map((l) => `##${l}`),
    ...digits.map((d) => `##${d}`),
  ]) {
    if (!seen.has(t)) {
      seen.add(t);
      vocab.push(t);
    }
  }
  return vocab;
}

let tokenizer: MiniClipTokenizer | undefined;

/** The emoji-CLIP's tokenizer (a lowercase WordPiece, [CLS] … [SEP], 32 tokens at most). */
export function emojiTokenizer(): MiniClipTokenizer {
  tokenizer ??= new MiniClipTokenizer(buildEmojiVocab());
  return tokenizer;
}
