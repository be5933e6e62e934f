/**
 * lib/image/simd.ts: the WebAssembly kernels give exactly the bytes of the plain JS loops — the resampler's
 * (resampleRgb8Scalar) for every filter, up- and downscaling, windows, and pixels that clip; PNG's row filters
 * (unfilterPixels without SIMD) for 1–4 bytes per pixel — and the module that simd.ts assembles is small and valid.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeToRgb8 } from '../../lib/image/decode';
import { unfilterPixels } from '../../lib/image/png';
import { PIL_RESAMPLE, resampleRgb8, resampleRgb8Scalar, type PixelWindow } from '../../lib/image/resample';
import { kernelModuleBytes, simdKernels, SHARED_MEMORY_BYTES } from '../../lib/image/simd';

const IMAGES = path.join(__dirname, '..', '..', 'assets', 'images');

/** A small deterministic generator (LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('WebAssembly resampler kernels', () => {
  it('assemble into a small valid module, which this Node runs', () => {
    const bytes = kernelModuleBytes();
    expect(bytes.length).toBeLessThan(4096);
    const wasm = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm?.validate(bytes)).toBe(true);
    expect(simdKernels()).not.toBeNull();
  });

  it('share one instance for ordinary jobs and give a large job its own, with enough memory', () => {
    const small = simdKernels(1 << 20)!;
    expect(simdKernels(0)).toBe(small);
    expect(small.memory.buffer.byteLength).toBeGreaterThanOrEqual(1 << 20);
    const large = simdKernels(SHARED_MEMORY_BYTES + 1)!;
    expect(large).not.toBe(small);
    expect(large.memory.buffer.byteLength).toBeGreaterThan(SHARED_MEMORY_BYTES);
    expect(simdKernels(2 ** 33)).toBeNull(); // past WebAssembly's 4 GiB: the JS loops run instead
  });

  it('give the same bytes as the JS loops on random images, sizes, windows and filters', () => {
    const rnd = lcg(7);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const filters = Object.values(PIL_RESAMPLE);
    for (let t = 0; t < 400; t++) {
      const w = int(1, t % 4 === 0 ? 300 : 60);
      const h = int(1, t % 4 === 1 ? 300 : 60);
      const ow = int(1, 90);
      const oh = int(1, 90);
      const src = new Uint8Array(w * h * 3);
      // Mostly noise, a third of it black or white, so both clipping ends are reached.
      for (let i = 0; i < src.length; i++) src[i] = rnd() < 0.33 ? (rnd() < 0.5 ? 0 : 255) : int(0, 255);
      const filter = filters[t % filters.length];
      const winW = int(1, ow);
      const winH = int(1, oh);
      const win: PixelWindow = { left: int(0, ow - winW), top: int(0, oh - winH), width: winW, height: winH };
      const got = resampleRgb8(src, w, h, ow, oh, filter, win);
      const want = resampleRgb8Scalar(src, w, h, ow, oh, filter, win);
      if (firstDifference(got, want) !== -1)
        throw new Error(`differs: ${w}×${h} → ${ow}×${oh}, filter ${filter}, window ${JSON.stringify(win)}`);
    }
  });

  it('give the same bytes as the JS loops on the reference images (resize to 224, centre crop)', async () => {
    for (const file of ['astronaut.png', 'chelsea.png', 'rocket.jpg']) {
      const { rgb, width, height } = await decodeToRgb8(fs.readFileSync(path.join(IMAGES, file)), file);
      const [rw, rh] =
        width <= height ? [224, Math.trunc((224 * height) / width)] : [Math.trunc((224 * width) / height), 224];
      const win = { left: (rw - 224) >> 1, top: (rh - 224) >> 1, width: 224, height: 224 };
      const got = resampleRgb8(rgb, width, height, rw, rh, PIL_RESAMPLE.BICUBIC, win);
      expect(firstDifference(got, resampleRgb8Scalar(rgb, width, height, rw, rh, PIL_RESAMPLE.BICUBIC, win))).toBe(-1);
    }
  });

  it('undo PNG row filters exactly like the JS loops, for 1–4 bytes per pixel and every filter type', () => {
    const rnd = lcg(11);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    for (let t = 0; t < 200; t++) {
      const bpp = 1 + (t % 4);
      const stride = bpp * int(1, 70);
      const height = int(1, 12);
      const raw = new Uint8Array((stride + 1) * height);
      for (let i = 0; i < raw.length; i++) raw[i] = int(0, 255);
      for (let y = 0; y < height; y++) raw[y * (stride + 1)] = int(0, 4);
      const want = unfilterPixels(raw, height, stride, bpp, false)!;
      const got = unfilterPixels(raw, height, stride, bpp)!;
      if (firstDifference(got, want) !== -1) throw new Error(`differs: bpp ${bpp}, stride ${stride}, height ${height}`);
    }
    expect(unfilterPixels(Uint8Array.of(1, 10, 5, 0, 7, 7), 2, 2, 1)).toEqual(Uint8Array.of(10, 15, 7, 7));
    const badFilter = Uint8Array.of(2, 1, 2, 5, 3, 4);
    expect(unfilterPixels(badFilter, 2, 2, 1)).toBeNull();
    expect(unfilterPixels(badFilter, 2, 2, 1, false)).toBeNull();
  });

  it('convert grey, grey + alpha and RGBA pixels to RGB like Pillow (grey copied, alpha dropped)', () => {
    const rnd = lcg(13);
    const k = simdKernels(1 << 16)!;
    for (const channels of [1, 2, 4] as const) {
      for (const n of [1, 5, 16, 17, 63, 100, 257]) {
        const px = Uint8Array.from({ length: n * channels }, () => Math.floor(rnd() * 256));
        const want = new Uint8Array(n * 3);
        for (let i = 0; i < n; i++)
          for (let c = 0; c < 3; c++) want[i * 3 + c] = px[i * channels + (channels === 4 ? c : 0)];
        const mem = new Uint8Array(k.memory.buffer);
        mem.set(px, 1000);
        mem.fill(7, 8000, 9000); // stale bytes where the output goes
        k[`toRgb${channels}`](1000, 8000, n);
        expect(firstDifference(mem.slice(8000, 8000 + n * 3), want)).toBe(-1);
      }
    }
  });
});
