/**
 * Helpers for the tests of lib/image/wasm/: a seeded generator, so failures reproduce, and where two byte arrays
 * first differ.
 *
 * @example
 *   const rnd = lcg(7); rnd(); // a number in [0, 1), the same every run
 *   firstDifference(Uint8Array.of(1, 2), Uint8Array.of(1, 3)); // 1 (−1 when equal, −2 when the lengths differ)
 */

/** A small deterministic generator (LCG), so failures reproduce. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
