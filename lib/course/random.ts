/** Seeded random numbers: the same seed gives the same sequence, so worlds, splits and training are reproducible. */
/**
 * A seeded PRNG (mulberry32): the same seed gives the same sequence of numbers in [0, 1).
 *
 * @example
 *   const r = seededRandom(42); r(); // 0.4813160905614495
 */
export function seededRandom(seed: number): () => number {
  let a = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform number in [lo, hi). */
export const uniform = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();
/** One element of `xs`, uniformly. */
export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length) % xs.length];
