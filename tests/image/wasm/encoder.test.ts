/**
 * lib/image/wasm/encoder.ts: LEB128 numbers as the WebAssembly spec writes them, and a module assembled from a
 * one-function listing validates and runs.
 */
import { assemble, forUp, op, sleb, uleb, I32, type FuncDef } from '../../../lib/image/wasm/encoder';

interface Wasm {
  validate(b: Uint8Array): boolean;
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object) => { exports: Record<string, (...args: number[]) => number> };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

describe('WebAssembly binary encoder', () => {
  it('writes unsigned and signed LEB128', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(300)).toEqual([0xac, 0x02]);
    expect(uleb(0xfd)).toEqual([0xfd, 0x01]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(1 << 21)).toEqual([0x80, 0x80, 0x80, 0x01]);
  });

  it('assembles a module that validates and runs (the doc example, and a forUp loop)', () => {
    const addOne: FuncDef = { name: 'addOne', params: 1, results: 1, locals: [], body: [op.get(0), op.i32(1), op.add] };
    // sumTo(n) = 0 + 1 + … + (n − 1), with the counted loop the kernels use
    const sumTo: FuncDef = {
      name: 'sumTo',
      params: 1,
      results: 1,
      locals: [[2, I32]],
      body: [...forUp(1, 0, [op.i32(1)], [op.get(2), op.get(1), op.add, op.set(2)]), op.get(2)],
    };
    const bytes = assemble([addOne, sumTo]);
    expect(wasm.validate(bytes)).toBe(true);
    const { exports } = new wasm.Instance(new wasm.Module(bytes));
    expect(exports.addOne(41)).toBe(42);
    expect(exports.sumTo(10)).toBe(45);
    expect(exports.sumTo(0)).toBe(0);
  });
});
