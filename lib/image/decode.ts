/**
 * Decodes encoded image bytes into 8-bit RGB the way Pillow's `Image.open(...).convert('RGB')` does: plain 8-bit
 * PNGs up to 2048 × 2048 in JS (lib/image/png.ts: Node's zlib and a WebAssembly unfilter, the same bytes as sharp),
 * everything else with sharp (libvips) used only as a decoder:
 * - embedded ICC profiles are ignored (Pillow does not colour-manage);
 * - grayscale is copied into R, G and B; alpha is dropped without compositing (RGBA, LA, palette with transparency);
 * - CMYK becomes RGB by Pillow's naive formula R = (255 − C)(255 − K)/255 (no profile);
 * - 16-bit samples keep their high byte (Pillow does this for 16-bit RGB; for 16-bit grayscale Pillow clips to
 *   white, a bug that is not copied here);
 * - the first frame of an animation or a multi-page file is used; EXIF orientation is not applied (Pillow's
 *   `Image.open` does not either) unless `autoOrient` is set.
 *
 * @example
 *   const { rgb, width, height } = await decodeToRgb8(fs.readFileSync('assets/images/camera.png'), '"camera.png"');
 *   // width 512, height 512, rgb.length 512 * 512 * 3, with rgb[0] === rgb[1] === rgb[2] (grayscale)
 */
import sharp from 'sharp';
import type { Metadata, OutputInfo, Sharp } from 'sharp';
import { ImageInputError } from './errors';
import { decodePlainPng } from './png';
import { simdKernels } from './wasm/instance';

/** Decoding limits and choices. */
export interface ImageDecodeOptions {
  /**
   * Largest accepted width × height (default 100,000,000 = 100 megapixels, a little above Pillow's
   * MAX_IMAGE_PIXELS warning at about 89 MP). Guards against decompression bombs: a small file that
   * declares a huge image is rejected from its header, before any pixel is decoded.
   */
  maxPixels?: number;
  /** Rotate/flip by the EXIF orientation tag before preprocessing (default false, like Pillow's Image.open). */
  autoOrient?: boolean;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;

/**
 * Plain 8-bit PNGs up to this many pixels (2048 × 2048) are decoded in JS (lib/image/png.ts, its row filters undone
 * by a WebAssembly kernel); larger ones go to sharp, which decodes off the main thread. Without WebAssembly SIMD
 * the JS path's filters are slower per pixel than sharp's, and only PNGs up to PLAIN_PNG_JS_MAX_PIXELS_NO_SIMD
 * (256 × 256) take it.
 */
export const PLAIN_PNG_JS_MAX_PIXELS = 1 << 22;
export const PLAIN_PNG_JS_MAX_PIXELS_NO_SIMD = 1 << 16;

/** Formats decoded here: those that Pillow opens out of the box and sharp decodes. */
const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff']);

/** Known file signatures that are images (or documents) but not decoded here, for a precise message. */
const KNOWN_UNSUPPORTED: { name: string; test: (b: Uint8Array) => boolean }[] = [
  { name: 'BMP', test: (b) => b[0] === 0x42 && b[1] === 0x4d },
  { name: 'ICO', test: (b) => b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 },
  { name: 'PSD', test: (b) => ascii(b, 0, 4) === '8BPS' },
  { name: 'PDF', test: (b) => ascii(b, 0, 5) === '%PDF-' },
  { name: 'HEIF/AVIF', test: (b) => ascii(b, 4, 8) === 'ftyp' },
  {
    name: 'SVG',
    test: (b) => /^\s*(<\?xml|<svg|<!DOCTYPE svg)/i.test(ascii(b, 0, 256)) && /<svg/i.test(ascii(b, 0, 4096)),
  },
];

/** Signatures of the supported formats: bytes that start like one of them but fail to decode are damaged. */
function looksLikeSupportedImage(b: Uint8Array): boolean {
  const head = ascii(b, 0, 12);
  return (
    head.startsWith('\x89PNG') ||
    (b[0] === 0xff && b[1] === 0xd8) ||
    head.startsWith('GIF8') ||
    (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') ||
    head.startsWith('II*\x00') ||
    head.startsWith('MM\x00*')
  );
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return Buffer.from(b.subarray(from, Math.min(to, b.length))).toString('latin1');
}

const FORMAT_FIX = 'Convert it to PNG or JPEG first (any image editor, or `sharp(input).png().toFile(out)`).';

/** 8-bit RGB pixels, interleaved, row-major. */
export interface Rgb8Image {
  rgb: Uint8Array;
  width: number;
  height: number;
  /** What the file held as decoded, before conversion to RGB, e.g. 'png srgb 4ch 8-bit'. */
  sourceDescription: string;
}

/**
 * Decodes `bytes` to 8-bit RGB with Pillow's conversion rules (see the module comment).
 * Throws `ImageInputError` for data that is not an image, truncated, an unsupported format, or over `maxPixels`.
 */
export async function decodeToRgb8(
  bytes: Uint8Array,
  label: string,
  options: ImageDecodeOptions = {},
): Promise<Rgb8Image> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  // One sharp instance: its header is parsed once, for metadata and then for decoding. The pixel limit is
  // checked below from that header, before any pixel is decoded (libvips' own limit would hide the size).
  const image = sharp(bytes, { ignoreIcc: true, failOn: 'error', limitInputPixels: false, pages: 1, page: 0 });
  // PNG and JPEG headers are read here (no round trip to sharp's thread pool); other formats ask sharp.
  const header = sniffHeader(bytes) ?? (await metadataHeader(image, bytes, label));
  const { format, width, height, space } = header;
  if (!SUPPORTED_FORMATS.has(format)) {
    throw new ImageInputError(
      label,
      'unsupported-format',
      `it is ${format.toUpperCase()}, which this pipeline does not decode (supported: PNG, JPEG, WebP, GIF, TIFF)`,
      FORMAT_FIX,
    );
  }
  if (width * height > maxPixels) {
    throw new ImageInputError(
      label,
      'too-many-pixels',
      `its header declares ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} (a guard against decompression bombs)`,
      'Downscale the image first, or raise the limit with the maxPixels option if you trust the file.',
    );
  }
  // Plain 8-bit PNGs are decoded in JS (lib/image/png.ts, same pixels), skipping sharp's thread-pool round trip
  // (~0.5 ms CPU per call) and its pipeline: on the four reference PNGs 3.0–4.2 ms CPU each against sharp's 3.7–6.0
  // (zlib inflate ~1–3 ms, the WebAssembly unfilter ~0.6–1.1 ms). Anything else, or a file that does not decode
  // cleanly in JS, goes to sharp below.
  const jsPngLimit = simdKernels() ? PLAIN_PNG_JS_MAX_PIXELS : PLAIN_PNG_JS_MAX_PIXELS_NO_SIMD;
  if (format === 'png' && !options.autoOrient && width * height <= jsPngLimit) {
    const fast = decodePlainPng(bytes, maxPixels);
    if (fast) return fast;
  }
  const sixteenBit = header.sixteenBit || space === 'rgb16' || space === 'grey16';
  const gray = space === 'b-w' || space === 'grey16';
  const cmyk = space === 'cmyk';
  // Keep the file's own colourspace through the pipeline, so libvips converts nothing.
  const nativeSpace = cmyk ? 'cmyk' : gray ? (sixteenBit ? 'grey16' : 'b-w') : sixteenBit ? 'rgb16' : 'srgb';

  let raw: { data: Buffer; info: OutputInfo };
  try {
    const oriented = options.autoOrient ? image.autoOrient() : image;
    raw = await oriented
      .pipelineColourspace(nativeSpace)
      .toColourspace(nativeSpace)
      .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw classifyDecodeError(bytes, label, e as Error);
  }
  const { info } = raw;
  const channels = info.channels;
  const n = info.width * info.height;
  const samples: Uint8Array | Uint16Array = sixteenBit
    ? new Uint16Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength / 2)
    : new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  const shift = sixteenBit ? 8 : 0;
  // 8-bit RGB, the common case, is used in place; every other layout is converted into a new buffer.
  const inPlace = channels === 3 && !sixteenBit && !cmyk;
  const rgb = inPlace ? new Uint8Array(raw.data.buffer, raw.data.byteOffset, n * 3) : new Uint8Array(n * 3);
  if (inPlace) {
    // nothing to convert
  } else if (cmyk) {
    if (channels < 4)
      throw new ImageInputError(label, 'not-an-image', `it is CMYK but decodes to ${channels} channels`, FORMAT_FIX);
    for (let i = 0, p = 0, o = 0; i < n; i++, p += channels, o += 3) {
      const notK = 255 - (samples[p + 3] >> shift);
      rgb[o] = notK - mulDiv255(samples[p] >> shift, notK);
      rgb[o + 1] = notK - mulDiv255(samples[p + 1] >> shift, notK);
      rgb[o + 2] = notK - mulDiv255(samples[p + 2] >> shift, notK);
    }
  } else if (channels <= 2) {
    for (let i = 0, p = 0, o = 0; i < n; i++, p += channels, o += 3) {
      const v = samples[p] >> shift;
      rgb[o] = v;
      rgb[o + 1] = v;
      rgb[o + 2] = v;
    }
  } else {
    for (let i = 0, p = 0, o = 0; i < n; i++, p += channels, o += 3) {
      rgb[o] = samples[p] >> shift;
      rgb[o + 1] = samples[p + 1] >> shift;
      rgb[o + 2] = samples[p + 2] >> shift;
    }
  }
  return {
    rgb,
    width: info.width,
    height: info.height,
    sourceDescription: `${format} ${space} ${channels}ch ${sixteenBit ? 16 : 8}-bit`,
  };
}

/** What decoding needs to know from a file's header. */
interface ImageHeader {
  format: string;
  width: number;
  height: number;
  /** libvips' name for the stored colourspace: 'srgb', 'b-w', 'cmyk', 'rgb16', 'grey16', ... */
  space: string;
  sixteenBit: boolean;
}

async function metadataHeader(image: Sharp, bytes: Uint8Array, label: string): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    meta = await image.metadata();
  } catch (e) {
    throw classifyDecodeError(bytes, label, e as Error);
  }
  return {
    format: String(meta.format ?? 'unknown'),
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    space: String(meta.space ?? 'srgb'),
    sixteenBit: meta.depth === 'ushort',
  };
}

/**
 * Reads width, height and colour layout from a PNG IHDR chunk or a JPEG start-of-frame marker; null for other
 * formats or a header that does not parse (sharp then decides, and reports damage).
 */
function sniffHeader(b: Uint8Array): ImageHeader | null {
  const u16 = (o: number) => (b[o] << 8) | b[o + 1];
  const u32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  if (b.length >= 33 && u32(0) === 0x89504e47 && u32(4) === 0x0d0a1a0a && ascii(b, 12, 16) === 'IHDR') {
    const bitDepth = b[24];
    const colourType = b[25];
    const gray = colourType === 0 || colourType === 4;
    const sixteenBit = bitDepth === 16;
    return {
      format: 'png',
      width: u32(16),
      height: u32(20),
      space: gray ? (sixteenBit ? 'grey16' : 'b-w') : sixteenBit ? 'rgb16' : 'srgb',
      sixteenBit,
    };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let o = 2;
    while (o + 9 < b.length) {
      if (b[o] !== 0xff) return null;
      const marker = b[o + 1];
      if (marker === 0xff) {
        o++; // fill byte
        continue;
      }
      // Start of frame: baseline, progressive, lossless, arithmetic (not DHT C4, JPG C8, DAC CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        const components = b[o + 9];
        const space = components === 1 ? 'b-w' : components === 3 ? 'srgb' : components === 4 ? 'cmyk' : null;
        if (!space) return null;
        return { format: 'jpeg', width: u16(o + 7), height: u16(o + 5), space, sixteenBit: false };
      }
      if (marker === 0xda || marker === 0xd9) return null; // scan data before any frame header
      o += 2 + u16(o + 2);
    }
  }
  return null;
}

/** a·b/255 rounded, in integers: the same rounding as Pillow's MULDIV255. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

function classifyDecodeError(bytes: Uint8Array, label: string, e: Error): ImageInputError {
  const msg = (e.message || String(e)).split('\n')[0];
  const known = KNOWN_UNSUPPORTED.find((k) => bytes.length >= 4 && k.test(bytes));
  if (/unsupported image format/i.test(msg)) {
    if (known)
      return new ImageInputError(
        label,
        'unsupported-format',
        `it is ${known.name}, which this pipeline does not decode (supported: PNG, JPEG, WebP, GIF, TIFF)`,
        FORMAT_FIX,
      );
    const head = Buffer.from(bytes.subarray(0, 8)).toString('hex');
    return new ImageInputError(
      label,
      'not-an-image',
      `its bytes are not a known image format (it starts with 0x${head})`,
      'Check that the file really is an image (not HTML, text or an archive), and re-download it if needed.',
    );
  }
  if (/pixel limit/i.test(msg)) {
    return new ImageInputError(
      label,
      'too-many-pixels',
      `it has more pixels than the limit (${msg})`,
      'Downscale the image first, or raise the limit with the maxPixels option if you trust the file.',
    );
  }
  if (
    looksLikeSupportedImage(bytes) &&
    /premature|truncat|corrupt header|end of (file|input|stream)|unexpected end|short read|not enough data|incomplete|read error/i.test(
      msg,
    )
  ) {
    return new ImageInputError(
      label,
      'truncated',
      `the file is truncated or damaged (decoder: ${msg})`,
      'Re-download or re-export the image; a partial copy cannot be decoded.',
    );
  }
  return new ImageInputError(
    label,
    'not-an-image',
    `it cannot be decoded (decoder: ${msg})`,
    'The file is damaged or not really an image; re-download or re-export it.',
  );
}
