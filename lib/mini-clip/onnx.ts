/**
 * Writing and reading ONNX models, on `onnx-proto` (the ONNX protobuf messages generated for protobufjs):
 * `OnnxGraph` builds a graph of standard operators with float32 / int64 initializers and serialises it as a
 * ModelProto; `parseOnnxModel` reads one back (tests, loading weights, reading a learned scale).
 *
 * @example
 *   const g = new OnnxGraph('double');
 *   g.input('x', 'float', ['batch', 3]);
 *   const y = g.op('Mul', ['x', g.constFloat([2], [])]);
 *   g.output(y, 'float', ['batch', 3], 'y');
 *   fs.writeFileSync('double.onnx', g.toModelBytes());   // runs in onnxruntime: y = 2·x
 */
import { onnx } from 'onnx-proto';
import { CourseError } from '../course/errors';

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT8 = 3;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_FLOAT16 = 10;
export type ElemType = 'float' | 'int64' | 'int32';
const ELEM: Record<ElemType, number> = { float: ONNX_FLOAT, int64: ONNX_INT64, int32: ONNX_INT32 };

/** Raised for a graph that cannot be written (duplicate names, a non-finite weight) or bytes that are not ONNX. */
export class OnnxFormatError extends CourseError {}

export { onnx };

/** An int64 field as protobufjs decodes it (a number, or a Long when the `long` package is present). */
type Int64 = number | { toNumber(): number };
/** A protobufjs int64 as a JavaScript number. */
export const int64 = (v: Int64 | null | undefined): number =>
  v == null ? 0 : typeof v === 'number' ? v : v.toNumber();

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Decodes a ModelProto; bytes that are not protobuf, or a message without a graph or an opset, throw
 * `OnnxFormatError` (protobufjs's own errors say "index out of range" and the like).
 */
export function decodeOnnxModel(bytes: Uint8Array): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxFormatError(`these bytes are not an ONNX model (${(e as Error).message}).`, {
      fix: 'pass the contents of a .onnx file.',
      cause: e,
    });
  }
  const opset = (model.opsetImport ?? []).find((o) => !o.domain);
  if (!model.graph || !opset || int64(opset.version as Int64) === 0) {
    throw new OnnxFormatError('these bytes are not an ONNX model (no graph or no opset_import).', {
      fix: 'pass the contents of a .onnx file.',
    });
  }
  return model;
}

/** Serialises a ModelProto. */
export function encodeOnnxModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

// ---------------------------------------------------------------------------------------------------------------
// Graph builder

export type AttributeValue = number | string | number[] | { floats: number[] } | { float: number };

/** Integer-valued attributes whose values ONNX defines as FLOAT (not INT). */
const FLOAT_ATTRIBUTES = new Set(['epsilon', 'alpha', 'beta', 'min', 'max']);
const { AttributeType } = onnx.AttributeProto;

function attributeProto(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (typeof value === 'string') return { name, s: utf8.encode(value), type: AttributeType.STRING };
  if (Array.isArray(value)) return { name, ints: value, type: AttributeType.INTS };
  if (typeof value === 'object' && 'floats' in value) return { name, floats: value.floats, type: AttributeType.FLOATS };
  if (typeof value === 'object' && 'float' in value) return { name, f: value.float, type: AttributeType.FLOAT };
  if (FLOAT_ATTRIBUTES.has(name) || !Number.isInteger(value)) return { name, f: value, type: AttributeType.FLOAT };
  return { name, i: value, type: AttributeType.INT };
}

function valueInfoProto(name: string, elemType: number, dims: Array<number | string>): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** Builds an ONNX graph node by node; `toModelBytes()` serialises a ModelProto (ir_version 8, opset 17 by default). */
export class OnnxGraph {
  readonly name: string;
  private nodes: onnx.INodeProto[] = [];
  private initializers: onnx.ITensorProto[] = [];
  private inputs: onnx.IValueInfoProto[] = [];
  private outputs: onnx.IValueInfoProto[] = [];
  private names = new Set<string>();
  private counter = 0;

  constructor(name: string) {
    this.name = name;
  }

  private claim(name: string): string {
    if (this.names.has(name))
      throw new OnnxFormatError(
        `graph ${this.name}: the name "${name}" is used twice; every value in an ONNX graph needs a unique name.`,
      );
    this.names.add(name);
    return name;
  }

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`;
    while (this.names.has(n));
    return n;
  }

  input(name: string, elemType: ElemType, dims: Array<number | string>): string {
    this.inputs.push(valueInfoProto(this.claim(name), ELEM[elemType], dims));
    return name;
  }

  /** Declares `value` a graph output; with `as`, an Identity node renames it first. */
  output(value: string, elemType: ElemType, dims: Array<number | string>, as?: string): string {
    let name = value;
    if (as !== undefined && as !== value) name = this.op('Identity', [value], {}, as);
    this.outputs.push(valueInfoProto(name, ELEM[elemType], dims));
    return name;
  }

  /** A float32 initializer (a weight). */
  initializer(name: string, data: Float32Array, dims: number[]): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n)
      throw new OnnxFormatError(`initializer ${name}: dims [${dims.join(', ')}] need ${n} values, got ${data.length}.`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]))
        throw new OnnxFormatError(
          `initializer ${name}: value ${i} is ${data[i]}; a trained weight must be finite (the training diverged?).`,
        );
    }
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    this.initializers.push({ dims, dataType: ONNX_FLOAT, name: this.claim(name), rawData: raw });
    return name;
  }

  /** An int64 initializer (shapes, axes). */
  initializerInt64(name: string, values: number[], dims: number[] = [values.length]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ dims, dataType: ONNX_INT64, name: this.claim(name), rawData: raw });
    return name;
  }

  constFloat(values: number[], dims: number[]): string {
    return this.initializer(this.fresh('const'), Float32Array.from(values), dims);
  }

  constInt64(values: number[], dims: number[] = [values.length]): string {
    return this.initializerInt64(this.fresh('const_i64'), values, dims);
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    const out = this.claim(output ?? this.fresh(opType.toLowerCase()));
    const attribute = Object.entries(attributes).map(([k, v]) => attributeProto(k, v));
    this.nodes.push({ input: inputs, output: [out], name: `${opType}_${this.nodes.length}`, opType, attribute });
    return out;
  }

  /** Serialises the graph as a ModelProto. */
  toModelBytes(
    options: {
      irVersion?: number;
      opset?: number;
      producer?: string;
      docString?: string;
      metadata?: Record<string, string>;
    } = {},
  ): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: options.irVersion ?? 8,
      producerName: options.producer ?? 'vlm-course-ts mini-clip',
      producerVersion: '1',
      graph: {
        node: this.nodes,
        name: this.name,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      opsetImport: [{ domain: '', version: options.opset ?? 17 }],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
    if (options.docString) model.docString = options.docString;
    return encodeOnnxModel(model);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reader

export interface ParsedTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** float32 tensors as Float32Array; int64 as numbers. */
  data: Float32Array | number[];
}

export interface ParsedNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, number | string | number[] | number[]>;
}

export interface ParsedModel {
  irVersion: number;
  opset: number;
  producer: string;
  metadata: Record<string, string>;
  graphName: string;
  nodes: ParsedNode[];
  initializers: Map<string, ParsedTensor>;
  inputs: string[];
  outputs: string[];
}

/** A tensor's values: float32 as a Float32Array (a copy), int64 as numbers. */
export function tensorValues(t: onnx.ITensorProto): Float32Array | number[] {
  const raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  if (t.dataType === ONNX_FLOAT) {
    if (!raw) return Float32Array.from(t.floatData ?? []);
    const copy = new Uint8Array(raw.length); // a real copy, aligned for Float32Array
    copy.set(raw);
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  if (t.dataType === ONNX_INT64) {
    if (!raw) return (t.int64Data ?? []).map((v) => int64(v as Int64));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return [];
}

function attributeValue(a: onnx.IAttributeProto): number | string | number[] {
  switch (a.type) {
    case AttributeType.FLOAT:
      return a.f ?? 0;
    case AttributeType.INT:
      return int64(a.i as Int64);
    case AttributeType.STRING:
      return fromUtf8.decode(a.s ?? new Uint8Array());
    case AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    case AttributeType.INTS:
      return (a.ints ?? []).map((v) => int64(v as Int64));
    default:
      return [];
  }
}

/**
 * Parses an ONNX ModelProto: graph nodes, initializers (weights), input and output names.
 *
 * @example
 *   const m = parseOnnxModel(fs.readFileSync('assets/models/mini-clip/onnx/model.onnx'));
 *   m.opset;                                 // 17
 *   m.initializers.get('logit_scale')!.data; // Float32Array [ 4.6… ]
 */
export function parseOnnxModel(bytes: Uint8Array): ParsedModel {
  const m = decodeOnnxModel(bytes);
  const g = m.graph!;
  const initializers = new Map<string, ParsedTensor>();
  for (const t of g.initializer ?? []) {
    initializers.set(t.name ?? '', {
      name: t.name ?? '',
      dims: (t.dims ?? []).map((d) => int64(d as Int64)),
      dataType: t.dataType ?? 0,
      data: tensorValues(t),
    });
  }
  return {
    irVersion: int64(m.irVersion as Int64),
    opset: int64((m.opsetImport ?? []).find((o) => !o.domain)!.version as Int64),
    producer: m.producerName ?? '',
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    graphName: g.name ?? '',
    nodes: (g.node ?? []).map((n) => ({
      opType: n.opType ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', attributeValue(a)])),
    })),
    initializers,
    inputs: (g.input ?? []).map((v) => v.name ?? ''),
    outputs: (g.output ?? []).map((v) => v.name ?? ''),
  };
}
