/**
 * lib/image/wasm/unfilter-kernel.ts: PNG's row filters undone on the WebAssembly kernel (unfilterPixels) give
 * exactly the bytes of the JS loops (unfilterPixels without SIMD) for 1–4 bytes per pixel and every filter type.
 */
import { unfilterPixels } from '../../../lib/image/png';
import { firstDifference, lcg } from './same-bytes';

describe('WebAssembly PNG unfilter kernel', () => {
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
});
