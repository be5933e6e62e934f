/**
 * A small ONNX writer (and reader) in plain TypeScript: enough protobuf to write a ModelProto with a graph of
 * standard operators and float32 / int64 initializers, and to read one back (for tests and for loading weights).
 *
 * Protobuf in one paragraph: a message is a sequence of fields; each field starts with a key
 * `(fieldNumber << 3) | wireType` written as a varint (7 bits per byte, high bit = "more"); wire type 0 is a varint
 * value, 2 is a length-delimited value (a varint length, then bytes: strings, nested messages, raw tensor data),
 * 5 is a 4-byte little-endian value (float). Field numbers below are those of onnx/onnx.proto.
 *
 * @example
 *   const g = new OnnxGraph('double');
 *   g.input('x', 'float', ['batch', 3]);
 *   const y = g.op('Mul', ['x', g.constFloat([2], [])]);
 *   g.output(y, 'float', ['batch', 3], 'y');
 *   fs.writeFileSync('double.onnx', g.toModelBytes());   // runs in onnxruntime: y = 2·x
 */
import { CourseError } from '../course/errors';

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_FLOAT16 = 10;
export type ElemType = 'float' | 'int64' | 'int32';
const ELEM: Record<ElemType, number> = { float: ONNX_FLOAT, int64: ONNX_INT64, int32: ONNX_INT32 };

/** Raised for a graph that cannot be written (duplicate names, a non-finite weight) or bytes that are not ONNX. */
export class OnnxFormatError extends CourseError {}

// ---------------------------------------------------------------------------------------------------------------
// Protobuf writer

/** Protobuf encoding of the fields ONNX needs; also used by ./quantize.ts to rewrite models. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** Appends already-encoded protobuf bytes (a whole field copied from another message). */
  raw(bytes: Uint8Array): this {
    this.push(bytes);
    return this;
  }

  private rawVarint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value)); // negatives as 64-bit two's complement (10 bytes), as protobuf int64
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  varint(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Graph builder

export type AttributeValue = number | string | number[] | { floats: number[] } | { float: number };

interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes: Record<string, AttributeValue>;
}

interface TensorSpec {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array;
}

interface ValueSpec {
  name: string;
  elemType: number;
  dims: Array<number | string>;
}

/** Integer-valued attributes whose values ONNX defines as INT (not FLOAT). */
const FLOAT_ATTRIBUTES = new Set(['epsilon', 'alpha', 'beta', 'min', 'max']);

/** Builds an ONNX graph node by node; `toModelBytes()` serializes a ModelProto (ir_version 8, opset 17 by default). */
export class OnnxGraph {
  readonly name: string;
  private nodes: NodeSpec[] = [];
  private initializers: TensorSpec[] = [];
  private inputs: ValueSpec[] = [];
  private outputs: ValueSpec[] = [];
  private names = new Set<string>();
  private counter = 0;

  constructor(name: string) {
    this.name = name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new OnnxFormatError(`graph ${this.name}: the name "${name}" is used twice; every value in an ONNX graph needs a unique name.`);
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
    this.inputs.push({ name: this.claim(name), elemType: ELEM[elemType], dims });
    return name;
  }

  /** Declares `value` a graph output; with `as`, an Identity node renames it first. */
  output(value: string, elemType: ElemType, dims: Array<number | string>, as?: string): string {
    let name = value;
    if (as !== undefined && as !== value) name = this.op('Identity', [value], {}, as);
    this.outputs.push({ name, elemType: ELEM[elemType], dims });
    return name;
  }

  /** A float32 initializer (a weight). */
  initializer(name: string, data: Float32Array, dims: number[]): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new OnnxFormatError(`initializer ${name}: dims [${dims.join(', ')}] need ${n} values, got ${data.length}.`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new OnnxFormatError(`initializer ${name}: value ${i} is ${data[i]}; a trained weight must be finite (the training diverged?).`);
    }
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    this.initializers.push({ name: this.claim(name), dims, dataType: ONNX_FLOAT, raw });
    return name;
  }

  /** An int64 initializer (shapes, axes). */
  initializerInt64(name: string, values: number[], dims: number[] = [values.length]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name: this.claim(name), dims, dataType: ONNX_INT64, raw });
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
    this.nodes.push({ opType, inputs, outputs: [out], name: `${opType}_${this.nodes.length}`, attributes });
    return out;
  }

  /** Serializes the graph as a ModelProto. */
  toModelBytes(options: { irVersion?: number; opset?: number; producer?: string; docString?: string; metadata?: Record<string, string> } = {}): Uint8Array {
    const graph = new ProtoWriter();
    for (const n of this.nodes) graph.message(1, nodeProto(n));
    graph.string(2, this.name);
    for (const t of this.initializers) graph.message(5, tensorProto(t));
    for (const v of this.inputs) graph.message(11, valueInfoProto(v));
    for (const v of this.outputs) graph.message(12, valueInfoProto(v));
    const model = new ProtoWriter();
    model.varint(1, options.irVersion ?? 8);
    model.string(2, options.producer ?? 'vlm-course-ts mini-clip');
    model.string(3, '1');
    if (options.docString) model.string(6, options.docString);
    model.message(7, graph);
    model.message(8, new ProtoWriter().string(1, '').varint(2, options.opset ?? 17));
    for (const [k, v] of Object.entries(options.metadata ?? {})) model.message(14, new ProtoWriter().string(1, k).string(2, v));
    return model.finish();
  }
}

function nodeProto(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes)) w.message(5, attributeProto(name, value));
  return w;
}

function attributeProto(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return w.string(4, value).varint(20, 3);
  if (Array.isArray(value)) {
    for (const v of value) w.varint(8, v);
    return w.varint(20, 7);
  }
  if (typeof value === 'object' && 'floats' in value) {
    for (const v of value.floats) w.float(7, v);
    return w.varint(20, 6);
  }
  if (typeof value === 'object' && 'float' in value) return w.float(2, value.float).varint(20, 1);
  if (FLOAT_ATTRIBUTES.has(name) || !Number.isInteger(value)) return w.float(2, value).varint(20, 1);
  return w.varint(3, value).varint(20, 2);
}

function tensorProto(t: TensorSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, t.dataType);
  w.string(8, t.name);
  w.bytes(9, t.raw);
  return w;
}

function valueInfoProto(v: ValueSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().varint(1, v.elemType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

// ---------------------------------------------------------------------------------------------------------------
// Reader (enough for tests and for loading the weights back)

/**
 * One protobuf field: its number, wire type, the whole encoded field (key and value, to copy unchanged) and its
 * value: a varint (wire 0) as bigint, a fixed32 (wire 5) as the float32 ONNX stores there, a length-delimited
 * payload (wire 2) or a fixed64 (wire 1) as bytes.
 */
export type ProtoField = { field: number; wire: number; raw: Uint8Array; value: bigint | Uint8Array | number };

/** Reads a varint at `pos`; returns it and the position after it. */
export function readVarint(bytes: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= bytes.length) throw new OnnxFormatError('truncated varint: these bytes are not a complete ONNX model.');
    const b = bytes[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

/** The fields of one protobuf message, in order. Throws OnnxFormatError for truncated or non-protobuf bytes. */
export function readProtoFields(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const start = pos;
    const [key, afterKey] = readVarint(bytes, pos);
    pos = afterKey;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value: bigint | Uint8Array | number;
    if (wire === 0) [value, pos] = readVarint(bytes, pos);
    else if (wire === 2) {
      const [len, afterLen] = readVarint(bytes, pos);
      value = bytes.subarray(afterLen, afterLen + Number(len));
      pos = afterLen + Number(len);
    } else if (wire === 5) {
      if (pos + 4 > bytes.length) throw new OnnxFormatError('truncated field: these bytes are not a complete ONNX model.');
      value = new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getFloat32(0, true);
      pos += 4;
    } else if (wire === 1) {
      value = bytes.subarray(pos, pos + 8);
      pos += 8;
    } else throw new OnnxFormatError(`unsupported protobuf wire type ${wire}: these bytes are not an ONNX model.`);
    if (pos > bytes.length) throw new OnnxFormatError('truncated field: these bytes are not a complete ONNX model.');
    fields.push({ field, wire, raw: bytes.subarray(start, pos), value });
  }
  return fields;
}

const text = (v: ProtoField['value']) => new TextDecoder().decode(v as Uint8Array);
const signed = (v: ProtoField['value']) => Number(BigInt.asIntN(64, v as bigint));

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

function parseTensor(bytes: Uint8Array): ParsedTensor {
  const t: ParsedTensor = { name: '', dims: [], dataType: 0, data: [] };
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  for (const f of readProtoFields(bytes)) {
    if (f.field === 1) t.dims.push(signed(f.value));
    else if (f.field === 2) t.dataType = Number(f.value);
    else if (f.field === 8) t.name = text(f.value);
    else if (f.field === 9) raw = f.value as Uint8Array;
    else if (f.field === 4 && f.wire === 5) floats.push(f.value as number);
  }
  if (t.dataType === ONNX_FLOAT) {
    if (raw) {
      const copy = new Uint8Array(raw.length); // a real copy (Buffer.slice would be a view), aligned for Float32Array
      copy.set(raw);
      t.data = new Float32Array(copy.buffer, 0, copy.length / 4);
    } else t.data = Float32Array.from(floats);
  } else if (t.dataType === ONNX_INT64 && raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    t.data = Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return t;
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
  const model: ParsedModel = { irVersion: 0, opset: 0, producer: '', metadata: {}, graphName: '', nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  let sawGraph = false;
  for (const f of readProtoFields(bytes)) {
    if (f.field === 1 && f.wire === 0) model.irVersion = Number(f.value);
    else if (f.field === 2 && f.wire === 2) model.producer = text(f.value);
    else if (f.field === 8 && f.wire === 2) {
      for (const g of readProtoFields(f.value as Uint8Array)) if (g.field === 2) model.opset = Number(g.value);
    } else if (f.field === 14 && f.wire === 2) {
      let k = '';
      let v = '';
      for (const g of readProtoFields(f.value as Uint8Array)) (g.field === 1 ? (k = text(g.value)) : (v = text(g.value)));
      model.metadata[k] = v;
    } else if (f.field === 7 && f.wire === 2) {
      sawGraph = true;
      for (const g of readProtoFields(f.value as Uint8Array)) {
        if (g.field === 2) model.graphName = text(g.value);
        else if (g.field === 5) {
          const t = parseTensor(g.value as Uint8Array);
          model.initializers.set(t.name, t);
        } else if (g.field === 11 || g.field === 12) {
          const name = readProtoFields(g.value as Uint8Array).find((x) => x.field === 1);
          (g.field === 11 ? model.inputs : model.outputs).push(name ? text(name.value) : '');
        } else if (g.field === 1) {
          const node: ParsedNode = { opType: '', inputs: [], outputs: [], attributes: {} };
          for (const h of readProtoFields(g.value as Uint8Array)) {
            if (h.field === 1) node.inputs.push(text(h.value));
            else if (h.field === 2) node.outputs.push(text(h.value));
            else if (h.field === 4) node.opType = text(h.value);
            else if (h.field === 5) {
              let name = '';
              let value: number | string | number[] = [];
              const ints: number[] = [];
              const floats: number[] = [];
              for (const a of readProtoFields(h.value as Uint8Array)) {
                if (a.field === 1) name = text(a.value);
                else if (a.field === 2) value = a.value as number;
                else if (a.field === 3) value = signed(a.value);
                else if (a.field === 4) value = text(a.value);
                else if (a.field === 7) floats.push(a.value as number);
                else if (a.field === 8) ints.push(signed(a.value));
              }
              node.attributes[name] = ints.length ? ints : floats.length ? floats : value;
            }
          }
          model.nodes.push(node);
        }
      }
    }
  }
  if (!sawGraph || model.opset === 0) throw new OnnxFormatError('these bytes are not an ONNX model (no graph or no opset_import); pass the contents of a .onnx file.');
  return model;
}
