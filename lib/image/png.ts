/**
 * A fast path for the commonest input, a plain 8-bit PNG: parse the chunks, inflate the IDAT stream with Node's
 * zlib (synchronously, on the calling thread), undo the per-row filters (on a WebAssembly SIMD kernel,
 * lib/image/wasm/unfilter-kernel.ts, where the runtime has one, else in JS), and convert to 8-bit RGB (by the
 * kernels of lib/image/wasm/rgb-kernels.ts, or in JS) with Pillow's `convert('RGB')` rules (grey copied into R, G
 * and B; alpha dropped without compositing; palette looked up, its transparency ignored). No round trip through
 * sharp's thread pool, whose fixed cost (~0.5 ms CPU per call) is most of the time on small images.
 *
 * Handled: bit depth 8, colour types 0 (grey), 2 (RGB), 3 (palette), 4 (grey + alpha), 6 (RGBA), not interlaced.
 * Anything else — 16-bit, 1/2/4-bit, interlaced, a damaged file (bad CRC, truncated or over-long data) — returns
 * null, and lib/image/decode.ts hands the bytes to sharp as before, so errors and unusual files are reported
 * exactly as they were.
 *
 * @example
 *   const img = decodePlainPng(fs.readFileSync('assets/images/coffee.png'));
 *   img?.width;  // 512
 *   img?.rgb.length; // 512 * 512 * 3
 */
import * as zlib from 'zlib';
import { simdKernels, type SimdKernels } from './wasm/instance';

export interface PlainPng {
  rgb: Uint8Array;
  width: number;
  height: number;
  /** Like decode.ts's description, e.g. 'png srgb 3ch 8-bit' (the channels stored in the file). */
  sourceDescription: string;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (
  zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }
).crc32;

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/**
 * Decodes a plain 8-bit, non-interlaced PNG to RGB; null when the file is anything else (or damaged), so the caller
 * falls back to the general decoder. `maxPixels` is checked from IHDR before anything is inflated.
 */
export function decodePlainPng(b: Uint8Array, maxPixels = Infinity): PlainPng | null {
  if (b.length < 57 || u32(b, 0) !== 0x89504e47 || u32(b, 4) !== 0x0d0a1a0a) return null;
  if (u32(b, 8) !== 13 || u32(b, 12) !== 0x49484452) return null; // IHDR, 13 bytes
  const width = u32(b, 16);
  const height = u32(b, 20);
  const depth = b[24];
  const colourType = b[25];
  const channels = CHANNELS[colourType];
  if (depth !== 8 || channels === undefined || b[26] !== 0 || b[27] !== 0 || b[28] !== 0) return null;
  if (width < 1 || height < 1 || width * height > maxPixels) return null;
  const idat: Uint8Array[] = [];
  let idatLength = 0;
  let palette: Uint8Array | null = null;
  let pos = 8;
  let ended = false;
  while (pos + 12 <= b.length) {
    const length = u32(b, pos);
    const type = u32(b, pos + 4);
    const end = pos + 12 + length;
    if (end > b.length) return null;
    if (crc32 && crc32(b.subarray(pos + 4, pos + 8 + length)) !== u32(b, pos + 8 + length)) return null;
    const data = b.subarray(pos + 8, pos + 8 + length);
    if (type === 0x49444154) {
      idat.push(data);
      idatLength += length;
    } else if (type === 0x504c5445) {
      palette = data;
    } else if (type === 0x49454e44) {
      ended = true;
      break;
    } else if (!(b[pos + 4] & 0x20)) {
      // An unknown critical chunk (lower-case first letter means ancillary): leave the file to the general decoder.
      if (type !== 0x49484452) return null;
    }
    pos = end;
  }
  if (!ended || idatLength === 0 || (colourType === 3 && (!palette || palette.length % 3 !== 0))) return null;
  const stride = width * channels;
  const expected = (stride + 1) * height;
  let raw: Buffer;
  try {
    const compressed = idat.length === 1 ? idat[0] : Buffer.concat(idat, idatLength);
    raw = zlib.inflateSync(compressed, { maxOutputLength: expected + 1 });
  } catch {
    return null;
  }
  if (raw.length !== expected) return null;
  const k = simdKernels(kernelLayout(raw.length, width, height, channels).total);
  let rgb: Uint8Array | null;
  if (k) {
    rgb = rowsToRgbOnKernels(k, raw, width, height, channels, colourType, palette);
  } else {
    const pixels = new Uint8Array(stride * height);
    rgb = unfilter(raw, pixels, height, stride, channels)
      ? colourType === 2
        ? pixels
        : toRgb(pixels, width, height, channels, colourType, palette)
      : null;
  }
  if (!rgb) return null;
  const space = colourType === 0 || colourType === 4 ? 'b-w' : 'srgb';
  return {
    rgb,
    width,
    height,
    sourceDescription: `png ${space} ${colourType === 3 ? (palette!.length / 3 > 0 ? 3 : 1) : channels}ch 8-bit`,
  };
}

/** Where the kernels' memory holds the filtered rows, the zero row above the first, the pixel rows and the RGB. */
function kernelLayout(rawLength: number, width: number, height: number, channels: number) {
  const stride = width * channels;
  const SLACK = 48; // the kernels read and write up to 47 bytes past a region
  const outAt = (rawLength + SLACK + stride + 15) & ~15; // the stride bytes before it are the zero row
  const rgbAt = (outAt + stride * height + SLACK + 15) & ~15;
  return { outAt, rgbAt, total: rgbAt + width * height * 3 + SLACK };
}

/**
 * Unfilters `raw` on the kernels and converts the rows to RGB (grey, grey + alpha and RGBA by the toRgb kernels,
 * palettes in JS); null for an unknown filter type or a palette index past the palette.
 */
function rowsToRgbOnKernels(
  k: SimdKernels,
  raw: Uint8Array,
  width: number,
  height: number,
  channels: number,
  colourType: number,
  palette: Uint8Array | null,
): Uint8Array | null {
  const { outAt, rgbAt } = kernelLayout(raw.length, width, height, channels);
  const stride = width * channels;
  const n = width * height;
  const mem = new Uint8Array(k.memory.buffer);
  mem.set(raw, 0);
  mem.fill(0, outAt - stride, outAt);
  if (!k.unfilter(0, outAt, height, stride, channels)) return null;
  if (colourType === 3) return toRgb(mem.subarray(outAt, outAt + n), width, height, 1, 3, palette);
  if (channels === 1) k.toRgb1(outAt, rgbAt, n);
  else if (channels === 2) k.toRgb2(outAt, rgbAt, n);
  else if (channels === 4) k.toRgb4(outAt, rgbAt, n);
  const from = channels === 3 ? outAt : rgbAt;
  // A copy out of the kernels' memory (new + set: about half the CPU of slice() here).
  const rgb = new Uint8Array(n * 3);
  rgb.set(mem.subarray(from, from + n * 3));
  return rgb;
}

/**
 * The unfiltered pixel rows of `raw` (each row a filter byte, then `stride` bytes; `bpp` bytes per pixel) as rows of
 * `stride` bytes, or null for an unknown filter type: on the WebAssembly kernel (wasm/unfilter-kernel.ts; 3–6×
 * faster than the JS loops, same bytes) where the runtime has it, unless `useSimd` is false. decodePlainPng does
 * the same inline; this is for the tests, which compare the two.
 *
 * @example
 *   unfilterPixels(Uint8Array.of(1, 10, 5, 0, 7, 7), 2, 2, 1); // [10, 15, 7, 7] (Sub, then None)
 */
export function unfilterPixels(
  raw: Uint8Array,
  height: number,
  stride: number,
  bpp: number,
  useSimd = true,
): Uint8Array | null {
  const { outAt, total } = kernelLayout(raw.length, stride / bpp, height, bpp);
  const k = useSimd ? simdKernels(total) : null;
  if (!k) {
    const pixels = new Uint8Array(stride * height);
    return unfilter(raw, pixels, height, stride, bpp) ? pixels : null;
  }
  const mem = new Uint8Array(k.memory.buffer);
  mem.set(raw, 0);
  mem.fill(0, outAt - stride, outAt);
  if (!k.unfilter(0, outAt, height, stride, bpp)) return null;
  return mem.slice(outAt, outAt + stride * height);
}

/**
 * Undoes PNG's filters (each row of `raw`: a filter byte, then `stride` bytes) into `out` (rows of `stride` bytes,
 * no filter bytes); false for an unknown filter. Stores into a Uint8Array wrap modulo 256, which is PNG's arithmetic.
 */
function unfilter(raw: Uint8Array, out: Uint8Array, height: number, stride: number, bpp: number): boolean {
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const prev = y > 0 ? out : zero;
    const up = y > 0 ? dst - stride : 0;
    switch (raw[src - 1]) {
      case 0:
        out.set(raw.subarray(src, src + stride), dst);
        break;
      case 1:
        for (let i = 0; i < bpp; i++) out[dst + i] = raw[src + i];
        for (let i = bpp; i < stride; i++) out[dst + i] = raw[src + i] + out[dst + i - bpp];
        break;
      case 2:
        for (let i = 0; i < stride; i++) out[dst + i] = raw[src + i] + prev[up + i];
        break;
      case 3:
        if (bpp === 3) {
          averageRgb(raw, src, out, dst, prev, up, stride);
          break;
        }
        for (let i = 0; i < bpp; i++) out[dst + i] = raw[src + i] + (prev[up + i] >> 1);
        for (let i = bpp; i < stride; i++) out[dst + i] = raw[src + i] + ((out[dst + i - bpp] + prev[up + i]) >> 1);
        break;
      case 4:
        if (bpp === 3) {
          paethRgb(raw, src, out, dst, prev, up, stride);
          break;
        }
        for (let i = 0; i < bpp; i++) out[dst + i] = raw[src + i] + prev[up + i]; // Paeth(0, up, 0) = up
        for (let i = bpp; i < stride; i++) {
          const a = out[dst + i - bpp];
          const b = prev[up + i];
          const c = prev[up + i - bpp];
          const pa = b > c ? b - c : c - b; // |p − a| for p = a + b − c
          const pb = a > c ? a - c : c - a; // |p − b|
          const q = a + b - c - c;
          const pc = q < 0 ? -q : q; // |p − c|
          out[dst + i] = raw[src + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Average filter for 3 bytes per pixel, the left pixel kept in registers (the common case: RGB photos). */
function averageRgb(
  raw: Uint8Array,
  src: number,
  out: Uint8Array,
  dst: number,
  prev: Uint8Array,
  up: number,
  stride: number,
): void {
  let a0 = 0,
    a1 = 0,
    a2 = 0;
  for (let i = 0; i < stride; i += 3) {
    a0 = (raw[src + i] + ((a0 + prev[up + i]) >> 1)) & 255;
    a1 = (raw[src + i + 1] + ((a1 + prev[up + i + 1]) >> 1)) & 255;
    a2 = (raw[src + i + 2] + ((a2 + prev[up + i + 2]) >> 1)) & 255;
    out[dst + i] = a0;
    out[dst + i + 1] = a1;
    out[dst + i + 2] = a2;
  }
}

/** Paeth's predictor: whichever of a (left), b (up), c (upper left) is nearest to a + b − c; ties prefer a, then b. */
function paeth(a: number, b: number, c: number): number {
  const pa = b > c ? b - c : c - b;
  const pb = a > c ? a - c : c - a;
  const q = a + b - c - c;
  const pc = q < 0 ? -q : q;
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Paeth filter for 3 bytes per pixel, left and upper-left pixels kept in registers. */
function paethRgb(
  raw: Uint8Array,
  src: number,
  out: Uint8Array,
  dst: number,
  prev: Uint8Array,
  up: number,
  stride: number,
): void {
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    c0 = 0,
    c1 = 0,
    c2 = 0;
  for (let i = 0; i < stride; i += 3) {
    const b0 = prev[up + i],
      b1 = prev[up + i + 1],
      b2 = prev[up + i + 2];
    a0 = (raw[src + i] + paeth(a0, b0, c0)) & 255;
    a1 = (raw[src + i + 1] + paeth(a1, b1, c1)) & 255;
    a2 = (raw[src + i + 2] + paeth(a2, b2, c2)) & 255;
    out[dst + i] = a0;
    out[dst + i + 1] = a1;
    out[dst + i + 2] = a2;
    c0 = b0;
    c1 = b1;
    c2 = b2;
  }
}

/** Unfiltered pixels (rows of width · channels bytes) → interleaved RGB by Pillow's rules; null for a bad palette index. */
function toRgb(
  px: Uint8Array,
  width: number,
  height: number,
  channels: number,
  colourType: number,
  palette: Uint8Array | null,
): Uint8Array | null {
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  if (colourType === 3) {
    const entries = palette!.length / 3;
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const idx = px[i];
      // libpng (and so sharp) rejects an index past the palette; leave such a file to the general decoder.
      if (idx >= entries) return null;
      const q = idx * 3;
      rgb[o] = palette![q];
      rgb[o + 1] = palette![q + 1];
      rgb[o + 2] = palette![q + 2];
    }
  } else if (channels === 4) {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += 4, o += 3) {
      rgb[o] = px[s];
      rgb[o + 1] = px[s + 1];
      rgb[o + 2] = px[s + 2];
    }
  } else {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
      const v = px[s];
      rgb[o] = v;
      rgb[o + 1] = v;
      rgb[o + 2] = v;
    }
  }
  return rgb;
}
