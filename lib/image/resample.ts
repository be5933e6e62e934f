/**
 * Image resampling that reproduces Pillow's `Image.resize` (the one Hugging Face's image processors call) to the
 * last bit for 8-bit RGB: a separable convolution, horizontal pass first, then vertical; the kernel is stretched
 * by the scale factor when shrinking (that is the antialiasing); per output pixel the weights are normalised to sum
 * to 1, turned into 22-bit fixed-point integers, accumulated with a rounding offset and clipped to 0..255 after
 * each pass. Only the output pixels inside `window` are computed, so "resize then center-crop" costs only the crop.
 * The passes run on WebAssembly SIMD kernels (lib/image/wasm/resample-kernels.ts, about 6× faster, same bytes)
 * where the runtime has them, else on the JS loops below (`resampleRgb8Scalar`).
 *
 * @example
 *   // 640×427 RGB → 335×224 with bicubic, but compute only the centered 224×224
 *   const out = resampleRgb8(pixels, 640, 427, 335, 224, PIL_RESAMPLE.BICUBIC, { left: 55, top: 0, width: 224, height: 224 });
 *   out.length; // 224 * 224 * 3
 */
import { CourseError } from '../course/errors';
import * as weights from './resample-weights';
import { axisWeights, FILTERS, PIL_RESAMPLE, type AxisWeights } from './resample-weights';
import { simdKernels, type SimdKernels } from './wasm/instance';

export { PIL_RESAMPLE } from './resample-weights';

// The fixed-point constants as this module's own: the JS loops below read them per multiply-add, and V8 folds a
// module constant into the loop but not a read through an import (a getter under tsx: the loops ran 2× slower).
const PRECISION_BITS = weights.PRECISION_BITS;
const ROUNDING_HALF = weights.ROUNDING_HALF;

/** A rectangle of the resized image: the only part that `resampleRgb8` computes. */
export interface PixelWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Raised when the resampler is called with sizes or a window that cannot work (a bug in the caller). */
export class ResampleError extends CourseError {}

/**
 * Resizes interleaved 8-bit RGB pixels (`width × height × 3`) to `outWidth × outHeight` with one of Pillow's
 * filters, returning only `window` of the result (default: all of it) as interleaved RGB bytes.
 *
 * @example
 *   const small = resampleRgb8(rgb, 512, 512, 224, 224, PIL_RESAMPLE.BICUBIC); // Uint8Array(224 * 224 * 3)
 */
export function resampleRgb8(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  filterCode: number = PIL_RESAMPLE.BICUBIC,
  window: PixelWindow = { left: 0, top: 0, width: outWidth, height: outHeight },
): Uint8Array {
  return resample(src, width, height, outWidth, outHeight, filterCode, window, true);
}

/**
 * `resampleRgb8` without the WebAssembly kernels: the plain JS loops, which give the same bytes (the tests compare
 * the two), and run where WebAssembly SIMD is missing.
 */
export function resampleRgb8Scalar(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  filterCode: number = PIL_RESAMPLE.BICUBIC,
  window: PixelWindow = { left: 0, top: 0, width: outWidth, height: outHeight },
): Uint8Array {
  return resample(src, width, height, outWidth, outHeight, filterCode, window, false);
}

function resample(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  filterCode: number,
  window: PixelWindow,
  useSimd: boolean,
): Uint8Array {
  const C = 3;
  for (const [name, v] of Object.entries({ width, height, outWidth, outHeight })) {
    if (!Number.isInteger(v) || v < 1)
      throw new ResampleError(`resampleRgb8: ${name} must be a positive integer, got ${v}.`);
  }
  if (src.length < width * height * C) {
    throw new ResampleError(
      `resampleRgb8: a ${width}×${height} RGB image needs ${width * height * C} bytes, got ${src.length}.`,
    );
  }
  const { left, top, width: winW, height: winH } = window;
  if (left < 0 || top < 0 || winW < 1 || winH < 1 || left + winW > outWidth || top + winH > outHeight) {
    throw new ResampleError(
      `resampleRgb8: window ${winW}×${winH}+${left}+${top} does not fit in the ${outWidth}×${outHeight} output.`,
    );
  }
  if (filterCode === PIL_RESAMPLE.NEAREST) return nearestRgb8(src, width, height, outWidth, outHeight, window);
  const filter = FILTERS[filterCode];
  if (!filter)
    throw new ResampleError(
      `resampleRgb8: unknown resample filter ${filterCode}; use 0..5 (Pillow's codes, 3 = bicubic).`,
    );

  const needHorizontal = outWidth !== width;
  const needVertical = outHeight !== height;

  // Source rows that the vertical pass will read (all rows of the window when there is no vertical pass).
  let rowFirst = top;
  let rowEnd = top + winH;
  let vert: AxisWeights | undefined;
  if (needVertical) {
    vert = axisWeights(height, outHeight, filter, top, winH);
    rowFirst = vert.start[0];
    rowEnd = vert.start[winH - 1] + vert.count[winH - 1];
  }
  const nRows = rowEnd - rowFirst;
  const horiz = needHorizontal ? axisWeights(width, outWidth, filter, left, winW) : undefined;
  if (useSimd) {
    const layout = simdLayout(width, nRows, winW, winH, horiz, vert);
    const simd = simdKernels(layout.total);
    if (simd) return resampleSimd(simd, layout, src, width, rowFirst, nRows, left, winW, winH, horiz, vert);
  }

  // Horizontal pass: rows rowFirst..rowEnd-1 of the source, output columns left..left+winW-1, clipped to bytes.
  // (Uint8ClampedArray clamps to 0..255 on store; `>> PRECISION_BITS` is the fixed-point → integer floor.)
  const midStride = winW * C;
  const mid = new Uint8ClampedArray(nRows * midStride);
  if (needHorizontal) {
    const { start, count, weights, ksize } = horiz!;
    const srcStride = width * C;
    // Two source rows per sweep share each weight load and the loop bookkeeping.
    let y = 0;
    for (; y + 1 < nRows; y += 2) {
      const rowBase = (y + rowFirst) * srcStride;
      let o = y * midStride;
      for (let x = 0; x < winW; x++, o += C) {
        let p = rowBase + start[x] * C;
        const kEnd = x * ksize + count[x];
        let r0 = ROUNDING_HALF,
          g0 = ROUNDING_HALF,
          b0 = ROUNDING_HALF;
        let r1 = ROUNDING_HALF,
          g1 = ROUNDING_HALF,
          b1 = ROUNDING_HALF;
        for (let k = x * ksize; k < kEnd; k++, p += C) {
          const wk = weights[k];
          const q = p + srcStride;
          r0 = (r0 + src[p] * wk) | 0;
          g0 = (g0 + src[p + 1] * wk) | 0;
          b0 = (b0 + src[p + 2] * wk) | 0;
          r1 = (r1 + src[q] * wk) | 0;
          g1 = (g1 + src[q + 1] * wk) | 0;
          b1 = (b1 + src[q + 2] * wk) | 0;
        }
        mid[o] = r0 >> PRECISION_BITS;
        mid[o + 1] = g0 >> PRECISION_BITS;
        mid[o + 2] = b0 >> PRECISION_BITS;
        mid[o + midStride] = r1 >> PRECISION_BITS;
        mid[o + midStride + 1] = g1 >> PRECISION_BITS;
        mid[o + midStride + 2] = b1 >> PRECISION_BITS;
      }
    }
    for (; y < nRows; y++) {
      const rowBase = (y + rowFirst) * srcStride;
      let o = y * midStride;
      for (let x = 0; x < winW; x++, o += C) {
        let p = rowBase + start[x] * C;
        const kEnd = x * ksize + count[x];
        let r = ROUNDING_HALF;
        let g = ROUNDING_HALF;
        let b = ROUNDING_HALF;
        for (let k = x * ksize; k < kEnd; k++, p += C) {
          const wk = weights[k];
          r = (r + src[p] * wk) | 0;
          g = (g + src[p + 1] * wk) | 0;
          b = (b + src[p + 2] * wk) | 0;
        }
        mid[o] = r >> PRECISION_BITS;
        mid[o + 1] = g >> PRECISION_BITS;
        mid[o + 2] = b >> PRECISION_BITS;
      }
    }
  } else {
    for (let y = 0; y < nRows; y++) {
      const from = ((y + rowFirst) * width + left) * C;
      mid.set(src.subarray(from, from + midStride), y * midStride);
    }
  }
  if (!vert) return new Uint8Array(mid.buffer);

  // Vertical pass over the horizontally resampled rows: each output byte sums a column of `count` rows.
  const out = new Uint8ClampedArray(winH * midStride);
  const { start, count, weights, ksize } = vert;
  for (let y = 0; y < winH; y++) {
    const kBase = y * ksize;
    const kEnd = kBase + count[y];
    const firstRow = (start[y] - rowFirst) * midStride;
    const outBase = y * midStride;
    // One pixel (3 bytes) at a time, sharing each weight load across its channels.
    for (let i = 0; i < midStride; i += C) {
      let r = ROUNDING_HALF;
      let g = ROUNDING_HALF;
      let b = ROUNDING_HALF;
      let p = firstRow + i;
      for (let k = kBase; k < kEnd; k++, p += midStride) {
        const wk = weights[k];
        r = (r + mid[p] * wk) | 0;
        g = (g + mid[p + 1] * wk) | 0;
        b = (b + mid[p + 2] * wk) | 0;
      }
      const o = outBase + i;
      out[o] = r >> PRECISION_BITS;
      out[o + 1] = g >> PRECISION_BITS;
      out[o + 2] = b >> PRECISION_BITS;
    }
  }
  return new Uint8Array(out.buffer);
}

/** Bytes from `at` rounded up to a multiple of 16. */
function align16(at: number): number {
  return (at + 15) & ~15;
}

/** Where `resampleSimd` puts things in the module's memory (byte offsets, 16-byte aligned), and how much it needs. */
interface SimdLayout {
  srcAt: number;
  hAt: number;
  midAt: number;
  vAt: number;
  outAt: number;
  total: number;
}

function simdLayout(
  width: number,
  nRows: number,
  winW: number,
  winH: number,
  horiz: AxisWeights | undefined,
  vert: AxisWeights | undefined,
): SimdLayout {
  const SLACK = 16; // the kernels read and write up to 16 bytes past a region
  // [source rows][horizontal tables][intermediate rows][vertical tables][output]
  const srcAt = 0;
  const hAt = align16(srcAt + nRows * width * 3 + SLACK);
  const midAt = align16(hAt + (horiz ? 4 * (2 * winW + winW * horiz.ksize) : 0));
  const vAt = align16(midAt + nRows * winW * 3 + SLACK);
  const outAt = align16(vAt + (vert ? 4 * (2 * winH + winH * vert.ksize) : 0));
  return { srcAt, hAt, midAt, vAt, outAt, total: outAt + winH * winW * 3 + SLACK };
}

/**
 * The two passes on the WebAssembly kernels (wasm/resample-kernels.ts): the rows the vertical pass needs are copied into
 * the module's memory with the weight tables, then the horizontal pass writes the intermediate rows and the
 * vertical pass the window, which is copied out. Same arithmetic as the JS loops above, so the same bytes.
 */
function resampleSimd(
  k: SimdKernels,
  { srcAt, hAt, midAt, vAt, outAt }: SimdLayout,
  src: Uint8Array,
  width: number,
  rowFirst: number,
  nRows: number,
  left: number,
  winW: number,
  winH: number,
  horiz: AxisWeights | undefined,
  vert: AxisWeights | undefined,
): Uint8Array {
  const C = 3;
  const srcStride = width * C;
  const midStride = winW * C;
  const mem = new Uint8Array(k.memory.buffer);
  const mem32 = new Int32Array(k.memory.buffer);

  if (horiz) {
    mem.set(src.subarray(rowFirst * srcStride, (rowFirst + nRows) * srcStride), srcAt);
    mem32.set(horiz.start, hAt >> 2);
    mem32.set(horiz.count, (hAt >> 2) + winW);
    mem32.set(horiz.weights, (hAt >> 2) + 2 * winW);
    k.horizontal(srcAt, srcStride, nRows, midAt, winW, hAt, hAt + 4 * winW, hAt + 8 * winW, horiz.ksize);
  } else {
    for (let y = 0; y < nRows; y++) {
      const from = ((y + rowFirst) * width + left) * C;
      mem.set(src.subarray(from, from + midStride), midAt + y * midStride);
    }
  }
  if (!vert) return mem.slice(midAt, midAt + nRows * midStride);
  const vStart = new Int32Array(winH);
  for (let y = 0; y < winH; y++) vStart[y] = vert.start[y] - rowFirst;
  mem32.set(vStart, vAt >> 2);
  mem32.set(vert.count, (vAt >> 2) + winH);
  mem32.set(vert.weights, (vAt >> 2) + 2 * winH);
  k.vertical(midAt, midStride, winH, outAt, vAt, vAt + 4 * winH, vAt + 8 * winH, vert.ksize);
  return mem.slice(outAt, outAt + winH * midStride);
}

/** Nearest neighbour: source index floor((x + 0.5) · scale), as Pillow's NEAREST resize maps pixel centers. */
function nearestRgb8(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  window: PixelWindow,
): Uint8Array {
  const C = 3;
  const out = new Uint8Array(window.width * window.height * C);
  const sx = width / outWidth;
  const sy = height / outHeight;
  for (let y = 0; y < window.height; y++) {
    const srcY = Math.min(height - 1, Math.floor((y + window.top + 0.5) * sy));
    for (let x = 0; x < window.width; x++) {
      const srcX = Math.min(width - 1, Math.floor((x + window.left + 0.5) * sx));
      const p = (srcY * width + srcX) * C;
      const o = (y * window.width + x) * C;
      out[o] = src[p];
      out[o + 1] = src[p + 1];
      out[o + 2] = src[p + 2];
    }
  }
  return out;
}
