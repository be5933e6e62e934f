/**
 * Pixels for (concept, style) items and the training augmentation.
 *
 * Augmentation (all seeded): a random scale (0.8–1.05), shift (±3 px) and horizontal flip; colour changes
 * (grayscale, a swap of the colour channels, brightness); and style changes that imitate unseen art styles —
 * flat colours (each channel posterized), black outlines along colour edges (OpenMoji draws them), blur. Each
 * sample gets its own draw, written straight into CLIP-normalized channels-first floats.
 *
 * @example
 *   const data = await loadItemPixels(emojiSplit(1).train.slice(0, 4));
 *   data.pixels.length;                              // 4 · 48 · 48 · 3
 *   const px = new Float32Array(3 * 48 * 48);
 *   augmentInto(data.pixels, 0, 48, px, 0, seededRandom(7));   // px: one augmented, normalized image
 */
import { CLIP_IMAGE_MEAN, CLIP_IMAGE_STD } from '../../mini-clip/model';
import { RenderOptions, renderEmojiSet, DEFAULT_RENDER_SIZE } from './render';
import { EmojiItem } from './split';
import { EmojiSetName } from './sets';
import { EmojiWorldError } from './errors';

export interface ItemPixels {
  items: EmojiItem[];
  size: number;
  /** RGB bytes, item after item. */
  pixels: Uint8Array;
}

/**
 * Renders (or reads from the cache) the icons of `items`, each set rendered once.
 *
 * @example
 *   (await loadItemPixels([{ key: 'rocket', set: 'openmoji' }])).pixels.length;   // 6912
 */
export async function loadItemPixels(items: readonly EmojiItem[], options: RenderOptions = {}): Promise<ItemPixels> {
  const size = options.size ?? DEFAULT_RENDER_SIZE;
  const per = size * size * 3;
  const pixels = new Uint8Array(items.length * per);
  const sets = [...new Set(items.map((i) => i.set))] as EmojiSetName[];
  for (const set of sets) {
    const rendered = await renderEmojiSet(
      set,
      [...new Set(items.filter((i) => i.set === set).map((i) => i.key))].sort(),
      options,
    );
    const index = new Map(rendered.keys.map((k, i) => [k, i]));
    items.forEach((item, i) => {
      if (item.set !== set) return;
      const at = index.get(item.key);
      if (at === undefined)
        throw new EmojiWorldError(`item ${item.key} of set ${set}: the set does not draw it.`, {
          fix: `Take keys from loadEmojiSet('${set}').icons.`,
        });
      pixels.set(rendered.pixels.subarray(at * per, (at + 1) * per), i * per);
    });
  }
  return { items: [...items], size, pixels };
}

/**
 * RGB bytes of images `indices` → CLIP-normalized channels-first floats ([n, 3, size, size], flat).
 *
 * @example
 *   toPixelValues(new Uint8Array(48 * 48 * 3).fill(255), 48)[0];   // 1.9303 (white, red channel)
 */
export function toPixelValues(pixels: Uint8Array, size: number, indices?: readonly number[]): Float32Array {
  const per = size * size * 3;
  const idx = indices ?? Array.from({ length: pixels.length / per }, (_, i) => i);
  const out = new Float32Array(idx.length * per);
  idx.forEach((src, k) => writeNormalized(pixels, src * per, size, out, k * per));
  return out;
}

const SCALE = [0, 1, 2].map((c) => 1 / (255 * CLIP_IMAGE_STD[c]));
const SHIFT = [0, 1, 2].map((c) => CLIP_IMAGE_MEAN[c] / CLIP_IMAGE_STD[c]);

function writeNormalized(rgb: ArrayLike<number>, from: number, size: number, out: Float32Array, to: number): void {
  const plane = size * size;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) out[to + c * plane + p] = rgb[from + p * 3 + c] * SCALE[c] - SHIFT[c];
  }
}

/** Probabilities of each augmentation (per sample). */
export type AugmentProbabilities = { -readonly [K in keyof typeof AUGMENT]: number };

/** The shipped model's augmentation probabilities (per sample). */
export const AUGMENT = {
  geometric: 0.85,
  flip: 0.5,
  grayscale: 0.15,
  channelSwap: 0.1,
  flat: 0.3,
  outline: 0.4,
  blur: 0.2,
} as const;

/**
 * One augmented copy of image `index` of `pixels` (RGB bytes, `size` square), written normalized into `out` at `to`.
 */
export function augmentInto(
  pixels: Uint8Array,
  index: number,
  size: number,
  out: Float32Array,
  to: number,
  rng: () => number,
  probabilities: AugmentProbabilities = AUGMENT,
): void {
  const AUGMENT = probabilities;
  const per = size * size * 3;
  const src = index * per;
  const img = new Float32Array(per);
  // geometry: out(x, y) = in((x − c)/s + c − dx, …), bilinear, white outside
  const geometric = rng() < AUGMENT.geometric;
  const s = geometric ? 0.8 + 0.25 * rng() : 1;
  const dx = geometric ? (rng() * 2 - 1) * 3 : 0;
  const dy = geometric ? (rng() * 2 - 1) * 3 : 0;
  const flip = rng() < AUGMENT.flip;
  const centre = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    const v = (y - centre) / s + centre - dy;
    const y0 = Math.floor(v);
    const fy = v - y0;
    const rowIn0 = y0 >= 0 && y0 < size;
    const rowIn1 = y0 + 1 >= 0 && y0 + 1 < size;
    for (let x = 0; x < size; x++) {
      const xx = flip ? size - 1 - x : x;
      const u = (xx - centre) / s + centre - dx;
      const x0 = Math.floor(u);
      const fx = u - x0;
      const colIn0 = x0 >= 0 && x0 < size;
      const colIn1 = x0 + 1 >= 0 && x0 + 1 < size;
      const w00 = (1 - fy) * (1 - fx),
        w01 = (1 - fy) * fx,
        w10 = fy * (1 - fx),
        w11 = fy * fx;
      const o00 = rowIn0 && colIn0 ? src + (y0 * size + x0) * 3 : -1;
      const o01 = rowIn0 && colIn1 ? src + (y0 * size + x0 + 1) * 3 : -1;
      const o10 = rowIn1 && colIn0 ? src + ((y0 + 1) * size + x0) * 3 : -1;
      const o11 = rowIn1 && colIn1 ? src + ((y0 + 1) * size + x0 + 1) * 3 : -1;
      const d = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        img[d + c] =
          w00 * (o00 < 0 ? 255 : pixels[o00 + c]) +
          w01 * (o01 < 0 ? 255 : pixels[o01 + c]) +
          w10 * (o10 < 0 ? 255 : pixels[o10 + c]) +
          w11 * (o11 < 0 ? 255 : pixels[o11 + c]);
      }
    }
  }
  const plane = size * size;
  if (rng() < AUGMENT.flat) {
    const levels = 3 + Math.floor(rng() * 3);
    const step = 255 / (levels - 1);
    for (let i = 0; i < per; i++) img[i] = Math.round(img[i] / step) * step;
  }
  if (rng() < AUGMENT.outline) {
    // black lines where neighbouring colours differ (between colour regions and against the white background),
    // 1 or 2 px wide, as OpenMoji draws them
    const edge = new Uint8Array(plane);
    const threshold = 50 + 50 * rng();
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const p = y * size + x;
        let d = 0;
        for (let c = 0; c < 3; c++) {
          if (x + 1 < size) d = Math.max(d, Math.abs(img[p * 3 + c] - img[(p + 1) * 3 + c]));
          if (y + 1 < size) d = Math.max(d, Math.abs(img[p * 3 + c] - img[(p + size) * 3 + c]));
        }
        if (d > threshold) edge[p] = 1;
      }
    }
    const thick = rng() < 0.5;
    const ink = 20 + 40 * rng();
    for (let p = 0; p < plane; p++) {
      const x = p % size;
      if (edge[p] || (thick && ((x > 0 && edge[p - 1]) || (p >= size && edge[p - size]))))
        for (let c = 0; c < 3; c++) img[p * 3 + c] = ink;
    }
  }
  if (rng() < AUGMENT.blur) {
    // 3×3 box blur, separable (edges average what is inside the frame)
    const tmp = new Float32Array(per);
    for (let pass = 0; pass < 2; pass++) {
      const from = pass === 0 ? img : tmp;
      const to = pass === 0 ? tmp : img;
      const stride = pass === 0 ? 3 : size * 3;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const k = pass === 0 ? x : y;
          const i = (y * size + x) * 3;
          const hasPrev = k > 0;
          const hasNext = k < size - 1;
          const n = 1 + (hasPrev ? 1 : 0) + (hasNext ? 1 : 0);
          for (let c = 0; c < 3; c++)
            to[i + c] = (from[i + c] + (hasPrev ? from[i + c - stride] : 0) + (hasNext ? from[i + c + stride] : 0)) / n;
        }
      }
    }
  }
  if (rng() < AUGMENT.grayscale) {
    for (let p = 0; p < plane; p++) {
      const g = 0.299 * img[p * 3] + 0.587 * img[p * 3 + 1] + 0.114 * img[p * 3 + 2];
      img[p * 3] = img[p * 3 + 1] = img[p * 3 + 2] = g;
    }
  } else if (rng() < AUGMENT.channelSwap) {
    const perms = [
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const perm = perms[Math.floor(rng() * perms.length)];
    for (let p = 0; p < plane; p++) {
      const r = img[p * 3],
        g = img[p * 3 + 1],
        b = img[p * 3 + 2];
      const v = [r, g, b];
      img[p * 3] = v[perm[0]];
      img[p * 3 + 1] = v[perm[1]];
      img[p * 3 + 2] = v[perm[2]];
    }
  }
  const brightness = 0.9 + 0.2 * rng();
  for (let i = 0; i < per; i++) img[i] = Math.min(255, img[i] * brightness);
  writeNormalized(img, 0, size, out, to);
}
