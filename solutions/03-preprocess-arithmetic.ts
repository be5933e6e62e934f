//! Reference solution. exercises/03-preprocess-arithmetic.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
//! Hints live in solutions/03-preprocess-arithmetic.hints.md (npm run grade -- --hint 03), never in the stub.
/**
 * Exercise 03 · CLIP preprocessing arithmetic on raw pixels
 *
 * The concept. Before CLIP sees an image, its preprocessor (Hugging Face `CLIPImageProcessor`, ViT-B/32
 * settings) resizes it so that its SHORTEST edge is 224 pixels (keeping the aspect ratio), cuts out the central
 * 224×224 square, and turns every 0–255 value into a normalised number, laid out channel by channel. Changing
 * the image in the mini-challenge (notebook 04) goes through exactly this arithmetic; here you write it, with
 * the reference's (Python's) integer rules, so that your numbers match it to the pixel.
 *
 * Your task: implement `shortestEdgeResize`, `centerCropBox` and `rescaleAndNormalize`.
 *
 * Sizes. Every size argument — width, height, shortestEdge, cropWidth, cropHeight — must be a whole number ≥ 1;
 * each function checks every size argument it takes and throws ImageSizeError otherwise.
 *
 * shortestEdgeResize(width, height, shortestEdge = 224) → { width, height }
 *   - The short edge becomes `shortestEdge`; the long edge becomes ⌊shortestEdge × long / short⌋ (the reference
 *     computes int(shortestEdge * long / short): it truncates, so 451×300 → 336×224, not 337×224). A portrait
 *     image stays portrait, a square stays square, and a small image is enlarged.
 *
 * centerCropBox(width, height, cropWidth = 224, cropHeight = 224) → { left, top, width, height }
 *   - left = ⌊(width − cropWidth) / 2⌋ and top = ⌊(height − cropHeight) / 2⌋ (Python's //); width and height
 *     of the result are the crop's. A crop wider or higher than the image → ImageSizeError.
 *
 * rescaleAndNormalize(rgb, width, height, mean = CLIP_IMAGE_MEAN, std = CLIP_IMAGE_STD, rescaleFactor = 1/255)
 *   - `rgb` is interleaved R,G,B,R,G,B,… row by row (H×W×3, as image decoders give it), exactly 3·W·H values,
 *     each a number in [0, 255] (whole or not).
 *   - Every value v of channel c becomes (v × rescaleFactor − mean[c]) / std[c] — this one formula, with the
 *     given rescaleFactor (1/255 turns 0–255 into 0–1).
 *   - Returns a new Float32Array of 3·W·H values in C×H×W order: all red values (row by row), then all green,
 *     then all blue.
 *   - Errors → PixelBufferError: a buffer of the wrong length; a value outside [0, 255] or not a number; a mean
 *     or std without exactly 3 entries; a mean entry that is not finite; a std entry that is not a finite number
 *     > 0; a rescaleFactor that is not a finite number > 0. (Bad sizes → ImageSizeError, as above.)
 *
 * Grade it: `npm run grade -- 03`. Hints, one step at a time: `npm run grade -- --hint 03`.
 */

/** An image or crop size that cannot be used. */
export class ImageSizeError extends Error {
  override name = 'ImageSizeError';
}

/** A pixel buffer, mean or std that cannot be used. */
export class PixelBufferError extends Error {
  override name = 'PixelBufferError';
}

/** CLIP ViT-B/32's per-channel mean (R, G, B), from its preprocessor_config.json. */
export const CLIP_IMAGE_MEAN: readonly number[] = [0.48145466, 0.4578275, 0.40821073];
/** CLIP ViT-B/32's per-channel standard deviation (R, G, B). */
export const CLIP_IMAGE_STD: readonly number[] = [0.26862954, 0.26130258, 0.27577711];

/** A size in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** A rectangle in pixels: its top-left corner and its size. */
export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

//! BEGIN SOLUTION ONLY
function checkSize(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ImageSizeError(`${name} is ${value}; a size in pixels must be a whole number greater than 0.`);
  }
}
//! END SOLUTION ONLY

/**
 * The size after resizing so that the shortest edge is `shortestEdge` (the reference's truncation).
 *
 * @example
 * shortestEdgeResize(451, 300);   // { width: 336, height: 224 }
 * shortestEdgeResize(300, 451);   // { width: 224, height: 336 }
 */
export function shortestEdgeResize(width: number, height: number, shortestEdge = 224): ImageSize {
  // BEGIN SOLUTION
  checkSize(width, 'shortestEdgeResize: width');
  checkSize(height, 'shortestEdgeResize: height');
  checkSize(shortestEdge, 'shortestEdgeResize: shortestEdge');
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.floor((shortestEdge * long) / short);
  return width <= height ? { width: shortestEdge, height: newLong } : { width: newLong, height: shortestEdge };
  // END SOLUTION
}

/**
 * The central `cropWidth`×`cropHeight` box of a `width`×`height` image (halves rounded down).
 *
 * @example
 * centerCropBox(336, 224);   // { left: 56, top: 0, width: 224, height: 224 }
 * centerCropBox(335, 224);   // { left: 55, top: 0, width: 224, height: 224 }
 */
export function centerCropBox(width: number, height: number, cropWidth = 224, cropHeight = 224): CropBox {
  // BEGIN SOLUTION
  checkSize(width, 'centerCropBox: width');
  checkSize(height, 'centerCropBox: height');
  checkSize(cropWidth, 'centerCropBox: cropWidth');
  checkSize(cropHeight, 'centerCropBox: cropHeight');
  if (cropWidth > width || cropHeight > height) {
    throw new ImageSizeError(
      `centerCropBox: a ${cropWidth}×${cropHeight} crop does not fit in a ${width}×${height} image; resize the image first (shortestEdgeResize).`,
    );
  }
  return {
    left: Math.floor((width - cropWidth) / 2),
    top: Math.floor((height - cropHeight) / 2),
    width: cropWidth,
    height: cropHeight,
  };
  // END SOLUTION
}

/**
 * Interleaved 0–255 RGB (H×W×3) → (value × rescaleFactor − mean[c]) / std[c], as C×H×W float32.
 *
 * @example
 * rescaleAndNormalize([255, 0, 128], 1, 1);   // Float32Array [1.9303, -1.7521, 0.3399]
 */
export function rescaleAndNormalize(
  rgb: ArrayLike<number>,
  width: number,
  height: number,
  mean: readonly number[] = CLIP_IMAGE_MEAN,
  std: readonly number[] = CLIP_IMAGE_STD,
  rescaleFactor = 1 / 255,
): Float32Array {
  // BEGIN SOLUTION
  checkSize(width, 'rescaleAndNormalize: width');
  checkSize(height, 'rescaleAndNormalize: height');
  if (rgb.length !== width * height * 3) {
    throw new PixelBufferError(
      `rescaleAndNormalize: a ${width}×${height} RGB image has ${width * height * 3} values (3 per pixel) but the buffer has ${rgb.length}; pass interleaved R,G,B values.`,
    );
  }
  if (mean.length !== 3 || std.length !== 3) {
    throw new PixelBufferError(
      `rescaleAndNormalize: mean and std need 3 entries (R, G, B); got ${mean.length} and ${std.length}.`,
    );
  }
  if (!Number.isFinite(rescaleFactor) || rescaleFactor <= 0) {
    throw new PixelBufferError(
      `rescaleAndNormalize: rescaleFactor is ${rescaleFactor}; pass a finite number > 0 (1 / 255 for 8-bit images).`,
    );
  }
  for (let c = 0; c < 3; c++) {
    if (!(std[c] > 0) || !Number.isFinite(std[c]) || !Number.isFinite(mean[c])) {
      throw new PixelBufferError(
        `rescaleAndNormalize: channel ${c} has mean ${mean[c]} and std ${std[c]}; std must be a finite number > 0.`,
      );
    }
  }
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let pixel = 0; pixel < plane; pixel++) {
    for (let c = 0; c < 3; c++) {
      const value = rgb[pixel * 3 + c];
      if (!(value >= 0 && value <= 255)) {
        throw new PixelBufferError(
          `rescaleAndNormalize: value ${pixel * 3 + c} is ${value}; pixel values must lie in 0–255.`,
        );
      }
      out[c * plane + pixel] = (value * rescaleFactor - mean[c]) / std[c];
    }
  }
  return out;
  // END SOLUTION
}
