/** Rendering and its cache (lib/worlds/emoji/render.ts), captions and tokenizer (captions.ts), augmentation (dataset.ts). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  EmojiWorldError,
  augmentInto,
  emojiConcepts,
  emojiTokenizer,
  fillTemplate,
  loadEmojiSet,
  renderCacheKey,
  renderEmojiSet,
  renderIconRgb,
  sampleCaption,
  toPixelValues,
  CAPTION_TEMPLATES,
  DEFAULT_TEMPLATE,
} from '../../../lib/worlds/emoji';
import { seededRandom } from '../../../lib/worlds/shapes';

/** The non-white box of an RGB image: [width, height]. */
function contentBox(rgb: Uint8Array, size: number): [number, number] {
  let x0 = size,
    y0 = size,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      if (rgb[i] < 245 || rgb[i + 1] < 245 || rgb[i + 2] < 245) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  return [x1 - x0 + 1, y1 - y0 + 1];
}

describe('rendering', () => {
  test('each style is scaled so that its content box fills the same fraction of the frame', async () => {
    for (const set of ['openmoji', 'fluent-emoji-flat', 'noto', 'twemoji'] as const) {
      const rgb = await renderIconRgb(loadEmojiSet(set).icons.get('redapple')!, { size: 48, fill: 0.9 });
      expect(rgb.length).toBe(48 * 48 * 3);
      const [w, h] = contentBox(rgb, 48);
      expect(Math.max(w, h)).toBeGreaterThanOrEqual(41);
      expect(Math.max(w, h)).toBeLessThanOrEqual(45);
    }
  });

  test('bad options are EmojiWorldErrors naming the input and the fix', async () => {
    const icon = loadEmojiSet('noto').icons.get('rocket')!;
    await expect(renderIconRgb(icon, { size: 3 })).rejects.toThrow(/render size 3.*Fix: Pass e.g. \{ size: 48 \}/);
    await expect(renderEmojiSet('noto', ['nosuchthing'])).rejects.toThrow(EmojiWorldError);
    await expect(renderEmojiSet('noto', ['nosuchthing'])).rejects.toThrow(/"nosuchthing"/);
  });

  test('the cache returns the same pixels, is keyed by the renderer source and options, and is written under its key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emoji-cache-'));
    try {
      const a = await renderEmojiSet('twemoji', ['rocket', 'catface'], { size: 32, cacheDir: dir });
      const key = renderCacheKey({ size: 32 });
      expect(fs.existsSync(path.join(dir, key, 'twemoji.bin'))).toBe(true);
      const b = await renderEmojiSet('twemoji', ['catface'], { size: 32, cacheDir: dir });
      expect(Buffer.from(b.pixels).equals(Buffer.from(a.pixels.subarray(32 * 32 * 3)))).toBe(true);
      expect(renderCacheKey({ size: 32 })).not.toBe(renderCacheKey({ size: 48 }));
      expect(renderCacheKey({ size: 32, fill: 0.8 })).not.toBe(key);
      expect(key).toMatch(/^r-[0-9a-f]{12}-32-/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('captions and tokenizer', () => {
  test('the tokenizer knows the words the chapter uses, as whole words', () => {
    const tok = emojiTokenizer();
    for (const text of [
      'a photo of a cat',
      'a photo of a dog',
      'a photo of a remote control',
      'a photo of fruit',
      'an animal',
      'a drawing of a cat face',
      'an emoji of a red apple',
    ]) {
      const pieces = tok.tokenize(text);
      expect(pieces).not.toContain('[UNK]');
      expect(pieces.some((p) => p.startsWith('##'))).toBe(false);
    }
    expect(tok.vocabSize).toBeGreaterThan(1000);
  });

  test('captions are deterministic in the seed and use the templates', () => {
    const cat = emojiConcepts().get('catface')!;
    const a = Array.from(
      { length: 20 },
      (
        (r) => () =>
          sampleCaption(cat, r)
      )(seededRandom(3)),
    );
    const b = Array.from(
      { length: 20 },
      (
        (r) => () =>
          sampleCaption(cat, r)
      )(seededRandom(3)),
    );
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(5);
    expect(a.some((c) => c.includes('cat face'))).toBe(true);
    expect(fillTemplate(DEFAULT_TEMPLATE, 'cat face')).toBe('an emoji of a cat face');
    expect(CAPTION_TEMPLATES).toContain(DEFAULT_TEMPLATE);
  });
});

describe('augmentation', () => {
  test('is deterministic in the seed, changes the image, and keeps values in the normalized range', async () => {
    const { pixels } = await renderEmojiSet('noto', ['catface'], { size: 48, cacheDir: '' });
    const a = new Float32Array(48 * 48 * 3);
    const b = new Float32Array(48 * 48 * 3);
    augmentInto(pixels, 0, 48, a, 0, seededRandom(5));
    augmentInto(pixels, 0, 48, b, 0, seededRandom(5));
    expect(Array.from(a)).toEqual(Array.from(b));
    const plain = toPixelValues(pixels, 48);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - plain[i]);
    expect(diff / a.length).toBeGreaterThan(0.01);
    expect(Math.max(...a)).toBeLessThanOrEqual(2.2);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-1.8);
  });
});
