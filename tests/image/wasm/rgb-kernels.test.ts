/**
 * lib/image/wasm/rgb-kernels.ts: grey, grey + alpha and RGBA pixels converted to RGB on the WebAssembly kernels
 * match Pillow's convert('RGB') (grey copied into R, G and B, alpha dropped), for pixel counts around the 16-byte
 * steps, over stale bytes.
 */
import { simdKernels } from '../../../lib/image/wasm/instance';
import { firstDifference, lcg } from './same-bytes';

describe('WebAssembly RGB conversion kernels', () => {
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
