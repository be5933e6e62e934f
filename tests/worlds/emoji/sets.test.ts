/** The emoji world's sets, concepts and eval list (lib/worlds/emoji: sets.ts, concepts.ts, eval-concepts.ts). */
import {
  EMOJI_SETS,
  EMOJI_SET_NAMES,
  EmojiWorldError,
  conceptKey,
  conceptsInAtLeast,
  emojiConcepts,
  isDroppedName,
  loadEmojiSet,
  EVAL_CONCEPTS,
  UNSEEN_EVAL_STYLES,
  STYLE_SPLIT,
  EmojiSetName,
} from '../../../lib/worlds/emoji';

describe('emoji sets', () => {
  test('every set loads from its npm package, with a licence and an attribution', () => {
    for (const name of EMOJI_SET_NAMES) {
      const set = loadEmojiSet(name);
      expect(set.icons.size).toBeGreaterThan(700);
      expect(EMOJI_SETS[name].licence).toMatch(/^(Apache-2\.0|CC-BY-4\.0|CC-BY-SA-4\.0|MIT)$/);
      expect(EMOJI_SETS[name].attribution.length).toBeGreaterThan(5);
    }
  });

  test('skin tones, flags and keycaps are dropped', () => {
    expect(isDroppedName('waving-hand-medium-skin-tone')).toBe(true);
    expect(isDroppedName('flag-japan')).toBe(true);
    expect(isDroppedName('keycap-1')).toBe(true);
    expect(isDroppedName('cat-face')).toBe(false);
    for (const name of EMOJI_SET_NAMES)
      for (const icon of loadEmojiSet(name).icons.values()) expect(isDroppedName(icon.name)).toBe(false);
  });

  test('an unknown set is an EmojiWorldError that names it and the known sets', () => {
    expect(() => loadEmojiSet('paint' as EmojiSetName)).toThrow(EmojiWorldError);
    expect(() => loadEmojiSet('paint' as EmojiSetName)).toThrow(/"paint".*Fix: Use one of noto/);
  });
});

describe('concepts across sets', () => {
  test("names match across sets without their hyphens (fxemoji writes 'redapple')", () => {
    expect(conceptKey('Red-Apple')).toBe('redapple');
    const apple = emojiConcepts().get('redapple')!;
    expect(apple.sets).toEqual(expect.arrayContaining(['noto', 'fxemoji', 'openmoji', 'fluent-emoji-flat']));
    expect(apple.label).toBe('red apple');
    expect(apple.tags).toContain('fruit');
    expect(apple.subgroup).toBe('food-fruit');
  });

  test('about 1,200 concepts are drawn by 6 or more of the 10 sets', () => {
    const n = conceptsInAtLeast(6).length;
    expect(n).toBeGreaterThan(1000);
    expect(n).toBeLessThan(1400);
  });
});

describe('the eval list', () => {
  test('≥ 40 distinct everyday concepts, each drawn by both unseen styles and by ≥ 4 training styles', () => {
    expect(new Set(EVAL_CONCEPTS).size).toBe(EVAL_CONCEPTS.length);
    expect(EVAL_CONCEPTS.length).toBeGreaterThanOrEqual(40);
    for (const key of [
      'catface',
      'dogface',
      'redapple',
      'banana',
      'rocket',
      'hotbeverage',
      'television',
      'automobile',
      'bicycle',
      'house',
      'deciduoustree',
    ])
      expect(EVAL_CONCEPTS).toContain(key);
    const concepts = emojiConcepts();
    for (const key of EVAL_CONCEPTS) {
      const c = concepts.get(key);
      expect(c).toBeDefined();
      for (const style of UNSEEN_EVAL_STYLES) expect(c!.sets).toContain(style);
      expect(c!.sets.filter((s) => STYLE_SPLIT.train.includes(s)).length).toBeGreaterThanOrEqual(4);
    }
  });
});
