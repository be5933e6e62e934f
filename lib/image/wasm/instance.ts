/**
 * lib/image's WebAssembly SIMD kernels as one module, and its instances: the module (under 2 KB) is assembled from
 * the kernel listings (resample-kernels.ts, unfilter-kernel.ts, rgb-kernels.ts) by encoder.ts, not shipped as a
 * binary blob, and compiled once, on first use. `simdKernels(bytes)` gives the kernels with at least that much
 * memory; where WebAssembly SIMD is missing (very old Node) it returns null and the callers run their JS loops.
 *
 * Memory layout is chosen by the callers (lib/image/resample.ts, lib/image/png.ts): every argument is a byte
 * offset into the module's memory. Kernels read and write a little past the end of their regions (up to 16 bytes;
 * the toRgb kernels up to 47), so callers leave slack after each region.
 *
 * @example
 *   const k = simdKernels(1 << 20); // kernels with at least 1 MiB of memory, or null without WebAssembly SIMD
 *   kernelModuleBytes().length;     // about 1,700 bytes
 */
import { assemble } from './encoder';
import { horizontalKernel, verticalKernel } from './resample-kernels';
import { toRgbKernel } from './rgb-kernels';
import { unfilterKernel } from './unfilter-kernel';

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
  /** 1 when done, 0 for an unknown filter type (see unfilter-kernel.ts). */
  unfilter(raw: number, out: number, height: number, stride: number, bpp: number): number;
  /** n grey (toRgb1), grey + alpha (toRgb2) or RGBA (toRgb4) pixels at src → RGB at dst (see rgb-kernels.ts). */
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
