/**
 * A fast path for the commonest input, a plain 8-bit PNG: parse the chunks, inflate the IDAT stream with Node's
 * zlib (synchronously, on the calling thread), undo the per-row filters, and convert to 8-bit RGB with Pillow's
 * `convert('RGB')` rules (grey copied into R, G and B; alpha dropped without compositing; palette looked up, its
 * transparency ignored). No round trip through sharp's thread pool, whose fixed cost (~0.5 ms CPU per call) is most
 * of the time on small images.
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

export interface PlainPng {
  rgb: Uint8Array;
  width: number;
  height: number;
  /** Like decode.ts's description, e.g. 'png srgb 3ch 8-bit' (the channels stored in the file). */
  sourceDescription: string;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

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
  if (!unfilter(raw, height, stride, channels)) return null;
  const rgb = toRgb(raw, width, height, stride, channels, colourType, palette);
  if (!rgb) return null;
  const space = colourType === 0 || colourType === 4 ? 'b-w' : 'srgb';
  return { rgb, width, height, sourceDescription: `png ${space} ${colourType === 3 ? (palette!.length / 3 > 0 ? 3 : 1) : channels}ch 8-bit` };
}

/** Undoes PNG's filters in place (each row: a filter byte, then `stride` bytes); false for an unknown filter. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number): boolean {
  const rowLen = stride + 1;
  for (let y = 0; y < height; y++) {
    const s = y * rowLen + 1; // first byte of this row
    const p = s - rowLen; // first byte of the previous row (only read when y > 0)
    const filter = raw[s - 1];
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < stride; i++) raw[s + i] = (raw[s + i] + raw[s + i - bpp]) & 255;
        break;
      case 2:
        if (y > 0) for (let i = 0; i < stride; i++) raw[s + i] = (raw[s + i] + raw[p + i]) & 255;
        break;
      case 3:
        if (y > 0) {
          for (let i = 0; i < bpp; i++) raw[s + i] = (raw[s + i] + (raw[p + i] >> 1)) & 255;
          for (let i = bpp; i < stride; i++) raw[s + i] = (raw[s + i] + ((raw[s + i - bpp] + raw[p + i]) >> 1)) & 255;
        } else {
          for (let i = bpp; i < stride; i++) raw[s + i] = (raw[s + i] + (raw[s + i - bpp] >> 1)) & 255;
        }
        break;
      case 4:
        if (y > 0) {
          for (let i = 0; i < bpp; i++) raw[s + i] = (raw[s + i] + raw[p + i]) & 255; // Paeth(0, up, 0) = up
          for (let i = bpp; i < stride; i++) {
            const a = raw[s + i - bpp];
            const up = raw[p + i];
            const c = raw[p + i - bpp];
            const pa = up > c ? up - c : c - up; // |p − a| where p = a + up − c
            const pb = a > c ? a - c : c - a; // |p − up|
            const q = a + up - c - c;
            const pc = q < 0 ? -q : q; // |p − c|
            const pred = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
            raw[s + i] = (raw[s + i] + pred) & 255;
          }
        } else {
          for (let i = bpp; i < stride; i++) raw[s + i] = (raw[s + i] + raw[s + i - bpp]) & 255; // Paeth(a, 0, 0) = a
        }
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Unfiltered rows → interleaved RGB with Pillow's conversion rules; null for a palette index out of range. */
function toRgb(raw: Uint8Array, width: number, height: number, stride: number, channels: number, colourType: number, palette: Uint8Array | null): Uint8Array | null {
  const rgb = new Uint8Array(width * height * 3);
  const rowLen = stride + 1;
  if (colourType === 2) {
    for (let y = 0; y < height; y++) rgb.set(raw.subarray(y * rowLen + 1, y * rowLen + 1 + stride), y * stride);
    return rgb;
  }
  let o = 0;
  if (colourType === 3) {
    const entries = palette!.length / 3;
    for (let y = 0; y < height; y++) {
      const s = y * rowLen + 1;
      for (let x = 0; x < width; x++, o += 3) {
        const idx = raw[s + x];
        // libpng (and so sharp) rejects an index past the palette; leave such a file to the general decoder.
        if (idx >= entries) return null;
        const q = idx * 3;
        rgb[o] = palette![q];
        rgb[o + 1] = palette![q + 1];
        rgb[o + 2] = palette![q + 2];
      }
    }
    return rgb;
  }
  for (let y = 0; y < height; y++) {
    let s = y * rowLen + 1;
    if (channels === 4) {
      for (let x = 0; x < width; x++, s += 4, o += 3) {
        rgb[o] = raw[s];
        rgb[o + 1] = raw[s + 1];
        rgb[o + 2] = raw[s + 2];
      }
    } else {
      for (let x = 0; x < width; x++, s += channels, o += 3) {
        const v = raw[s];
        rgb[o] = v;
        rgb[o + 1] = v;
        rgb[o + 2] = v;
      }
    }
  }
  return rgb;
}
