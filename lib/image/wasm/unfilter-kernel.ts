/**
 * The WebAssembly SIMD kernel that undoes PNG's row filters (lib/image/png.ts), as a function definition for
 * encoder.ts: None and Up 16 bytes per step, Sub, Average and Paeth one pixel per step in i16x8 lanes (Paeth
 * branch-free). Exactly PNG's arithmetic (modulo 256), so the same bytes as png.ts's JS loops, 3–6× faster;
 * tests/image/wasm/unfilter-kernel.test.ts compares them.
 *
 * @example
 *   const bytes = assemble([unfilterKernel()]); // exports unfilter(raw, out, height, stride, bpp) → 1 or 0
 */
import { forUp, I32, op, V128, type Code, type FuncDef } from './encoder';

/**
 * unfilter(raw, out, height, stride, bpp) → 1, or 0 for an unknown filter type: undoes PNG's per-row filters.
 * Row y of `raw` is a filter byte then `stride` bytes; row y of the result goes to out + y·stride. The `stride`
 * bytes before `out` must be zero (the row above the first). None and Up run 16 bytes per step (i8x16 adds wrap
 * modulo 256, PNG's arithmetic); Sub, Average and Paeth one pixel (bpp ≤ 4 bytes) per step in i16x8 lanes, each
 * lane a channel, the prediction chosen branch-free with PNG's tie order (a, then b, then c).
 */
export function unfilterKernel(): FuncDef {
  const raw = 0,
    out = 1,
    height = 2,
    stride = 3,
    bpp = 4;
  const y = 5,
    i = 6,
    s = 7,
    d = 8,
    u = 9,
    ft = 10;
  const a = 11,
    b = 12,
    c = 13,
    pa = 14,
    pb = 15,
    pc = 16,
    mask = 17;
  const widen = (base: number): Code => [op.get(base), op.get(i), op.add, op.load32Zero(), op.i16x8ExtendLowU8];
  /** a = (x + prediction) & 255 stored at d + i as 4 bytes (the bytes past the pixel are rewritten next). */
  const finish = (prediction: Code): Code => [
    op.get(d),
    op.get(i),
    op.add,
    ...widen(s),
    ...prediction,
    op.i16x8Add,
    op.get(mask),
    op.v128And,
    op.tee(a),
    op.get(a),
    op.i8x16NarrowI16U,
    op.store32Lane(0),
  ];
  const perPixel = (prediction: Code): Code => [
    op.i32(0),
    op.i32x4Splat,
    op.tee(a),
    op.set(c),
    ...forUp(i, stride, [op.get(bpp)], [...widen(u), op.set(b), ...finish(prediction), op.get(b), op.set(c)]),
  ];
  const abs = (code: Code, into: number): Code => [...code, op.i16x8Abs, op.set(into)];
  const paeth: Code = [
    // pa = |b − c|, pb = |a − c|, pc = |a + b − 2c|
    ...abs([op.get(b), op.get(c), op.i16x8Sub], pa),
    ...abs([op.get(a), op.get(c), op.i16x8Sub], pb),
    ...abs([op.get(b), op.get(c), op.i16x8Sub, op.get(a), op.get(c), op.i16x8Sub, op.i16x8Add], pc),
    // (pa ≤ pb && pa ≤ pc) ? a : (pb ≤ pc ? b : c)
    op.get(a),
    op.get(b),
    op.get(c),
    op.get(pb),
    op.get(pc),
    op.i16x8LeS,
    op.v128Bitselect,
    op.get(pa),
    op.get(pb),
    op.i16x8LeS,
    op.get(pa),
    op.get(pc),
    op.i16x8LeS,
    op.v128And,
    op.v128Bitselect,
  ];
  const sixteen: Code = [op.i32(16)];
  const body: Code = [
    op.i32(255),
    op.i16x8Splat,
    op.set(mask),
    ...forUp(
      y,
      height,
      [op.i32(1)],
      [
        // s = raw + y·(stride + 1) + 1; ft = raw[s − 1]; d = out + y·stride; u = d − stride
        op.get(raw),
        op.get(y),
        op.get(stride),
        op.i32(1),
        op.add,
        op.mul,
        op.add,
        op.tee(s),
        op.load8U(),
        op.set(ft),
        op.get(s),
        op.i32(1),
        op.add,
        op.set(s),
        op.get(out),
        op.get(y),
        op.get(stride),
        op.mul,
        op.add,
        op.tee(d),
        op.get(stride),
        op.sub,
        op.set(u),
        op.get(ft),
        op.eqz,
        op.if,
        ...forUp(i, stride, sixteen, [
          op.get(d),
          op.get(i),
          op.add,
          op.get(s),
          op.get(i),
          op.add,
          op.v128Load(),
          op.v128Store(),
        ]),
        op.else,
        op.get(ft),
        op.i32(2),
        op.eq,
        op.if,
        ...forUp(i, stride, sixteen, [
          op.get(d),
          op.get(i),
          op.add,
          op.get(s),
          op.get(i),
          op.add,
          op.v128Load(),
          op.get(u),
          op.get(i),
          op.add,
          op.v128Load(),
          op.i8x16Add,
          op.v128Store(),
        ]),
        op.else,
        op.get(ft),
        op.i32(1),
        op.eq,
        op.if,
        ...perPixel([op.get(a)]),
        op.else,
        op.get(ft),
        op.i32(3),
        op.eq,
        op.if,
        ...perPixel([op.get(a), op.get(b), op.i16x8Add, op.i32(1), op.i16x8ShrU]),
        op.else,
        op.get(ft),
        op.i32(4),
        op.eq,
        op.if,
        ...perPixel(paeth),
        op.else,
        op.i32(0),
        op.return,
        op.end,
        op.end,
        op.end,
        op.end,
        op.end,
      ],
    ),
    op.i32(1),
  ];
  return {
    name: 'unfilter',
    params: 5,
    results: 1,
    locals: [
      [6, I32],
      [7, V128],
    ],
    body,
  };
}
