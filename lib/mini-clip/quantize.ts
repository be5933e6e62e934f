/**
 * fp16 and q8 (8-bit) copies of an ONNX model's weights, written without Python, so the compute notebook can time
 * and compare the dtypes that transformers.js loads (`dtype: 'fp16'` reads onnx/*_fp16.onnx, `dtype: 'q8'` reads
 * onnx/*_quantized.onnx).
 *
 * Both are WEIGHT-ONLY: inputs, outputs and arithmetic stay float32.
 *  - fp16: every float initializer with ≥ `minElements` values is stored as float16 and widened by a `Cast` node.
 *  - q8:   every weight read by a `MatMul` (second input) or a `Gather` (the table) is stored as int8 with one
 *          symmetric scale per tensor (w ≈ scale · q, q in −127..127) and restored by a `DequantizeLinear` node —
 *          the weights ONNX Runtime's dynamic quantization targets. Other constants stay exact.
 * The files shrink (fp16 ½, q8 about ¼ of the weight bytes) and the outputs move a little: how much is what the
 * notebook measures.
 *
 * @example
 *   const bytes = reducedPrecisionModel(fs.readFileSync('assets/models/mini-clip/onnx/vision_model.onnx'), 'q8');
 *   bytes.length;   // about a quarter of the fp32 file
 *   writeReducedPrecisionCopy('assets/models/mini-clip', '/tmp/mini-clip-dtypes');
 *   // { 'onnx/text_model_fp16.onnx': 62012, 'onnx/vision_model_quantized.onnx': 171530, … }
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  int64,
  onnx,
  OnnxFormatError,
  ONNX_FLOAT,
  ONNX_FLOAT16,
  ONNX_INT8,
} from './onnx';
import { CourseError } from '../course/errors';

/** Raised for a model file this rewriter cannot handle; the message names the file or tensor, the cause and the fix. */
export class QuantizeError extends CourseError {}

export type ReducedDtype = 'fp16' | 'q8';

// ---------------------------------------------------------------------------------------------------------------
// float16

/**
 * float32 → IEEE float16 bits, rounding to nearest even (overflow → ±Infinity, tiny values → subnormals or 0).
 *
 * @example
 *   toFloat16Bits(1);      // 0x3c00
 *   toFloat16Bits(65504);  // 0x7bff (the largest float16)
 */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflows to ±0
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: still correct
  e = half >>> 10;
  return sign | half;
}

/** float16 bits → number (for tests and error measurements). */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * Symmetric int8 quantization of a tensor: q = round(w / scale), scale = max|w| / 127.
 *
 * @example
 *   quantizeInt8(Float32Array.of(-1, 0.5, 1)); // { q: Int8Array [-127, 64, 127], scale: 0.007874 }
 */
export function quantizeInt8(data: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i]));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(data[i] / scale)));
  return { q, scale };
}

// ---------------------------------------------------------------------------------------------------------------
// Rewriting

function tensor(name: string, dims: number[], dataType: number, raw: Uint8Array): onnx.ITensorProto {
  return { dims, dataType, name, rawData: raw };
}

function node(
  opType: string,
  inputs: string[],
  output: string,
  attributes: Record<string, number> = {},
): onnx.INodeProto {
  const attribute = Object.entries(attributes).map(([name, i]) => ({
    name,
    i,
    type: onnx.AttributeProto.AttributeType.INT,
  }));
  return { input: inputs, output: [output], name: `${opType}_${output}`, opType, attribute };
}

export interface ReducedPrecisionReport {
  /** Initializers rewritten, by name, with their element counts. */
  converted: Record<string, number>;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Rewrites an fp32 ONNX model's weights as fp16 or q8 (see the module comment); returns the new model bytes and
 * what changed. Throws `QuantizeError` for a file that is not an ONNX model with raw float initializers.
 *
 * @example
 *   const { bytes, report } = reducedPrecisionModelWithReport(fp32Bytes, 'fp16');
 *   report.bytesAfter / report.bytesBefore;   // about 0.5
 */
export function reducedPrecisionModelWithReport(
  model: Uint8Array,
  dtype: ReducedDtype,
  options: { minElements?: number } = {},
): { bytes: Uint8Array; report: ReducedPrecisionReport } {
  try {
    return rewriteWeights(model, dtype, options);
  } catch (e) {
    // The protobuf reader's own error, in this module's terms.
    if (e instanceof OnnxFormatError)
      throw new QuantizeError(`${e.message} Pass an fp32 .onnx file as exported by the course.`);
    throw e;
  }
}

function rewriteWeights(
  model: Uint8Array,
  dtype: ReducedDtype,
  options: { minElements?: number },
): { bytes: Uint8Array; report: ReducedPrecisionReport } {
  if (dtype !== 'fp16' && dtype !== 'q8') throw new QuantizeError(`dtype '${String(dtype)}' is not 'fp16' or 'q8'.`);
  const minElements = options.minElements ?? 16;
  const decoded = decodeOnnxModel(model);
  const graph = decoded.graph!;

  // Which initializers are MatMul / Gather weights (for q8).
  const weightInputs = new Set<string>();
  for (const n of graph.node ?? []) {
    const inputs = n.input ?? [];
    if (n.opType === 'MatMul' && inputs[1]) weightInputs.add(inputs[1]);
    if (n.opType === 'Gather' && inputs[0]) weightInputs.add(inputs[0]);
  }

  const converted: Record<string, number> = {};
  const newNodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  for (const t of graph.initializer ?? []) {
    const dims = (t.dims ?? []).map((d) => int64(d as number));
    const n = dims.reduce((a, b) => a * b, 1);
    const raw = t.rawData;
    const eligible =
      t.dataType === ONNX_FLOAT &&
      raw &&
      raw.length === n * 4 &&
      n >= minElements &&
      (dtype === 'fp16' || weightInputs.has(t.name ?? ''));
    if (!eligible) {
      initializers.push(t);
      continue;
    }
    const name = t.name ?? '';
    const values = new Float32Array(new Uint8Array(raw).buffer, 0, n); // a copy: Float32Array needs 4-byte alignment
    converted[name] = n;
    if (dtype === 'fp16') {
      const half = new Uint16Array(n);
      for (let i = 0; i < n; i++) half[i] = toFloat16Bits(values[i]);
      initializers.push(tensor(`${name}__fp16`, dims, ONNX_FLOAT16, new Uint8Array(half.buffer)));
      newNodes.push(node('Cast', [`${name}__fp16`], name, { to: ONNX_FLOAT }));
    } else {
      const { q, scale } = quantizeInt8(values);
      initializers.push(tensor(`${name}__q8`, dims, ONNX_INT8, new Uint8Array(q.buffer)));
      initializers.push(tensor(`${name}__scale`, [], ONNX_FLOAT, new Uint8Array(Float32Array.of(scale).buffer)));
      initializers.push(tensor(`${name}__zero`, [], ONNX_INT8, Uint8Array.of(0)));
      newNodes.push(node('DequantizeLinear', [`${name}__q8`, `${name}__scale`, `${name}__zero`], name));
    }
  }
  if (Object.keys(converted).length === 0)
    throw new QuantizeError(
      `no float initializer qualified for ${dtype} (none with ≥ ${minElements} values${dtype === 'q8' ? ' read by MatMul or Gather' : ''}); is this an fp32 model?`,
    );
  // New nodes first: they produce the weights the original nodes read (ONNX wants nodes in topological order).
  graph.node = [...newNodes, ...(graph.node ?? [])] as onnx.NodeProto[];
  graph.initializer = initializers as onnx.TensorProto[];
  const bytes = encodeOnnxModel(decoded);
  return { bytes, report: { converted, bytesBefore: model.length, bytesAfter: bytes.length } };
}

/** `reducedPrecisionModelWithReport(...).bytes`. */
export function reducedPrecisionModel(
  model: Uint8Array,
  dtype: ReducedDtype,
  options: { minElements?: number } = {},
): Uint8Array {
  return reducedPrecisionModelWithReport(model, dtype, options).bytes;
}

/** The file-name suffix transformers.js uses for each dtype. */
export const DTYPE_FILE_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized' } as const;

/**
 * Copies a model folder in the transformers.js layout to `outDir` and adds fp16 and q8 versions of its text and
 * vision models (onnx/text_model_fp16.onnx, onnx/vision_model_quantized.onnx, …), so `loadClip({ localDir: outDir,
 * dtype })` can load each. Returns the files written with their sizes in bytes.
 *
 * @example
 *   writeReducedPrecisionCopy('assets/models/mini-clip', '/tmp/mini-clip-dtypes');
 *   // { 'config.json': 1580, …, 'onnx/vision_model.onnx': 668760, 'onnx/vision_model_fp16.onnx': 335012, … }
 */
export function writeReducedPrecisionCopy(
  srcDir: string,
  outDir: string,
  dtypes: ReducedDtype[] = ['fp16', 'q8'],
): Record<string, number> {
  const need = [
    'config.json',
    'preprocessor_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'onnx/text_model.onnx',
    'onnx/vision_model.onnx',
  ];
  for (const f of need) {
    if (!fs.existsSync(path.join(srcDir, f)))
      throw new QuantizeError(
        `${path.join(srcDir, f)} does not exist; point srcDir at a model folder in the transformers.js layout (e.g. assets/models/mini-clip).`,
      );
  }
  fs.mkdirSync(path.join(outDir, 'onnx'), { recursive: true });
  const sizes: Record<string, number> = {};
  for (const f of fs.readdirSync(srcDir)) {
    const from = path.join(srcDir, f);
    if (fs.statSync(from).isFile()) {
      fs.copyFileSync(from, path.join(outDir, f));
      sizes[f] = fs.statSync(from).size;
    }
  }
  for (const model of ['text_model', 'vision_model']) {
    const fp32 = fs.readFileSync(path.join(srcDir, 'onnx', `${model}.onnx`));
    fs.writeFileSync(path.join(outDir, 'onnx', `${model}.onnx`), fp32);
    sizes[`onnx/${model}.onnx`] = fp32.length;
    for (const dtype of dtypes) {
      const name = `onnx/${model}${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
      const bytes = reducedPrecisionModel(new Uint8Array(fp32.buffer, fp32.byteOffset, fp32.length), dtype);
      fs.writeFileSync(path.join(outDir, name), bytes);
      sizes[name] = bytes.length;
    }
  }
  return sizes;
}
