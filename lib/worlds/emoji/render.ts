/**
 * Renders icons with sharp to small RGB images on white, each icon's content box (its non-transparent pixels)
 * scaled to the same fraction of the frame — sets fill their frames differently (OpenMoji about 0.8, Fluent 0.88,
 * most others about 1.0), and a common fill takes that nuisance away. Renders are cached per set under
 * `.cache/emoji/<renderer-key>/` in the course folder; the key hashes this file's source and the options, so a
 * changed renderer never reads stale images.
 *
 * @example
 *   const r = await renderEmojiSet('openmoji', ['catface', 'rocket'], { size: 48 });
 *   r.pixels.length;        // 2 · 48 · 48 · 3 (RGB, row-major, icon after icon)
 *   r.keys;                 // ['catface', 'rocket']
 *   const png = await renderIconPng(loadEmojiSet('openmoji').icons.get('catface')!, { size: 224 });   // a PNG Buffer
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { EmojiWorldError } from './errors';
import { PATHS } from '../../course/paths';
import { EmojiIcon, EmojiSetName, iconSvg, loadEmojiSet } from './sets';

export interface RenderOptions {
  /** Output side in pixels (default 48). */
  size?: number;
  /** Fraction of the side the content box's longer side fills (default 0.9). */
  fill?: number;
  /** Where the cache lives (default `<course root>/.cache/emoji`); '' disables the cache. */
  cacheDir?: string;
}

export const DEFAULT_RENDER_SIZE = 48;
export const DEFAULT_FILL = 0.9;
export const DEFAULT_EMOJI_CACHE = path.join(PATHS.cache, 'emoji');

/** The side at which the SVG is rasterized before its content box is measured. */
const RASTER = 128;

/**
 * One icon as raw RGB (size × size × 3, on white), its content box scaled to `fill`.
 *
 * @example
 *   (await renderIconRgb(loadEmojiSet('twemoji').icons.get('rocket')!, { size: 48 })).length;   // 6912
 */
export async function renderIconRgb(icon: EmojiIcon, options: RenderOptions = {}): Promise<Uint8Array> {
  const size = options.size ?? DEFAULT_RENDER_SIZE;
  const fill = options.fill ?? DEFAULT_FILL;
  if (!Number.isInteger(size) || size < 8 || size > 1024)
    throw new EmojiWorldError(`render size ${size} is not a whole number of pixels in 8..1024.`, {
      fix: 'Pass e.g. { size: 48 }.',
    });
  if (!(fill > 0.2 && fill <= 1))
    throw new EmojiWorldError(`render fill ${fill} is outside (0.2, 1].`, { fix: 'Pass e.g. { fill: 0.9 }.' });
  let raster: Buffer;
  try {
    raster = await sharp(Buffer.from(iconSvg(icon, RASTER)))
      .ensureAlpha()
      .raw()
      .toBuffer();
  } catch (err) {
    throw new EmojiWorldError(
      `icon "${icon.name}" of set ${icon.set} could not be rasterized (${(err as Error).message}).`,
      { fix: 'Leave this icon out; its SVG is not one librsvg can draw.', cause: err },
    );
  }
  let x0 = RASTER,
    y0 = RASTER,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < RASTER; y++) {
    for (let x = 0; x < RASTER; x++) {
      if (raster[(y * RASTER + x) * 4 + 3] > 12) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const out = new Uint8Array(size * size * 3).fill(255);
  if (x1 < 0) return out; // an empty icon stays white
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const scale = (fill * size) / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));
  const inner = await sharp(raster, { raw: { width: RASTER, height: RASTER, channels: 4 } })
    .extract({ left: x0, top: y0, width: w, height: h })
    .resize(tw, th, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
  const ox = Math.floor((size - tw) / 2);
  const oy = Math.floor((size - th) / 2);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const s = (y * tw + x) * 4;
      const a = inner[s + 3] / 255;
      const d = ((y + oy) * size + (x + ox)) * 3;
      for (let c = 0; c < 3; c++) out[d + c] = Math.round(inner[s + c] * a + 255 * (1 - a));
    }
  }
  return out;
}

/**
 * One icon as a PNG (for notebooks and the pipeline), rendered like the training images.
 *
 * @example
 *   const png = await renderIconPng(loadEmojiSet('openmoji').icons.get('catface')!, { size: 48 });
 */
export async function renderIconPng(icon: EmojiIcon, options: RenderOptions = {}): Promise<Buffer> {
  const size = options.size ?? DEFAULT_RENDER_SIZE;
  const rgb = await renderIconRgb(icon, options);
  return sharp(Buffer.from(rgb), { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

let sourceHash: string | undefined;

/**
 * The cache key of a rendering: a hash of this file's source, sharp's version and the options. Editing the
 * renderer (or changing sharp) gives a new key, hence fresh renders.
 *
 * @example
 *   renderCacheKey({ size: 48, fill: 0.9 });   // 'r-7b471b5db98d-48-0.9' (the hash changes with the source)
 */
export function renderCacheKey(options: RenderOptions = {}): string {
  if (!sourceHash) {
    let source = '';
    for (const f of [__filename, path.join(__dirname, 'render.ts'), path.join(__dirname, 'sets.ts')]) {
      if (fs.existsSync(f)) source += fs.readFileSync(f, 'utf8');
    }
    sourceHash = crypto
      .createHash('sha256')
      .update(source)
      .update(sharp.versions.sharp ?? '')
      .update(sharp.versions.rsvg ?? '')
      .digest('hex')
      .slice(0, 12);
  }
  return `r-${sourceHash}-${options.size ?? DEFAULT_RENDER_SIZE}-${options.fill ?? DEFAULT_FILL}`;
}

export interface RenderedSet {
  set: EmojiSetName;
  size: number;
  /** Concept keys in render order. */
  keys: string[];
  /** RGB pixels, icon after icon (keys.length · size · size · 3). */
  pixels: Uint8Array;
}

/**
 * Renders the icons `keys` of a set (all of its icons when omitted), reading and writing the per-set cache.
 * Keys the set does not draw throw an EmojiWorldError naming them.
 *
 * @example
 *   (await renderEmojiSet('noto', ['catface'])).pixels.length;   // 6912
 */
export async function renderEmojiSet(
  set: EmojiSetName,
  keys?: readonly string[],
  options: RenderOptions = {},
): Promise<RenderedSet> {
  const size = options.size ?? DEFAULT_RENDER_SIZE;
  const icons = loadEmojiSet(set).icons;
  const wanted = keys ? [...keys] : [...icons.keys()].sort();
  const missing = wanted.filter((k) => !icons.has(k));
  if (missing.length)
    throw new EmojiWorldError(
      `set ${set} does not draw ${missing
        .slice(0, 5)
        .map((k) => `"${k}"`)
        .join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}.`,
      { fix: `Ask only for keys in loadEmojiSet('${set}').icons.` },
    );
  const cacheDir = options.cacheDir ?? DEFAULT_EMOJI_CACHE;
  const per = size * size * 3;
  const cached = new Map<string, Uint8Array>();
  let file = '';
  if (cacheDir) {
    file = path.join(cacheDir, renderCacheKey(options), `${set}.bin`);
    if (fs.existsSync(file) && fs.existsSync(file + '.json')) {
      const names = JSON.parse(fs.readFileSync(file + '.json', 'utf8')) as string[];
      const bytes = fs.readFileSync(file);
      if (bytes.length === names.length * per)
        names.forEach((k, i) => cached.set(k, new Uint8Array(bytes.buffer, bytes.byteOffset + i * per, per)));
    }
  }
  const todo = wanted.filter((k) => !cached.has(k));
  for (const k of todo) cached.set(k, await renderIconRgb(icons.get(k)!, options));
  if (cacheDir && todo.length) {
    const names = [...cached.keys()].sort();
    const all = new Uint8Array(names.length * per);
    names.forEach((k, i) => all.set(cached.get(k)!, i * per));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, all);
    fs.writeFileSync(tmp + '.json', JSON.stringify(names));
    fs.renameSync(tmp, file);
    fs.renameSync(tmp + '.json', file + '.json');
  }
  const pixels = new Uint8Array(wanted.length * per);
  wanted.forEach((k, i) => pixels.set(cached.get(k)!, i * per));
  return { set, size, keys: wanted, pixels };
}
