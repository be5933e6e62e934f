/**
 * A minimal encoder of WebAssembly's binary format, enough for lib/image's SIMD kernels: LEB128 numbers, the
 * instructions the kernels use (`op`, a few dozen opcodes, each a function or constant that gives its bytes), a
 * counted loop (`forUp`), and `assemble`, which turns function definitions into a module with one exported memory
 * ("mem") and the functions exported by name. The kernels themselves are in resample-kernels.ts,
 * unfilter-kernel.ts and rgb-kernels.ts; instance.ts assembles them into one module and runs it.
 *
 * @example
 *   const addOne: FuncDef = { name: 'addOne', params: 1, results: 1, locals: [], body: [op.get(0), op.i32(1), op.add] };
 *   const bytes = assemble([addOne]); // a valid module: WebAssembly.validate(bytes) === true
 *   uleb(300); // [0xac, 0x02]
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
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

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Instructions used by the kernels: each returns its bytes. */
export const op = {
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

export type Code = (number | number[])[];
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

export interface FuncDef {
  name: string;
  params: number;
  /** 1 when the function returns an i32, else 0. */
  results?: number;
  /** Extra locals beyond the parameters: [count, type] groups. */
  locals: [number, number][];
  body: Code;
}

/** A module with one exported memory ("mem") and the given exported functions (i32 params, at most one i32 result). */
export function assemble(funcs: FuncDef[]): Uint8Array {
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

/** `for (i = 0; i < limit; i += step) body`, with i and limit locals; `step` is code that pushes the step. */
export function forUp(i: number, limit: number, step: Code, body: Code): Code {
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
