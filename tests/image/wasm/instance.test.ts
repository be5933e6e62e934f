/**
 * lib/image/wasm/instance.ts: the kernels assemble into one small valid module, which this Node runs; ordinary jobs
 * share one instance, a large one gets its own, and a job past WebAssembly's 4 GiB gets none (the JS loops run).
 */
import { kernelModuleBytes, simdKernels, SHARED_MEMORY_BYTES } from '../../../lib/image/wasm/instance';

describe('WebAssembly kernel module', () => {
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
});
