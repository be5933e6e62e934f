/**
 * lib/image's hot loops as WebAssembly SIMD kernels, each with exactly the integer arithmetic of the JS code it
 * replaces, so the bytes are the same (tests/image/simd.test.ts compares them):
 * - `horizontal` and `vertical`: the two passes of lib/image/resample.ts for 8-bit RGB (32-bit accumulators that
 *   wrap, `>> 22`, clip to 0..255); i32x4 lanes hold R, G, B in the horizontal pass, 16 bytes per step in the
 *   vertical one; about 6× the JS loops on the reference images;
 * - `unfilter`: PNG's row filters (lib/image/png.ts), 16 bytes per step for None and Up, one pixel per step in
 *   i16x8 lanes for Sub, Average and Paeth (branch-free);
 * - `toRgb1`, `toRgb2`, `toRgb4`: grey, grey + alpha and RGBA pixels to RGB by byte shuffles.
 * The module (under 2 KB) is not a binary blob: it is assembled here, from the instruction listings below, by a
 * small encoder of WebAssembly's binary format (a few dozen opcodes), and compiled once, on first use. Where
 * WebAssembly SIMD is missing (very old Node), `simdKernels()` returns null and the JS loops run instead.
 *
 * Memory layout is chosen by the callers: every argument is a byte offset into the module's memory. Kernels read
 * and write a little past the end of their regions (up to 16 bytes; the toRgb kernels up to 47), so callers leave
 * slack after each region.
 *
 * @example
 *   const k = simdKernels(1 << 20); // kernels with at least 1 MiB of memory, or null without WebAssembly SIMD
 *   kernelModuleBytes().length;     // about 1,700 bytes
 */

// ---- A minimal WebAssembly binary encoder --------------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const I32 = 0x7f;
const V128 = 0x7b;

/** Instructions used by the kernels: each returns its bytes. */
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  ltU: [0x49],
  ltS: [0x48],
  load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  eq: [0x46],
  eqz: [0x45],
  load8U: (offset = 0) => [0x2d, 0, ...uleb(offset)],
  if: [0x04, 0x40],
  else: [0x05],
  return: [0x0f],
  // SIMD (prefix 0xfd, then the opcode as LEB128)
  i16x8Splat: [0xfd, ...uleb(0x10)],
  i16x8LeS: [0xfd, ...uleb(0x33)],
  v128And: [0xfd, ...uleb(0x4e)],
  v128Bitselect: [0xfd, ...uleb(0x52)],
  i8x16Add: [0xfd, ...uleb(0x6e)],
  /** i8x16.shuffle of two vectors, 16 lane indices (0–15 the first vector, 16–31 the second). */
  i8x16Shuffle: (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  i16x8Abs: [0xfd, ...uleb(0x80)],
  i16x8ShrU: [0xfd, ...uleb(0x8d)],
  i16x8Add: [0xfd, ...uleb(0x8e)],
  i16x8Sub: [0xfd, ...uleb(0x91)],
  v128Load: (offset = 0) => [0xfd, ...uleb(0x00), 0, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, ...uleb(0x0b), 0, ...uleb(offset)],
  load32Zero: (offset = 0) => [0xfd, ...uleb(0x5c), 0, ...uleb(offset)],
  store8Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x58), 0, ...uleb(offset), lane],
  store16Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x59), 0, ...uleb(offset), lane],
  store32Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x5a), 0, ...uleb(offset), lane],
  i32x4Splat: [0xfd, ...uleb(0x11)],
  i16x8ExtendLowU8: [0xfd, ...uleb(0x89)],
  i16x8ExtendHighU8: [0xfd, ...uleb(0x8a)],
  i32x4ExtendLowU16: [0xfd, ...uleb(0xa9)],
  i32x4ExtendHighU16: [0xfd, ...uleb(0xaa)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  i32x4Mul: [0xfd, ...uleb(0xb5)],
  i32x4ShrS: [0xfd, ...uleb(0xac)],
  i16x8NarrowI32S: [0xfd, ...uleb(0x85)],
  i8x16NarrowI16U: [0xfd, ...uleb(0x66)],
};

type Code = (number | number[])[];
const flat = (code: Code): number[] => code.flat();

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = Array.from(Buffer.from(s, 'utf8'));
  return [...uleb(bytes.length), ...bytes];
}

interface FuncDef {
  name: string;
  params: number;
  /** 1 when the function returns an i32, else 0. */
  results?: number;
  /** Extra locals beyond the parameters: [count, type] groups. */
  locals: [number, number][];
  body: Code;
}

/** A module with one exported memory ("mem") and the given exported functions (i32 params, at most one i32 result). */
function assemble(funcs: FuncDef[]): Uint8Array {
  const types = funcs.map((f) => [
    0x60,
    ...vec(Array.from({ length: f.params }, () => [I32])),
    ...vec(Array.from({ length: f.results ?? 0 }, () => [I32])),
  ]);
  const codes = funcs.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...flat(f.body), 0x0b];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('mem'), 0x02, 0], ...funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(codes)),
  ];
  return Uint8Array.from(bytes);
}

// ---- The kernels ----------------------------------------------------------------------------------------------

const HALF = 1 << 21;
const SHIFT = 22;

/**
 * horizontal(src, srcStride, nRows, mid, winW, start, count, weights, ksize): for each of `nRows` rows (row y at
 * src + y·srcStride, RGB bytes) and each output pixel x < winW: acc = HALF + Σ_k weights[x·ksize + k] ·
 * pixel(start[x] + k), per channel in i32x4 lanes (R, G, B, and a junk lane), then (acc >> 22) clipped to a byte,
 * stored at mid + (y·winW + x)·3 (4 bytes written, the 4th overwritten by the next pixel or slack).
 * start, count: i32 arrays of winW; weights: i32 array of winW·ksize. Rows go two at a time, sharing each weight
 * (an odd last row is paired with itself).
 */
function horizontalKernel(): FuncDef {
  // params
  const src = 0,
    srcStride = 1,
    nRows = 2,
    mid = 3,
    winW = 4,
    start = 5,
    count = 6,
    weights = 7,
    ksize = 8;
  // locals
  const y = 9,
    x = 10,
    p = 11,
    w = 12,
    wEnd = 13,
    o = 14,
    row = 15,
    q = 16,
    rowDelta = 17,
    outDelta = 18,
    midStride = 19;
  const accA = 20,
    accB = 21,
    wv = 22; // v128
  const pixel = (at: number): Code => [op.get(at), op.load32Zero(), op.i16x8ExtendLowU8, op.i32x4ExtendLowU16];
  /** acc → clip(acc >> 22) as bytes in acc's low lanes (narrowing saturates: below 0 → 0, above 255 → 255). */
  const toBytes = (acc: number): Code => [
    op.get(acc),
    op.i32(SHIFT),
    op.i32x4ShrS,
    op.tee(acc),
    op.get(acc), // narrowing takes two vectors; only the first one's lanes are kept
    op.i16x8NarrowI32S,
    op.tee(acc),
    op.get(acc),
    op.i8x16NarrowI16U,
    op.set(acc),
  ];
  const perPixel: Code = [
    // p = row + start[x]·3; q = p + rowDelta
    op.get(row),
    op.get(start),
    op.get(x),
    op.i32(4),
    op.mul,
    op.add,
    op.load(),
    op.i32(3),
    op.mul,
    op.add,
    op.tee(p),
    op.get(rowDelta),
    op.add,
    op.set(q),
    // w = weights + x·ksize·4; wEnd = w + count[x]·4
    op.get(weights),
    op.get(x),
    op.get(ksize),
    op.mul,
    op.i32(4),
    op.mul,
    op.add,
    op.tee(w),
    op.get(count),
    op.get(x),
    op.i32(4),
    op.mul,
    op.add,
    op.load(),
    op.i32(4),
    op.mul,
    op.add,
    op.set(wEnd),
    op.i32(HALF),
    op.i32x4Splat,
    op.tee(accA),
    op.set(accB),
    op.block,
    op.loop,
    op.get(w),
    op.get(wEnd),
    op.ltU,
    op.eqz,
    op.brIf(1),
    op.get(w),
    op.load(),
    op.i32x4Splat,
    op.set(wv),
    op.get(accA),
    ...pixel(p),
    op.get(wv),
    op.i32x4Mul,
    op.i32x4Add,
    op.set(accA),
    op.get(accB),
    ...pixel(q),
    op.get(wv),
    op.i32x4Mul,
    op.i32x4Add,
    op.set(accB),
    op.get(p),
    op.i32(3),
    op.add,
    op.set(p),
    op.get(q),
    op.i32(3),
    op.add,
    op.set(q),
    op.get(w),
    op.i32(4),
    op.add,
    op.set(w),
    op.br(0),
    op.end,
    op.end,
    // Row B: 4 bytes (the 4th is rewritten by the next pixel, row y + 2 or slack). Row A: exactly 3 bytes, as
    // row B's first pixel follows its last. When row B is row A (odd last row), both write the same bytes.
    ...toBytes(accB),
    op.get(o),
    op.get(outDelta),
    op.add,
    op.get(accB),
    op.store32Lane(0),
    ...toBytes(accA),
    op.get(o),
    op.get(accA),
    op.store16Lane(0),
    op.get(o),
    op.get(accA),
    op.store8Lane(2, 2),
    op.get(o),
    op.i32(3),
    op.add,
    op.set(o),
  ];
  const body: Code = [
    op.get(winW),
    op.i32(3),
    op.mul,
    op.set(midStride),
    ...forUp(
      y,
      nRows,
      [op.i32(2)],
      [
        // row = src + y·srcStride; o = mid + y·midStride; the second row is y + 1, or y again when y is the last
        op.get(src),
        op.get(y),
        op.get(srcStride),
        op.mul,
        op.add,
        op.set(row),
        op.get(mid),
        op.get(y),
        op.get(midStride),
        op.mul,
        op.add,
        op.set(o),
        op.get(srcStride),
        op.set(rowDelta),
        op.get(midStride),
        op.set(outDelta),
        op.get(y),
        op.i32(1),
        op.add,
        op.get(nRows),
        op.ltS,
        op.eqz,
        op.if,
        op.i32(0),
        op.set(rowDelta),
        op.i32(0),
        op.set(outDelta),
        op.end,
        ...forUp(x, winW, [op.i32(1)], perPixel),
      ],
    ),
  ];
  return {
    name: 'horizontal',
    params: 9,
    locals: [
      [11, I32],
      [3, V128],
    ],
    body,
  };
}

/**
 * vertical(mid, stride, nOut, out, start, count, weights, ksize): for each output row y < nOut and each byte i of
 * a row (`stride` bytes, 16 at a time): acc = HALF + Σ_k weights[y·ksize + k] · mid[(start[y] + k)·stride + i],
 * then (acc >> 22) clipped to a byte at out + y·stride + i. `start` is relative to the first row at `mid`.
 */
function verticalKernel(): FuncDef {
  const mid = 0,
    stride = 1,
    nOut = 2,
    out = 3,
    start = 4,
    count = 5,
    weights = 6,
    ksize = 7;
  const y = 8,
    i = 9,
    p = 10,
    w = 11,
    wEnd = 12,
    o = 13,
    wFirst = 14,
    pFirst = 15,
    a0 = 16,
    a1 = 17,
    a2 = 18,
    a3 = 19,
    v = 20,
    h = 21,
    wv = 22;
  const mac = (acc: number, widen: number[][]): Code => [
    op.get(acc),
    ...widen,
    op.get(wv),
    op.i32x4Mul,
    op.i32x4Add,
    op.set(acc),
  ];
  const shr = (acc: number): Code => [op.get(acc), op.i32(SHIFT), op.i32x4ShrS];
  const body: Code = [
    op.i32(0),
    op.set(y),
    op.block,
    op.loop,
    op.get(y),
    op.get(nOut),
    op.ltS,
    [0x45],
    op.brIf(1),
    // wFirst = weights + y*ksize*4; wEnd = wFirst + count[y]*4; pFirst = mid + start[y]*stride
    op.get(weights),
    op.get(y),
    op.get(ksize),
    op.mul,
    op.i32(4),
    op.mul,
    op.add,
    op.tee(wFirst),
    op.get(count),
    op.get(y),
    op.i32(4),
    op.mul,
    op.add,
    op.load(),
    op.i32(4),
    op.mul,
    op.add,
    op.set(wEnd),
    op.get(mid),
    op.get(start),
    op.get(y),
    op.i32(4),
    op.mul,
    op.add,
    op.load(),
    op.get(stride),
    op.mul,
    op.add,
    op.set(pFirst),
    // o = out + y*stride
    op.get(out),
    op.get(y),
    op.get(stride),
    op.mul,
    op.add,
    op.set(o),
    op.i32(0),
    op.set(i),
    op.block,
    op.loop,
    op.get(i),
    op.get(stride),
    op.ltS,
    [0x45],
    op.brIf(1),
    op.i32(HALF),
    op.i32x4Splat,
    op.tee(a0),
    op.tee(a1),
    op.tee(a2),
    op.set(a3),
    op.get(pFirst),
    op.get(i),
    op.add,
    op.set(p),
    op.get(wFirst),
    op.set(w),
    op.block,
    op.loop,
    op.get(w),
    op.get(wEnd),
    op.ltU,
    [0x45],
    op.brIf(1),
    op.get(w),
    op.load(),
    op.i32x4Splat,
    op.set(wv),
    op.get(p),
    op.v128Load(),
    op.tee(v),
    op.i16x8ExtendLowU8,
    op.set(h),
    ...mac(a0, [op.get(h), op.i32x4ExtendLowU16]),
    ...mac(a1, [op.get(h), op.i32x4ExtendHighU16]),
    op.get(v),
    op.i16x8ExtendHighU8,
    op.set(h),
    ...mac(a2, [op.get(h), op.i32x4ExtendLowU16]),
    ...mac(a3, [op.get(h), op.i32x4ExtendHighU16]),
    op.get(p),
    op.get(stride),
    op.add,
    op.set(p),
    op.get(w),
    op.i32(4),
    op.add,
    op.set(w),
    op.br(0),
    op.end,
    op.end,
    // out[o + i .. +16] = clip(acc >> 22)
    op.get(o),
    op.get(i),
    op.add,
    ...shr(a0),
    ...shr(a1),
    op.i16x8NarrowI32S,
    ...shr(a2),
    ...shr(a3),
    op.i16x8NarrowI32S,
    op.i8x16NarrowI16U,
    op.v128Store(),
    op.get(i),
    op.i32(16),
    op.add,
    op.set(i),
    op.br(0),
    op.end,
    op.end,
    op.get(y),
    op.i32(1),
    op.add,
    op.set(y),
    op.br(0),
    op.end,
    op.end,
  ];
  return {
    name: 'vertical',
    params: 8,
    locals: [
      [8, I32],
      [7, V128],
    ],
    body,
  };
}

/** `for (i = 0; i < limit; i += step) body`, with i and limit locals; `step` is code that pushes the step. */
function forUp(i: number, limit: number, step: Code, body: Code): Code {
  return [
    op.i32(0),
    op.set(i),
    op.block,
    op.loop,
    op.get(i),
    op.get(limit),
    op.ltS,
    op.eqz,
    op.brIf(1),
    ...body,
    op.get(i),
    ...step,
    op.add,
    op.set(i),
    op.br(0),
    op.end,
    op.end,
  ];
}

/**
 * unfilter(raw, out, height, stride, bpp) → 1, or 0 for an unknown filter type: undoes PNG's per-row filters.
 * Row y of `raw` is a filter byte then `stride` bytes; row y of the result goes to out + y·stride. The `stride`
 * bytes before `out` must be zero (the row above the first). None and Up run 16 bytes per step (i8x16 adds wrap
 * modulo 256, PNG's arithmetic); Sub, Average and Paeth one pixel (bpp ≤ 4 bytes) per step in i16x8 lanes, each
 * lane a channel, the prediction chosen branch-free with PNG's tie order (a, then b, then c).
 */
function unfilterKernel(): FuncDef {
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

/**
 * toRgb{1,2,4}(src, dst, n): n pixels of `channels` bytes (grey, grey + alpha, RGBA) at src → n RGB pixels at dst,
 * Pillow's convert('RGB'): grey copied into R, G and B, alpha dropped. 16 source bytes per step, shuffled into
 * 48 / channels output bytes; reads up to 15 bytes past the source and writes up to 47 past the output.
 */
function toRgbKernel(channels: 1 | 2 | 4): FuncDef {
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

/** Module bytes, exported for the tests (which check that they validate). */
export function kernelModuleBytes(): Uint8Array {
  return assemble([
    horizontalKernel(),
    verticalKernel(),
    unfilterKernel(),
    toRgbKernel(1),
    toRgbKernel(2),
    toRgbKernel(4),
  ]);
}

/** The part of the WebAssembly API used here (tsconfig's lib is ES2022, which does not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export interface SimdKernels {
  memory: WasmMemory;
  horizontal(
    src: number,
    srcStride: number,
    nRows: number,
    mid: number,
    winW: number,
    start: number,
    count: number,
    weights: number,
    ksize: number,
  ): void;
  vertical(
    mid: number,
    stride: number,
    nOut: number,
    out: number,
    start: number,
    count: number,
    weights: number,
    ksize: number,
  ): void;
  /** 1 when done, 0 for an unknown filter type (see unfilterKernel). */
  unfilter(raw: number, out: number, height: number, stride: number, bpp: number): number;
  /** n grey (toRgb1), grey + alpha (toRgb2) or RGBA (toRgb4) pixels at src → RGB at dst (see toRgbKernel). */
  toRgb1(src: number, dst: number, n: number): void;
  toRgb2(src: number, dst: number, n: number): void;
  toRgb4(src: number, dst: number, n: number): void;
}

/** Working memory up to this size is kept between calls (one instance); larger jobs get their own instance. */
export const SHARED_MEMORY_BYTES = 32 << 20;

let compiled: { wasm: WasmApi; module: object } | null | undefined;
let shared: SimdKernels | undefined;

function instantiate(c: { wasm: WasmApi; module: object }): SimdKernels {
  const e = new c.wasm.Instance(c.module).exports as unknown as SimdKernels & { mem: WasmMemory };
  const { mem: memory, horizontal, vertical, unfilter, toRgb1, toRgb2, toRgb4 } = e;
  return { memory, horizontal, vertical, unfilter, toRgb1, toRgb2, toRgb4 };
}

/**
 * Kernels whose memory holds at least `bytes` (grown as needed), or null where WebAssembly SIMD is not available
 * or that much memory cannot be had. The module is compiled once per process (realm); jobs up to
 * SHARED_MEMORY_BYTES share one instance, a larger one gets a fresh instance that is garbage once it is done, so a
 * single huge image does not pin its memory for the life of the process.
 */
export function simdKernels(bytes = 0): SimdKernels | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const code = kernelModuleBytes();
      const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      if (wasm && wasm.validate(code)) compiled = { wasm, module: new wasm.Module(code) };
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  try {
    const k = bytes <= SHARED_MEMORY_BYTES ? (shared ??= instantiate(compiled)) : instantiate(compiled);
    const have = k.memory.buffer.byteLength;
    if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
    return k;
  } catch {
    return null; // over WebAssembly's 4 GiB, or out of memory: the caller runs the JS loops
  }
}
