import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { initBackend, tf } from '../../lib/course/backend';
import { OnnxGraph, parseOnnxModel, OnnxFormatError } from '../../lib/mini-clip/onnx';
import {
  MiniClip,
  defaultMiniClipConfig,
  initialWeights,
  toPixelValues,
  VisionVariant,
} from '../../lib/mini-clip/model';
import { visionModelBytes, textModelBytes, fullModelBytes } from '../../lib/mini-clip/export';
import { MiniClipTokenizer } from '../../lib/mini-clip/tokenizer';
import { generateShapePixels } from '../../lib/worlds/shapes';

const ort = require('onnxruntime-node');

beforeAll(async () => {
  await initBackend();
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe('ONNX writer', () => {
  test('a hand-built graph runs in onnxruntime and reads back', async () => {
    const g = new OnnxGraph('affine');
    g.input('x', 'float', ['batch', 2]);
    g.initializer('w', Float32Array.from([1, 2, 3, 4]), [2, 2]);
    const y = g.op('Add', [g.op('MatMul', ['x', 'w']), g.constFloat([0.5, -1], [2])]);
    const r = g.op('ReduceMax', [y], { axes: [-1], keepdims: 0 });
    g.output(y, 'float', ['batch', 2], 'y');
    g.output(r, 'float', ['batch'], 'rowmax');
    const bytes = g.toModelBytes({ metadata: { course: 'vlm' } });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 2, -1]), [2, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([4.5, 5, -0.5, -1]);
    expect(Array.from(out.rowmax.data as Float32Array)).toEqual([5, -0.5]);
    const parsed = parseOnnxModel(bytes);
    expect([parsed.irVersion, parsed.opset, parsed.graphName]).toEqual([8, 17, 'affine']);
    expect(parsed.inputs).toEqual(['x']);
    expect(parsed.outputs).toEqual(['y', 'rowmax']);
    expect(Array.from(parsed.initializers.get('w')!.data)).toEqual([1, 2, 3, 4]);
    expect(parsed.nodes.find((n) => n.opType === 'ReduceMax')!.attributes).toEqual({ axes: [-1], keepdims: 0 });
    expect(parsed.metadata).toEqual({ course: 'vlm' });
  });

  test('errors: duplicate names, non-finite weights, bytes that are not ONNX', () => {
    const g = new OnnxGraph('bad');
    g.input('x', 'float', [1]);
    expect(() => g.input('x', 'float', [1])).toThrow(OnnxFormatError);
    expect(() => g.initializer('w', Float32Array.from([NaN]), [1])).toThrow(/value 0 is NaN/);
    expect(() => g.initializer('v', Float32Array.from([1, 2]), [3])).toThrow(/need 3 values, got 2/);
    expect(() => parseOnnxModel(new TextEncoder().encode('hello, not a model'))).toThrow(OnnxFormatError);
  });
});

describe('mini-CLIP in TensorFlow.js and in ONNX compute the same embeddings (fresh weights, every variant)', () => {
  const tokenizer = MiniClipTokenizer.default();
  for (const variant of ['plain', 'centred', 'factored'] as VisionVariant[]) {
    test(variant, async () => {
      const config = defaultMiniClipConfig({ variant, vocabSize: tokenizer.vocabSize });
      const weights = initialWeights(config, 3);
      const model = MiniClip.fromWeights(config, weights);
      const { pixels } = await generateShapePixels({ seed: 4, count: 5 });
      const pv = toPixelValues(pixels, 48);
      const texts = ['a photo of a red circle', 'star', 'there is a small purple square'];
      const { inputIds, attentionMask } = tokenizer.batch(texts);
      const tfImage = model.encodeImage(tf.tensor4d(pv, [5, 3, 48, 48])).dataSync();
      const tfText = model.encodeText(inputIds, attentionMask).dataSync();
      const i64 = (rows: number[][]) =>
        new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
      const pixelTensor = new ort.Tensor('float32', pv, [5, 3, 48, 48]);
      const vision = await (
        await ort.InferenceSession.create(visionModelBytes(config, weights))
      ).run({ pixel_values: pixelTensor });
      const text = await (
        await ort.InferenceSession.create(textModelBytes(config, weights))
      ).run({ input_ids: i64(inputIds), attention_mask: i64(attentionMask) });
      expect(maxAbsDiff(vision.image_embeds.data as Float32Array, tfImage)).toBeLessThan(1e-4);
      expect(maxAbsDiff(text.text_embeds.data as Float32Array, tfText)).toBeLessThan(1e-4);
      const full = await (
        await ort.InferenceSession.create(fullModelBytes(config, weights))
      ).run({ pixel_values: pixelTensor, input_ids: i64(inputIds), attention_mask: i64(attentionMask) });
      expect(full.logits_per_image.dims).toEqual([5, 3]);
      expect(full.logits_per_text.dims).toEqual([3, 5]);
      // logits = exp(logit scale) · cosine
      const norm = (v: ArrayLike<number>, i: number, d: number) =>
        Math.hypot(...Array.from(v).slice(i * d, (i + 1) * d));
      const cos =
        Array.from(tfText)
          .slice(0, 64)
          .reduce((s, v, k) => s + v * tfImage[k], 0) /
        (norm(tfText, 0, 64) * norm(tfImage, 0, 64));
      expect((full.logits_per_text.data as Float32Array)[0]).toBeCloseTo(Math.exp(config.logitScaleInit) * cos, 3);
      model.dispose();
    });
  }
});

describe('the shipped mini-CLIP after the switch to onnx-proto', () => {
  // The fixture was computed from the files the hand-written protobuf encoder wrote (read with its own reader);
  // the files now in assets/ were re-encoded with onnx-proto. Same graph, same tensors, bit for bit.
  const manifest = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'mini-clip-graph-manifest.json'), 'utf8'),
  );
  const dir = path.join(__dirname, '..', '..', 'assets', 'models', 'mini-clip', 'onnx');
  const hash = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex').slice(0, 16);
  test.each(Object.keys(manifest.files))('%s holds the same graph and the same tensors', (file) => {
    const m = parseOnnxModel(fs.readFileSync(path.join(dir, file)));
    const tensors: Record<string, string> = {};
    for (const [name, t] of [...m.initializers.entries()].sort()) {
      const bytes =
        t.data instanceof Float32Array
          ? new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)
          : JSON.stringify(t.data);
      tensors[name] = `${t.dataType}:${t.dims.join('x')}:${hash(bytes)}`;
    }
    const nodes = createHash('sha256').update(JSON.stringify(m.nodes)).digest('hex').slice(0, 16);
    expect({
      irVersion: m.irVersion,
      opset: m.opset,
      graph: m.graphName,
      inputs: m.inputs,
      outputs: m.outputs,
      nodes,
      nodeCount: m.nodes.length,
      tensors,
    }).toEqual(manifest.files[file]);
  });
});
