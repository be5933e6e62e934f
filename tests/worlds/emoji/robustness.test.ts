import { EVAL_CONCEPTS, UNSEEN_EVAL_STYLES } from '../../../lib/worlds/emoji/eval-concepts';
import {
  evalItems,
  evalLabel,
  styleAccuracy,
  templateAccuracy,
  type ImageTextEmbedder,
} from '../../../lib/worlds/emoji/robustness';
import { EmojiWorldError } from '../../../lib/worlds/emoji/errors';

const d = EVAL_CONCEPTS.length;
const oneHot = (rows: number[]) => {
  const data = new Float32Array(rows.length * d);
  rows.forEach((k, i) => (data[i * d + k] = 1));
  return { rows: rows.length, cols: d, data };
};

/** A stand-in CLIP: label k embeds as axis k; the i-th image of a call as the axis of concept `pick(i-th item)`. */
function fakeClip(pick: (conceptIndex: number) => number): ImageTextEmbedder & { texts: string[] } {
  const groups = [evalItems('seen'), ...UNSEEN_EVAL_STYLES.map((s) => evalItems(s))];
  let call = 0;
  const fake = {
    texts: [] as string[],
    embedTexts: async (texts: string[]) => {
      fake.texts = texts;
      return oneHot(texts.map((_, k) => k));
    },
    embedImages: async (images: Buffer[]) => {
      const items = groups[call++];
      expect(images).toHaveLength(items.length);
      return oneHot(items.map((it) => pick(EVAL_CONCEPTS.indexOf(it.key))));
    },
  };
  return fake;
}

describe('styleAccuracy', () => {
  test('a model that names every icon right: top-1 1 in every group, the labels written with the template', async () => {
    const clip = fakeClip((k) => k);
    const r = await styleAccuracy(clip, { imageSize: 16 });
    expect(r.map((g) => [g.group, g.seen])).toEqual([
      ['seen styles (held-out icons)', true],
      ...UNSEEN_EVAL_STYLES.map((s) => [s, false]),
    ]);
    for (const g of r) expect([g.top1, g.top5, g.misses.length, g.hits.length]).toEqual([1, 1, 0, g.n]);
    expect(clip.texts[0]).toBe(evalLabel('catface'));
    expect(clip.texts[0]).toBe('an emoji of a cat face');
  });

  test('a model that always names the next concept: top-1 0, each miss names what it chose', async () => {
    const r = await styleAccuracy(
      fakeClip((k) => (k + 1) % d),
      { imageSize: 16 },
    );
    for (const g of r) {
      expect(g.top1).toBe(0);
      // The right label ties at 0 with every other wrong one; ties go to the lower label index, so concept k
      // ranks k + 1 (the chosen label, then the k lower indices): in the top 5 only for k ≤ 3.
      const items = g.seen ? evalItems('seen') : evalItems(g.group as (typeof UNSEEN_EVAL_STYLES)[number]);
      expect(g.top5).toBe(items.filter((it) => EVAL_CONCEPTS.indexOf(it.key) <= 3).length / items.length);
      for (const m of g.misses) expect(m.predicted).toBe(EVAL_CONCEPTS[(EVAL_CONCEPTS.indexOf(m.concept) + 1) % d]);
    }
  });

  test('a template without {} is an error that says the fix', async () => {
    await expect(
      styleAccuracy(
        fakeClip((k) => k),
        { template: 'an emoji' },
      ),
    ).rejects.toThrow(EmojiWorldError);
    await expect(
      styleAccuracy(
        fakeClip((k) => k),
        { template: 'an emoji' },
      ),
    ).rejects.toThrow(/Fix: Pass e.g. 'a photo of a \{\}'/);
  });
});

describe('templateAccuracy', () => {
  // Images embed as their concept's axis; labels too, except that "a drawing of a {}" swaps the first two labels'
  // axes, so the cat face and dog face icons are misnamed under it.
  const items = evalItems('openmoji');
  const standIn: ImageTextEmbedder = {
    embedImages: async (images) => {
      expect(images).toHaveLength(items.length);
      return oneHot(items.map((it) => EVAL_CONCEPTS.indexOf(it.key)));
    },
    embedTexts: async (texts) => {
      const swap = texts[0].startsWith('a drawing of');
      return oneHot(texts.map((_, k) => (swap && k < 2 ? 1 - k : k)));
    },
  };

  test('each template and their ensemble, scored over every icon of the style; icons whose label changes are counted', async () => {
    const r = await templateAccuracy(standIn, {
      templates: ['a photo of a {}', 'a drawing of a {}'],
      style: 'openmoji',
      imageSize: 16,
    });
    expect(r.items).toEqual(items);
    expect(r.rows.map((x) => x.template)).toEqual(['a photo of a {}', 'a drawing of a {}', 'ensemble of all']);
    const n = items.length;
    expect(r.rows[0].top1).toBe(1);
    expect(r.rows[1].top1).toBeCloseTo((n - 2) / n, 12);
    expect(r.rows[1].top5).toBe(1);
    expect(r.rows[1].predicted.slice(0, 2)).toEqual([EVAL_CONCEPTS[1], EVAL_CONCEPTS[0]]);
    // the ensemble of the two: labels 0 and 1 each point half along both axes, a tie that goes to the lower index
    expect(r.rows[2].predicted.slice(0, 2)).toEqual([EVAL_CONCEPTS[0], EVAL_CONCEPTS[0]]);
    expect(r.rows[2].top1).toBeCloseTo((n - 1) / n, 12);
    expect(r.changed).toBe(2);
  });

  test('one template gives one row and nothing changes; bad templates are EmojiWorldErrors that say how to write one', async () => {
    const r = await templateAccuracy(standIn, { templates: ['a photo of a {}'], style: 'openmoji', imageSize: 16 });
    expect([r.rows.length, r.changed]).toEqual([1, 0]);
    await expect(templateAccuracy(standIn, { templates: [], style: 'openmoji' })).rejects.toThrow(EmojiWorldError);
    await expect(templateAccuracy(standIn, { templates: ['a photo'], style: 'openmoji' })).rejects.toThrow(
      /"a photo" has no \{\}.*Fix: Write the template with \{\}/,
    );
  });
});
