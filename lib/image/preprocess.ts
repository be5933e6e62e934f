/**
 * CLIP image preprocessing in TypeScript that matches Hugging Face's CLIPImageProcessor (Python, Pillow backend):
 * decode → RGB → resize the shortest edge (bicubic, Pillow's arithmetic) → center crop → rescale to [0, 1] →
 * normalize with the mean and std → channels-first (C×H×W) float32.
 *
 * Against the Python reference outputs for the course's five images (PNG and JPEG) and 20 edge cases (palette,
 * RGBA, LA, CMYK, GIF, WebP, TIFF, 16-bit, 7×5, 1200×40, ...) the output is bit-identical; tests/image-parity.test.ts
 * prints the numbers. Where it can differ from Pillow: transparent pixels of GIFs (libvips gives black, Pillow
 * the palette colour), and 16-bit grayscale (Pillow clips it to white; here the high byte is kept).
 *
 * @example
 *   import { preprocessImage } from './lib/image/index';
 *   const { data, dims } = await preprocessImage('assets/images/chelsea.png');
 *   dims;        // [3, 224, 224]
 *   data.length; // 150528, ready for a CLIP vision model as pixel_values [1, 3, 224, 224]
 */
import { ImageInputError, PreprocessorConfigError } from './errors';
import { decodeToRgb8, DEFAULT_MAX_PIXELS, type ImageDecodeOptions, type Rgb8Image } from './decode';
import {
  readImageBytes,
  describeSource,
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  type ImageReadOptions,
  type ImageSource,
} from './source';
import { resampleRgb8, PIL_RESAMPLE, type PixelWindow } from './resample';
import { checkPreprocessOptions, describeValue } from './options';
import { resolveConfig, type PreprocessorConfig, type ResolvedConfig } from './preprocessor-config';

export { ImageOptionError, MAX_PREPROCESS_SIZE, MAX_TIMEOUT_MS, MAX_CONCURRENCY, describeValue } from './options';
export {
  ImageInputError,
  PreprocessorConfigError,
  PIL_RESAMPLE,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  decodeToRgb8,
  readImageBytes,
  resampleRgb8,
};
export type { ImageInputErrorReason } from './errors';
export type { ImageSource, ImageReadOptions, ImageDecodeOptions, Rgb8Image, PixelWindow };
// The config lives in preprocessor-config.ts; its public names are exported here too, where callers import them.
export { CLIP_VIT_B32_PREPROCESSOR, loadPreprocessorConfig } from './preprocessor-config';
export type { HeightWidth, PreprocessorConfig } from './preprocessor-config';

/** Everything `preprocessImage` needs besides the config: read limits and decode choices. */
export interface PreprocessOptions extends ImageReadOptions, ImageDecodeOptions {}

const PREPROCESS_DEFAULTS = {
  timeoutMs: DEFAULT_TIMEOUT_MS,
  maxBytes: DEFAULT_MAX_BYTES,
  maxPixels: DEFAULT_MAX_PIXELS,
};

/**
 * Output size of Hugging Face's shortest-edge resize (`get_resize_output_image_size`, default_to_square=False):
 * the short side becomes `edge`, the long side int(edge · long / short) (truncated).
 *
 * @example
 *   shortestEdgeSize(451, 300, 224); // { width: 336, height: 224 }
 *   shortestEdgeSize(1200, 40, 224); // { width: 6720, height: 224 }
 */
export function shortestEdgeSize(width: number, height: number, edge: number): { width: number; height: number } {
  if (width <= height) return { width: edge, height: Math.trunc((edge * height) / width) };
  return { width: Math.trunc((edge * width) / height), height: edge };
}

/**
 * Where Hugging Face's `center_crop` takes its window: offset floor((size − crop) / 2) when the image is large
 * enough, otherwise the image is centered on a zero canvas (padding ceil((crop − size) / 2) before it).
 * Returns the source offset of output pixel 0 (negative when padded) along one axis.
 */
function cropOffset(size: number, crop: number): number {
  return size >= crop ? Math.floor((size - crop) / 2) : -Math.ceil((crop - size) / 2);
}

/** Runs resize → crop → rescale → normalize → CHW on decoded RGB pixels. */
function pixelsToTensor(img: Rgb8Image, cfg: ResolvedConfig): { data: Float32Array; dims: [3, number, number] } {
  const { width, height, rgb } = img;
  let rw = width;
  let rh = height;
  if (cfg.resize.kind === 'shortest') ({ width: rw, height: rh } = shortestEdgeSize(width, height, cfg.resize.edge));
  else if (cfg.resize.kind === 'exact') ({ width: rw, height: rh } = cfg.resize);
  if (rw < 1 || rh < 1) {
    throw new PreprocessorConfigError(
      `A ${width}×${height} image would be resized to ${rw}×${rh}: too thin to keep an edge. Use a less extreme aspect ratio or a larger shortest_edge.`,
    );
  }
  const outH = cfg.crop ? cfg.crop.height : rh;
  const outW = cfg.crop ? cfg.crop.width : rw;
  const offY = cfg.crop ? cropOffset(rh, outH) : 0;
  const offX = cfg.crop ? cropOffset(rw, outW) : 0;
  // The part of the resized image that lands inside the output.
  const win: PixelWindow = {
    left: Math.max(0, offX),
    top: Math.max(0, offY),
    width: Math.min(rw, offX + outW) - Math.max(0, offX),
    height: Math.min(rh, offY + outH) - Math.max(0, offY),
  };
  const resized =
    rw === width && rh === height
      ? cropBytes(rgb, width, win)
      : resampleRgb8(rgb, width, height, rw, rh, cfg.resample, win);

  const plane = outH * outW;
  const data = new Float32Array(3 * plane);
  const [l0, l1, l2] = cfg.lut;
  // Padding (only when the resized image is smaller than the crop) is byte 0, as in Hugging Face.
  if (win.width !== outW || win.height !== outH) {
    data.fill(l0[0], 0, plane);
    data.fill(l1[0], plane, 2 * plane);
    data.fill(l2[0], 2 * plane, 3 * plane);
  }
  writeChannelsFirst(
    resized,
    win.width,
    win.height,
    data,
    outW,
    (win.top - offY) * outW + (win.left - offX),
    l0,
    l1,
    l2,
  );
  return { data, dims: [3, outH, outW] };
}

/**
 * Interleaved RGB bytes (winW × winH) → channels-first floats through the per-channel tables, pixel (x, y) landing
 * at `first + y·outW + x` of each plane. A function of its own, with only typed arrays and numbers, so that V8
 * optimises it once and keeps it (inlined in pixelsToTensor, the loop was compiled on stack replacement on every
 * call and thrown away at the loop's exit: ~8 ns per pixel instead of ~1).
 */
function writeChannelsFirst(
  rgb: Uint8Array,
  winW: number,
  winH: number,
  data: Float32Array,
  outW: number,
  first: number,
  l0f: Float32Array,
  l1f: Float32Array,
  l2f: Float32Array,
): void {
  // The float32 values are copied as their 32-bit patterns (Int32Array views), which spares V8 a float32 → float64
  // → float32 round trip per value.
  const out = new Int32Array(data.buffer, data.byteOffset, data.length);
  const l0 = new Int32Array(l0f.buffer, l0f.byteOffset, 256);
  const l1 = new Int32Array(l1f.buffer, l1f.byteOffset, 256);
  const l2 = new Int32Array(l2f.buffer, l2f.byteOffset, 256);
  const plane = data.length / 3;
  const plane2 = 2 * plane;
  let p = 0;
  for (let y = 0; y < winH; y++) {
    const o0 = first + y * outW;
    const end = o0 + winW;
    for (let o = o0; o < end; o++, p += 3) {
      out[o] = l0[rgb[p]];
      out[o + plane] = l1[rgb[p + 1]];
      out[o + plane2] = l2[rgb[p + 2]];
    }
  }
}

function cropBytes(rgb: Uint8Array, width: number, win: PixelWindow): Uint8Array {
  if (win.left === 0 && win.top === 0 && win.width === width) return rgb.subarray(0, win.width * win.height * 3);
  const out = new Uint8Array(win.width * win.height * 3);
  for (let y = 0; y < win.height; y++) {
    const from = ((y + win.top) * width + win.left) * 3;
    out.set(rgb.subarray(from, from + win.width * 3), y * win.width * 3);
  }
  return out;
}

/**
 * Preprocesses one image for a CLIP vision model, like Hugging Face's CLIPImageProcessor with Pillow.
 * `source` is a file path, an http(s) or file URL, or a Buffer of encoded bytes (PNG, JPEG, WebP, GIF, TIFF).
 * `config` overrides openai/clip-vit-base-patch32's preprocessor config; `options` sets limits (maxPixels,
 * maxBytes, timeoutMs: finite and positive) and autoOrient. Resize and crop sizes go up to MAX_PREPROCESS_SIZE (4096 px).
 * Bad input raises `ImageInputError`; a bad config `PreprocessorConfigError`; a bad option `ImageOptionError`
 * (e.g. `preprocessImage(p, {}, { timeoutMs: Infinity })`: "timeoutMs = Infinity is not a finite number of
 * milliseconds from 1 to 2147483647. Fix: …").
 *
 * @example
 *   const { data, dims } = await preprocessImage('assets/images/coffee.png');
 *   dims;    // [3, 224, 224]
 *   data[0]; // -1.2229239 (red of the top-left pixel of the crop, normalized)
 *   await preprocessImage(buffer, { shortest_edge: 256, crop_size: 256 }); // dims [3, 256, 256]
 */
export async function preprocessImage(
  source: ImageSource,
  config?: Partial<PreprocessorConfig>,
  options: PreprocessOptions = {},
): Promise<{ data: Float32Array; dims: [3, number, number] }> {
  checkPreprocessOptions(options, PREPROCESS_DEFAULTS);
  const cfg = resolveConfig(config);
  const { bytes, label } = await readImageBytes(source, options);
  const img = await decodeToRgb8(bytes, label, options);
  return pixelsToTensor(img, cfg);
}

/**
 * Preprocesses several images into one batch, N×3×H×W (N images in order), decoding up to `concurrency`
 * (default 4) at a time. All images must come out the same size, which center cropping guarantees.
 *
 * @example
 *   const batch = await preprocessImages(['assets/images/chelsea.png', 'assets/images/rocket.jpg']);
 *   batch.dims; // [2, 3, 224, 224]
 */
export async function preprocessImages(
  sources: ImageSource[],
  config?: Partial<PreprocessorConfig>,
  options: PreprocessOptions & { concurrency?: number } = {},
): Promise<{ data: Float32Array; dims: [number, 3, number, number] }> {
  if (!Array.isArray(sources)) {
    throw new ImageInputError(
      '<batch>',
      'bad-source',
      `sources must be an array of images, got ${describeValue(sources)}`,
      'Wrap a single image in an array, e.g. preprocessImages([path]), or call preprocessImage(path).',
    );
  }
  if (sources.length === 0) {
    throw new ImageInputError(
      '<batch>',
      'bad-source',
      'the list of sources is empty',
      'Pass an array with at least one path, URL or Buffer.',
    );
  }
  checkPreprocessOptions(options, PREPROCESS_DEFAULTS);
  const cfg = resolveConfig(config);
  const results: { data: Float32Array; dims: [3, number, number] }[] = new Array(sources.length);
  let next = 0;
  const worker = async () => {
    while (next < sources.length) {
      const i = next++;
      const { bytes, label } = await readImageBytes(sources[i], options);
      results[i] = pixelsToTensor(await decodeToRgb8(bytes, label, options), cfg);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, sources.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  const [, h, w] = results[0].dims;
  const size = 3 * h * w;
  const data = new Float32Array(sources.length * size);
  results.forEach((r, i) => {
    if (r.dims[1] !== h || r.dims[2] !== w) {
      throw new ImageInputError(
        describeSource(sources[i]),
        'bad-source',
        `it comes out ${r.dims[2]}×${r.dims[1]} but the first image comes out ${w}×${h}, so they cannot be stacked`,
        'Enable do_center_crop (the default) so every image has the same size, or preprocess them one by one.',
      );
    }
    data.set(r.data, i * size);
  });
  return { data, dims: [sources.length, 3, h, w] };
}
