/** The split by style (lib/worlds/emoji/split.ts). */
import { EMOJI_SETS, EVAL_CONCEPTS, STYLE_SPLIT, emojiSplit, stableHash } from '../../../lib/worlds/emoji';

describe('split by style', () => {
  test('training styles are permissive and are neither Fluent nor OpenMoji; the test styles are openmoji and fluent-emoji-flat', () => {
    expect(STYLE_SPLIT.test).toEqual(['openmoji', 'fluent-emoji-flat']);
    for (const s of STYLE_SPLIT.train) {
      expect(s).not.toMatch(/fluent|openmoji/);
      expect(EMOJI_SETS[s].licence).not.toMatch(/SA/);
    }
    expect(STYLE_SPLIT.unused).toEqual(expect.arrayContaining(['fluent-emoji', 'emojione-v1']));
  });

  test('training and held-out icons are disjoint, only of training styles, and the split is deterministic', () => {
    const a = emojiSplit(1);
    const b = emojiSplit(1);
    expect(b).toEqual(a);
    const train = new Set(a.train.map((i) => `${i.key}/${i.set}`));
    for (const i of a.heldOut) expect(train.has(`${i.key}/${i.set}`)).toBe(false);
    for (const i of [...a.train, ...a.heldOut]) expect(STYLE_SPLIT.train).toContain(i.set);
    expect(a.heldOut.length).toBeGreaterThan(200);
    expect(emojiSplit(2).heldOut).not.toEqual(a.heldOut);
  });

  test('each eval-list concept has exactly one held-out icon and keeps others in training', () => {
    const s = emojiSplit(1);
    for (const key of EVAL_CONCEPTS) {
      expect(s.heldOut.filter((i) => i.key === key)).toHaveLength(1);
      expect(s.train.filter((i) => i.key === key).length).toBeGreaterThanOrEqual(3);
    }
  });

  test('stableHash is a fixed function of text and seed', () => {
    expect(stableHash('catface', 1)).toBe(stableHash('catface', 1));
    expect(stableHash('catface', 1)).not.toBe(stableHash('catface', 2));
    expect(Number.isInteger(stableHash('', 0))).toBe(true);
  });
});
