/**
 * What Pillow's resampling filters compute, before any pixel is touched: the filter codes (`PIL_RESAMPLE`), the
 * kernels themselves (box, bilinear, Hamming, Keys' bicubic with a = −0.5, Lanczos-3, in Pillow's order of
 * operations), and per output position along one axis the span of source pixels it reads and their weights as
 * 22-bit fixed-point integers (`axisWeights`). lib/image/resample.ts runs the passes with these tables, in JS or
 * on the WebAssembly kernels; both use exactly these integers, which is what makes the bytes Pillow's.
 *
 * @example
 *   const w = axisWeights(640, 335, FILTERS[PIL_RESAMPLE.BICUBIC], 55, 224); // columns 55..278 of a 640 → 335 resize
 *   w.ksize;    // 9 = 2 · ceil(2 × 1.91) + 1: the most source pixels one output pixel reads
 *   w.start[0]; // 102: the first source column that output column 55 reads
 */
/** Pillow's resampling filter codes, as written in preprocessor_config.json's `resample`. */
export const PIL_RESAMPLE = { NEAREST: 0, LANCZOS: 1, BILINEAR: 2, BICUBIC: 3, BOX: 4, HAMMING: 5 } as const;

export interface ResampleFilter {
  /** Half-width of the kernel, in source pixels, at scale 1. */
  support: number;
  weight(x: number): number;
}

const CUBIC_A = -0.5;

/** Convolution filters by Pillow code; NEAREST is not a convolution and is handled separately. */
export const FILTERS: Record<number, ResampleFilter> = {
  [PIL_RESAMPLE.BOX]: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  [PIL_RESAMPLE.BILINEAR]: {
    support: 1,
    weight: (x) => {
      const t = Math.abs(x);
      return t < 1 ? 1 - t : 0;
    },
  },
  [PIL_RESAMPLE.HAMMING]: {
    support: 1,
    weight: (x) => {
      const t = Math.abs(x);
      if (t === 0) return 1;
      if (t >= 1) return 0;
      const px = t * Math.PI;
      // Pillow writes the window's constants as C floats.
      return (Math.sin(px) / px) * (Math.fround(0.54) + Math.fround(0.46) * Math.cos(px));
    },
  },
  [PIL_RESAMPLE.BICUBIC]: {
    support: 2,
    // Keys' cubic convolution kernel with a = -0.5, evaluated in the same order of operations as Pillow.
    weight: (x) => {
      const t = Math.abs(x);
      if (t < 1) return ((CUBIC_A + 2) * t - (CUBIC_A + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * CUBIC_A;
      return 0;
    },
  },
  [PIL_RESAMPLE.LANCZOS]: {
    support: 3,
    weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0),
  },
};

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

/** Fixed-point precision of the integer weights: 32 bits − 8 for the pixel − 2 for overshoot. */
export const PRECISION_BITS = 22;
export const ROUNDING_HALF = 1 << (PRECISION_BITS - 1);

/** Integer weights for a run of output positions along one axis. */
export interface AxisWeights {
  /** First source index used by output position `first + i`. */
  start: Int32Array;
  /** Number of source pixels used by output position `first + i`. */
  count: Int32Array;
  /**
   * `ksize` integer weights per output position (only the first `count[i]` are used). Sums of their products with
   * bytes fit in 32 bits (255 × Σ|w| < 2^31, the same bound Pillow's int accumulators rely on), so the passes keep
   * their accumulators int32 (`| 0`), which V8 compiles to machine integer instructions. (`Math.imul` would say the
   * same, but it is hundreds of times slower where `Math` comes from another realm, as in jest's sandbox.)
   */
  weights: Int32Array;
  ksize: number;
}

/**
 * Weights of output positions `first .. first + n - 1` when `inSize` source pixels are resampled to `outSize`.
 * Same arithmetic as Pillow: the source center of output x is (x + 0.5) · scale; the kernel is widened by
 * max(scale, 1); its span is rounded to whole pixels and clamped to the image; weights are divided by their sum,
 * then rounded half away from zero to 22-bit integers.
 */
export function axisWeights(
  inSize: number,
  outSize: number,
  filter: ResampleFilter,
  first: number,
  n: number,
): AxisWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const invFilterScale = 1 / filterScale;
  const start = new Int32Array(n);
  const count = new Int32Array(n);
  const weights = new Int32Array(n * ksize);
  const w = new Float64Array(ksize);
  for (let i = 0; i < n; i++) {
    const center = (first + i + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const len = hi - lo;
    let total = 0;
    for (let k = 0; k < len; k++) {
      w[k] = filter.weight((k + lo - center + 0.5) * invFilterScale);
      total += w[k];
    }
    for (let k = 0; k < len; k++) {
      const v = total !== 0 ? w[k] / total : w[k];
      const fixed = v * (1 << PRECISION_BITS);
      weights[i * ksize + k] = Math.trunc(v < 0 ? fixed - 0.5 : fixed + 0.5);
    }
    start[i] = lo;
    count[i] = len;
  }
  return { start, count, weights, ksize };
}
