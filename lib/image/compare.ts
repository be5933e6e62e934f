/**
 * Comparing preprocessed pixels: how far two CLIP inputs are apart, and transformers.js's own CLIP image
 * processor as the point of comparison. Used by the parity test, the preprocessing bench and notebook 03.
 */
import * as fs from 'fs';
import { CLIPImageProcessor, RawImage } from '@huggingface/transformers';
import { CLIP_VIT_B32_PREPROCESSOR } from './preprocess';
import { CourseError } from '../course/errors';

/** Absolute differences of two preprocessed images, in normalized units. */
export type PixelDifference = { mean: number; p999: number; max: number };

/** Two preprocessed images that cannot be compared. */
export class PixelComparisonError extends CourseError {}

/**
 * Mean, 99.9th percentile and maximum of |a − b|, element by element.
 *
 * @example
 *   pixelDifference(new Float32Array([0, 1, 2]), new Float32Array([0, 1.5, 2]));
 *   // { mean: 0.1666…, p999: 0, max: 0.5 }   (p99.9 of three values is the 2nd largest)
 */
export function pixelDifference(a: ArrayLike<number>, b: ArrayLike<number>): PixelDifference {
  if (a.length !== b.length) {
    throw new PixelComparisonError(
      `pixelDifference: a has ${a.length} values and b ${b.length}; compare images preprocessed with the same crop size.`,
    );
  }
  if (a.length === 0)
    throw new PixelComparisonError('pixelDifference: both inputs are empty; pass preprocessed pixel arrays.');
  const d = new Float64Array(a.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    d[i] = Math.abs(a[i] - b[i]);
    sum += d[i];
  }
  d.sort();
  return { mean: sum / d.length, p999: d[Math.floor(0.999 * (d.length - 1))], max: d[d.length - 1] };
}

/**
 * A float32 file as written by the Python reference (little-endian, C×H×W), e.g.
 * tests/fixtures/clip-preprocess/chelsea.png.f32.
 */
export function readFloat32File(file: string): Float32Array {
  const buf = fs.readFileSync(file);
  if (buf.byteLength % 4 !== 0) {
    throw new PixelComparisonError(
      `readFloat32File: ${file} has ${buf.byteLength} bytes, not a multiple of 4; it is not a float32 array.`,
    );
  }
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/**
 * transformers.js's CLIPImageProcessor for a preprocessor config (default: openai/clip-vit-base-patch32's), as a
 * function from an image file to its preprocessed pixels. No network, no model folder.
 *
 * @example
 *   const theirs = transformersJsPreprocessor();
 *   (await theirs('assets/images/chelsea.png')).length; // 150528 = 3 × 224 × 224
 */
export function transformersJsPreprocessor(
  config: object = CLIP_VIT_B32_PREPROCESSOR,
): (file: string) => Promise<Float32Array> {
  const processor = new CLIPImageProcessor(config as never);
  return async (file: string) => (await processor(await RawImage.read(file))).pixel_values.data as Float32Array;
}
