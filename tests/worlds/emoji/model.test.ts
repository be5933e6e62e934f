/**
 * The emoji-CLIP model (lib/worlds/emoji/model.ts) and its ONNX export (export.ts): a tiny model exported to a
 * temporary folder gives the same embeddings in transformers.js as in TensorFlow.js, and loads in the pipeline.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tf, initBackend } from '../../../lib/course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import {
  EmojiClip,
  EmojiWorldError,
  bagOfWords,
  defaultEmojiClipConfig,
  emojiTokenizer,
  exportEmojiClip,
  loadEmojiClipWeights,
  matMulFast,
  learningRateAt,
  addBias,
  constantInput,
  patchRows,
} from '../../../lib/worlds/emoji';

beforeAll(async () => {
  await initBackend();
});

describe('emoji-CLIP building blocks', () => {
  test('matMulFast has the gradients of tf.matMul', () => {
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1) as tfTypes.Tensor2D;
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 2) as tfTypes.Tensor2D;
    const f = (g: (a: tfTypes.Tensor2D, b: tfTypes.Tensor2D) => tfTypes.Tensor2D) =>
      tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor) =>
        tf.sum(tf.square(g(a as tfTypes.Tensor2D, b as tfTypes.Tensor2D))),
      )([x, w]);
    const [dxFast, dwFast] = f(matMulFast);
    const [dx, dw] = f((a, b) => tf.matMul(a, b));
    expect(
      Array.from(dxFast.dataSync())
        .map((v, i) => v - dx.dataSync()[i])
        .every((d) => Math.abs(d) < 1e-4),
    ).toBe(true);
    expect(
      Array.from(dwFast.dataSync())
        .map((v, i) => v - dw.dataSync()[i])
        .every((d) => Math.abs(d) < 1e-4),
    ).toBe(true);
  });

  test('bagOfWords averages the real tokens and rejects ids outside the vocabulary', () => {
    expect(Array.from(bagOfWords([[2, 7, 3, 0]], [[1, 1, 1, 0]], 8)).map((v) => Math.round(v * 1000) / 1000)).toEqual([
      0, 0, 0.333, 0.333, 0, 0, 0, 0.333,
    ]);
    expect(() => bagOfWords([[9]], [[1]], 8)).toThrow(
      /input_ids holds 9.*Fix: Tokenize with the emoji-CLIP's own tokenizer/,
    );
  });

  test('the learning rate warms up, then decays by a cosine to 5 %', () => {
    expect(learningRateAt(0, 100, 1)).toBeCloseTo(0.2);
    expect(learningRateAt(5, 100, 1)).toBeCloseTo(1);
    expect(learningRateAt(99, 100, 1)).toBeLessThan(0.06);
  });

  const maxDiff = (a: tfTypes.Tensor, b: tfTypes.Tensor) =>
    Math.max(...Array.from(a.dataSync()).map((v, i) => Math.abs(v - b.dataSync()[i])));

  test('addBias adds a bias and has the gradients of tf.add', () => {
    const x = tf.randomNormal([6, 3], 0, 1, 'float32', 3) as tfTypes.Tensor2D;
    const b = tf.tensor1d([1, -2, 0.5]);
    expect(addBias(tf.zeros([2, 3]) as tfTypes.Tensor2D, b).arraySync()).toEqual([
      [1, -2, 0.5],
      [1, -2, 0.5],
    ]);
    const loss =
      (f: (a: tfTypes.Tensor2D, c: tfTypes.Tensor1D) => tfTypes.Tensor) => (a: tfTypes.Tensor, c: tfTypes.Tensor) =>
        tf.sum(tf.square(f(a as tfTypes.Tensor2D, c as tfTypes.Tensor1D)));
    const [dx, db] = tf.grads(loss(addBias))([x, b]);
    const [dxRef, dbRef] = tf.grads(loss((a, c) => tf.add(a, c)))([x, b]);
    expect(maxDiff(dx, dxRef)).toBeLessThan(1e-5);
    expect(maxDiff(db, dbRef)).toBeLessThan(1e-5);
  });

  test('constantInput holds the data and its transpose', () => {
    const c = constantInput(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3);
    expect(c.x.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(c.xT.arraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  test('training on patch rows computes what encodeImage computes, with the same weight gradients', () => {
    const config = defaultEmojiClipConfig({
      imageSize: 16,
      c1: 4,
      c2: 6,
      c3: 8,
      visionHidden: 8,
      vocabSize: 10,
      textEmbed: 4,
      textHidden: 4,
      projectionDim: 4,
    });
    const model = EmojiClip.create(config, 2);
    const b = 3;
    const pixels = tf.randomNormal([b, 3, 16, 16], 0, 1, 'float32', 4) as tfTypes.Tensor4D;
    const patches = constantInput(patchRows(pixels.dataSync() as Float32Array, b, 16, 4), b * 16, 48);
    expect(maxDiff(model.encodePatches(patches, b), model.encodeImage(pixels))).toBeLessThan(1e-5);
    const vars = model.trainableVariables();
    const grads = (f: () => tfTypes.Tensor2D) => tf.variableGrads(() => tf.sum(tf.square(f())) as tfTypes.Scalar, vars);
    const a = grads(() => model.encodePatches(patches, b)).grads;
    const r = grads(() => model.encodeImage(pixels)).grads;
    const names = Object.keys(r).filter((n) => n.includes('vision') || n.includes('visual'));
    expect(names.length).toBeGreaterThan(8);
    for (const n of names) expect([n, maxDiff(a[n], r[n]) < 1e-4]).toEqual([n, true]);
    expect(() => model.encodePatches(patches, 2)).toThrow(/patches has shape \[48, 48\]; 2 images need \[32, 48\]/);
    model.dispose();
  });

  test('wrong input shapes are EmojiWorldErrors', () => {
    const model = EmojiClip.create(
      defaultEmojiClipConfig({
        imageSize: 16,
        c1: 4,
        c2: 4,
        c3: 4,
        visionHidden: 8,
        vocabSize: 10,
        textEmbed: 4,
        textHidden: 4,
        projectionDim: 4,
      }),
      1,
    );
    expect(() => model.encodeImage(tf.zeros([1, 3, 20, 20]) as tfTypes.Tensor4D)).toThrow(EmojiWorldError);
    expect(() => model.encodeImage(tf.zeros([1, 3, 20, 20]) as tfTypes.Tensor4D)).toThrow(
      /\[1, 3, 20, 20\].*\[B, 3, 16, 16\]/,
    );
    model.dispose();
  });
});

describe('emoji-CLIP export (transformers.js layout)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emoji-clip-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tokenizer = emojiTokenizer();
  const config = defaultEmojiClipConfig({
    imageSize: 16,
    c1: 8,
    c2: 8,
    c3: 8,
    visionHidden: 16,
    vocabSize: tokenizer.vocabSize,
    textEmbed: 8,
    textHidden: 8,
    projectionDim: 8,
  });

  test('transformers.js computes the same embeddings as TensorFlow.js, and the weights read back', async () => {
    const model = EmojiClip.create(config, 3);
    const sizes = exportEmojiClip(model, tokenizer, dir);
    for (const f of [
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'onnx/model.onnx',
      'onnx/text_model.onnx',
      'onnx/vision_model.onnx',
      'onnx/vision_model_fp16.onnx',
      'onnx/text_model_quantized.onnx',
    ])
      expect(sizes[f]).toBeGreaterThan(0);
    const T = await import('@huggingface/transformers');
    T.env.localModelPath = path.dirname(dir) + path.sep;
    T.env.allowRemoteModels = false;
    const id = path.basename(dir);
    const tok = await T.AutoTokenizer.from_pretrained(id);
    const texts = ['an emoji of a cat face', 'a photo of a dog', 'fruit'];
    const inputs = tok(texts, { padding: true, truncation: true });
    const textModel = await T.CLIPTextModelWithProjection.from_pretrained(id, { dtype: 'fp32' });
    const ortText = (await textModel(inputs)).text_embeds.data as Float32Array;
    const batch = tokenizer.batch(texts);
    const tfText = model.encodeText(batch.inputIds, batch.attentionMask).dataSync();
    expect(ortText.length).toBe(tfText.length);
    ortText.forEach((v, i) => expect(Math.abs(v - tfText[i])).toBeLessThan(1e-4));
    const pixels = tf.randomNormal([2, 3, 16, 16], 0, 1, 'float32', 4);
    const visionModel = await T.CLIPVisionModelWithProjection.from_pretrained(id, { dtype: 'fp32' });
    const ortImage = (
      await visionModel({ pixel_values: new T.Tensor('float32', Float32Array.from(pixels.dataSync()), [2, 3, 16, 16]) })
    ).image_embeds.data as Float32Array;
    const tfImage = model.encodeImage(pixels as tfTypes.Tensor4D).dataSync();
    ortImage.forEach((v, i) => expect(Math.abs(v - tfImage[i])).toBeLessThan(1e-4));
    const back = loadEmojiClipWeights(dir);
    expect(back.config).toEqual(config);
    expect(Array.from(back.weights['vision.stem.weight'].data)).toEqual(
      Array.from(model.weights()['vision.stem.weight'].data),
    );
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(json.model_type).toBe('clip');
    expect(json.course_default_template).toBe('an emoji of a {}');
    model.dispose();
  });

  test('loadEmojiClipWeights on a folder without a model says how to make one', () => {
    expect(() => loadEmojiClipWeights(path.join(dir, 'nowhere'))).toThrow(/does not exist.*npm run train:emoji-clip/);
  });
});
