/**
 * The WebAssembly SIMD kernels that convert decoded PNG pixels to 8-bit RGB like Pillow's convert('RGB'):
 * `toRgb1` (grey), `toRgb2` (grey + alpha) and `toRgb4` (RGBA), as function definitions for encoder.ts, each one
 * byte shuffle per 16 source bytes. lib/image/png.ts calls them; tests/image/wasm/rgb-kernels.test.ts checks them
 * against the plain per-pixel copy.
 *
 * @example
 *   const bytes = assemble([toRgbKernel(1), toRgbKernel(2), toRgbKernel(4)]); // exports toRgb1, toRgb2, toRgb4
 */
import { I32, op, V128, type Code, type FuncDef } from './encoder';

/**
 * toRgb{1,2,4}(src, dst, n): n pixels of `channels` bytes (grey, grey + alpha, RGBA) at src → n RGB pixels at dst,
 * Pillow's convert('RGB'): grey copied into R, G and B, alpha dropped. 16 source bytes per step, shuffled into
 * 48 / channels output bytes; reads up to 15 bytes past the source and writes up to 47 past the output.
 */
export function toRgbKernel(channels: 1 | 2 | 4): FuncDef {
  const src = 0,
    dst = 1,
    n = 2;
  const end = 3;
  const v = 4; // v128
  const outBytes = 48 / channels;
  const stores: Code = [];
  for (let at = 0; at < outBytes; at += 16) {
    const lanes = Array.from({ length: 16 }, (_, j) => {
      const t = at + j; // output byte: pixel t / 3, channel t % 3
      const byte = Math.floor(t / 3) * channels + (channels === 4 ? t % 3 : 0);
      return byte < 16 ? byte : 0; // past this step's pixels: rewritten by the next step, or slack
    });
    stores.push(op.get(dst), op.get(v), op.get(v), op.i8x16Shuffle(lanes), op.v128Store(at));
  }
  const body: Code = [
    op.get(src),
    op.get(n),
    op.i32(channels),
    op.mul,
    op.add,
    op.set(end),
    op.block,
    op.loop,
    op.get(src),
    op.get(end),
    op.ltU,
    op.eqz,
    op.brIf(1),
    op.get(src),
    op.v128Load(),
    op.set(v),
    ...stores,
    op.get(src),
    op.i32(16),
    op.add,
    op.set(src),
    op.get(dst),
    op.i32(outBytes),
    op.add,
    op.set(dst),
    op.br(0),
    op.end,
    op.end,
  ];
  return {
    name: `toRgb${channels}`,
    params: 3,
    locals: [
      [1, I32],
      [1, V128],
    ],
    body,
  };
}
