/**
 * Data modality mismatch, shown: what lib's errors look like for wrong inputs, and how much preprocessing choices
 * (antialiasing, colour management, crop vs squash, alpha, grayscale) change the pixels a model sees and its scores.
 *
 * @example
 *   await errorText(() => clip.embedImages(['a photo of a cat']));
 *   // 'ImageInputError: Cannot use image "a photo of a cat": the file does not exist. …'
 *   const v = await preprocessingVariants(png, clip.preprocessorConfig);
 *   v.map((x) => x.name);   // ['reference (bicubic, shortest edge + centre crop)', 'nearest neighbour (no antialiasing)', …]
 */
import sharp from 'sharp';
import { Tensor } from '@huggingface/transformers';
import type { Clip } from '../clip/loader';
import { preprocessImage, type PreprocessorConfig } from '../image/preprocess';
import { l2Normalize, similarityMatrix, softmax } from '../embeddings/similarity';
import { makeObject, neutralBackground, objectSvg, sceneToSvg, type Colour, type Shape } from '../worlds/shapes';
import { CourseError } from '../course/errors';

/** Raised for inputs these helpers cannot use; the message names the input, the cause and the fix. */
export class ModalityDemoError extends CourseError {}

/**
 * Runs `fn` and returns the error it throws as 'Name: message', or 'no error' when it succeeds. For notebooks that
 * show what an error looks like without stopping.
 *
 * @example
 *   await errorText(() => preprocessImage(Buffer.from('not an image')));
 *   // 'ImageInputError: Cannot use image <Buffer, 12 bytes>: the bytes are not an image …'
 */
export async function errorText(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'no error';
  } catch (err) {
    const e = err as Error;
    return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
  }
}

/**
 * A wide test image (width = 1.5 × height) with one large object near the LEFT edge on a flat grey background:
 * centre cropping cuts most of the object away, squashing keeps it (narrower).
 *
 * @example
 *   const png = await wideShapeImage('circle', 'red', 144);   // 216×144 PNG
 */
export async function wideShapeImage(shape: Shape, colour: Colour, height = 144): Promise<Buffer> {
  if (!Number.isInteger(height) || height < 32 || height > 1024)
    throw new ModalityDemoError(`height is ${height}; use a whole number of pixels in 32..1024 (e.g. 144).`);
  const width = Math.round(height * 1.5);
  const object = makeObject(shape, colour, 'large', height * 0.3, height / 2, height);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="rgb(150,150,150)"/>${objectSvg(object)}</svg>`;
  return sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
}

/**
 * One centred object drawn on a TRANSPARENT background (RGBA PNG). Its transparent pixels store black, which is
 * what a decoder that drops alpha without compositing (Pillow's convert('RGB'), and lib/image) shows the model.
 */
export async function transparentShapePng(shape: Shape, colour: Colour, size = 96): Promise<Buffer> {
  const object = makeObject(shape, colour, 'large', size / 2, size / 2, size);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${objectSvg(object)}</svg>`;
  return sharp(Buffer.from(svg)).ensureAlpha().png().toBuffer();
}

/** One centred object on flat grey, as a PNG (the reference the variants are compared with). */
export async function centredShapePng(shape: Shape, colour: Colour, size = 96, grey = 0.6): Promise<Buffer> {
  const scene = {
    size,
    background: neutralBackground(grey),
    objects: [makeObject(shape, colour, 'large', size / 2, size / 2, size)],
  };
  return sharp(Buffer.from(sceneToSvg(scene)))
    .removeAlpha()
    .png()
    .toBuffer();
}

/**
 * Re-encodes an image as a JPEG in the Display P3 colour space with the P3 ICC profile embedded (as phones save
 * photos). A colour-managed viewer shows the original colours; a decoder that ignores the profile (Pillow, so the
 * Python CLIP reference, and lib/image) reads the P3 numbers as if they were sRGB: duller reds and greens.
 */
export async function p3Jpeg(image: Buffer): Promise<Buffer> {
  return sharp(image).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
}

/** Decodes with colour management (the embedded profile converted to sRGB) and returns a lossless PNG of the result. */
export async function colourManagedPng(image: Buffer): Promise<Buffer> {
  return sharp(image).toColourspace('srgb').removeAlpha().png().toBuffer();
}

/** Composites an image with alpha over a solid background colour (what a browser shows) and returns a PNG. */
export async function flattenedPng(image: Buffer, background = '#ffffff'): Promise<Buffer> {
  return sharp(image).flatten({ background }).png().toBuffer();
}

/** The same image in grayscale (three equal channels), as a PNG. */
export async function grayscalePng(image: Buffer): Promise<Buffer> {
  return sharp(image).grayscale().png().toBuffer();
}

export interface PixelValues {
  data: Float32Array;
  dims: [3, number, number];
}

/**
 * Mean and max absolute difference between two preprocessed images (normalized pixel units: 1 ≈ one standard
 * deviation of CLIP's training pixels, about 70 of 255 levels).
 */
export function pixelDifference(a: PixelValues, b: PixelValues): { mean: number; max: number } {
  if (a.data.length !== b.data.length)
    throw new ModalityDemoError(
      `the two pixel tensors have ${a.data.length} and ${b.data.length} values; preprocess both with the same crop size.`,
    );
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.data.length, max };
}

/**
 * Zero-shot probabilities of already-preprocessed pixel values (so preprocessing choices can be compared on the
 * same model): the vision model's embedding against `labels`, softmax at the model's logit scale.
 *
 * @example
 *   await zeroShotFromPixels(clip, await preprocessImage(png, clip.preprocessorConfig), ['a red circle', 'a blue star']);
 *   // [0.97, 0.03]
 */
export async function zeroShotFromPixels(clip: Clip, pixels: PixelValues, labels: string[]): Promise<number[]> {
  const pixel_values = new Tensor('float32', pixels.data, [1, ...pixels.dims]);
  const { image_embeds } = await clip.visionModel({ pixel_values });
  const image = l2Normalize(
    { rows: 1, cols: image_embeds.dims[1], data: image_embeds.data as Float32Array },
    'image embedding',
  );
  const text = await clip.embedLabels(labels);
  return Array.from(softmax(similarityMatrix(image, text).data, clip.logitScale));
}

export interface PreprocessingVariant {
  name: string;
  pixels: PixelValues;
}

/**
 * The image preprocessed with the model's own config and with three changed choices: nearest-neighbour resizing
 * (no antialiasing), squashing the whole image to a square instead of cropping its centre, and bilinear instead
 * of bicubic resampling.
 */
export async function preprocessingVariants(
  image: Buffer,
  config: PreprocessorConfig,
): Promise<PreprocessingVariant[]> {
  const crop = config.crop_size;
  const side = typeof crop === 'number' ? crop : crop.height;
  return [
    {
      name: 'reference (model config: bicubic, shortest edge + centre crop)',
      pixels: await preprocessImage(image, config),
    },
    { name: 'nearest neighbour (no antialiasing)', pixels: await preprocessImage(image, { ...config, resample: 0 }) },
    { name: 'bilinear resampling', pixels: await preprocessImage(image, { ...config, resample: 2 }) },
    {
      name: 'squash whole image (no crop)',
      pixels: await preprocessImage(image, { ...config, size: { height: side, width: side }, do_center_crop: false }),
    },
  ];
}

/**
 * Normalized pixel values [3, S, S] back to RGB bytes S×S×3 (to look at what the model sees).
 *
 * @example
 *   const rgb = pixelValuesToRgb(pixels, clip.preprocessorConfig);   // Uint8Array(48·48·3)
 */
export function pixelValuesToRgb(pixels: PixelValues, config: PreprocessorConfig): Uint8Array {
  const [, h, w] = pixels.dims;
  if (h !== w) throw new ModalityDemoError(`pixel values are ${w}×${h}; only square crops can be shown this way.`);
  const mean = Array.isArray(config.image_mean)
    ? config.image_mean
    : [config.image_mean, config.image_mean, config.image_mean];
  const std = Array.isArray(config.image_std)
    ? config.image_std
    : [config.image_std, config.image_std, config.image_std];
  const plane = h * w;
  const out = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++)
      out[p * 3 + c] = Math.round(Math.min(1, Math.max(0, pixels.data[c * plane + p] * std[c] + mean[c])) * 255);
  }
  return out;
}

/**
 * Several images (PNG or any format sharp decodes, any sizes) side by side in one PNG, each fitted into a
 * `cell`×`cell` square by nearest-neighbour scaling (small images stay crisp), on white.
 *
 * @example
 *   showImage(await imageStripPng([png48a, png48b], 128));   // 262×128
 */
export async function imageStripPng(images: Buffer[], cell = 128, gap = 6): Promise<Buffer> {
  if (images.length === 0) throw new ModalityDemoError('imageStripPng: no images given.');
  const tiles = await Promise.all(
    images.map((img) =>
      sharp(img)
        .removeAlpha()
        .resize(cell, cell, { fit: 'contain', kernel: 'nearest', background: '#ffffff' })
        .png()
        .toBuffer(),
    ),
  );
  const width = images.length * cell + (images.length - 1) * gap;
  return sharp({ create: { width, height: cell, channels: 3, background: '#ffffff' } })
    .composite(tiles.map((input, k) => ({ input, left: k * (cell + gap), top: 0 })))
    .png()
    .toBuffer();
}
