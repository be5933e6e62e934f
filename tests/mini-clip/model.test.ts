/** The SHIPPED mini-CLIP (assets/models/mini-clip): layout, size, loading through transformers.js, parity with TensorFlow.js. */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfTypes from '@tensorflow/tfjs';
import { initBackend, tf } from '../../lib/course/backend';
import { loadMiniClip, miniClipPreprocessorConfig, MiniClipFilesError } from '../../lib/mini-clip/export';
import { toPixelValues } from '../../lib/mini-clip/model';
import { parseOnnxModel } from '../../lib/mini-clip/onnx';
import { generateShapes, generateShapePixels } from '../../lib/worlds/shapes';
import { preprocessImage } from '../../lib/image/preprocess';

const root = path.join(__dirname, '..', '..');
const dir = path.join(root, 'assets/models/mini-clip');
type TJs = typeof import('@huggingface/transformers');

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

let T: TJs;
beforeAll(async () => {
  await initBackend();
  T = await import('@huggingface/transformers');
  T.env.localModelPath = path.join(root, 'assets/models') + path.sep;
  T.env.allowRemoteModels = false;
});

describe('the shipped mini-CLIP', () => {
  test('has the transformers.js layout, model_type clip, the learned scale, and weighs at most 10 MB', () => {
    const files = [
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model.onnx',
      'onnx/text_model.onnx',
      'onnx/vision_model.onnx',
    ];
    for (const f of files) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    const total = fs
      .readdirSync(dir, { recursive: true })
      .map((f) => path.join(dir, String(f)))
      .filter((f) => fs.statSync(f).isFile())
      .reduce((s, f) => s + fs.statSync(f).size, 0);
    expect(total).toBeLessThanOrEqual(10 * 1000 * 1000);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('clip');
    expect(config.text_config.vocab_size).toBeGreaterThan(300);
    const model = parseOnnxModel(fs.readFileSync(path.join(dir, 'onnx/model.onnx')));
    expect(model.opset).toBe(17);
    expect(model.initializers.get('logit_scale')!.data[0]).toBeCloseTo(config.course_logit_scale, 6);
    expect(config.course_logit_scale).toBeGreaterThan(0);
    expect(config.course_logit_scale).toBeLessThanOrEqual(Math.log(100) + 1e-6);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(miniClipPreprocessorConfig(loadMiniClip(dir).model.config))),
    );
  });

  test('preprocessing is rescale + normalize only: transformers.js, lib/image preprocessImage and toPixelValues agree', async () => {
    const samples = await generateShapes({ seed: 31, count: 3 });
    const { pixels } = await generateShapePixels({ seed: 31, count: 3 });
    const mine = toPixelValues(pixels, 48);
    const processor = await T.AutoProcessor.from_pretrained('mini-clip');
    const images = await Promise.all(samples.map((s) => T.RawImage.fromBlob(new Blob([new Uint8Array(s.png)]))));
    const { pixel_values } = await processor(images);
    expect(pixel_values.dims).toEqual([3, 3, 48, 48]);
    expect(maxAbsDiff(pixel_values.data as Float32Array, mine)).toBeLessThan(1e-5);
    const preprocessorJson = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8'));
    const first = await preprocessImage(samples[0].png, preprocessorJson);
    expect(first.dims).toEqual([3, 48, 48]);
    expect(maxAbsDiff(first.data, mine.subarray(0, 3 * 48 * 48))).toBeLessThan(1e-5);
  });

  test('CLIPModel, CLIPTextModelWithProjection, CLIPVisionModelWithProjection give the TensorFlow.js embeddings within 1e-4', async () => {
    const { model, tokenizer } = loadMiniClip(dir);
    const samples = await generateShapes({ seed: 32, count: 4, heldOut: 'only' });
    const { pixels } = await generateShapePixels({ seed: 32, count: 4, heldOut: 'only' });
    const texts = [
      'a photo of a blue circle',
      'This is a photo of green star',
      'yellow',
      'a small orange star in the corner',
    ];
    const tfImage = model.encodeImage(tf.tensor4d(toPixelValues(pixels, 48), [4, 3, 48, 48]));
    const ids = tokenizer.batch(texts);
    const tfText = model.encodeText(ids.inputIds, ids.attentionMask);
    const unit = (x: tfTypes.Tensor2D) => tf.div(x, tf.norm(x, 'euclidean', 1, true)).dataSync();

    const autoTok = await T.AutoTokenizer.from_pretrained('mini-clip');
    const processor = await T.AutoProcessor.from_pretrained('mini-clip');
    const textInputs = autoTok(texts, { padding: true, truncation: true });
    const images = await Promise.all(samples.map((s) => T.RawImage.fromBlob(new Blob([new Uint8Array(s.png)]))));
    const imageInputs = await processor(images);

    const textModel = await T.CLIPTextModelWithProjection.from_pretrained('mini-clip', { dtype: 'fp32' });
    const visionModel = await T.CLIPVisionModelWithProjection.from_pretrained('mini-clip', { dtype: 'fp32' });
    const clip = await T.CLIPModel.from_pretrained('mini-clip', { dtype: 'fp32' });
    const { text_embeds } = await textModel(textInputs);
    const { image_embeds } = await visionModel(imageInputs);
    expect(maxAbsDiff(text_embeds.data as Float32Array, tfText.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(image_embeds.data as Float32Array, tfImage.dataSync())).toBeLessThan(1e-4);
    const out = await clip({ ...textInputs, ...imageInputs });
    expect(maxAbsDiff(out.text_embeds.data as Float32Array, unit(tfText))).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.image_embeds.data as Float32Array, unit(tfImage))).toBeLessThan(1e-4);
    const scale = Math.exp(loadMiniClip(dir).config.course_logit_scale as number);
    const cosines = tf
      .matMul(tf.tensor2d(unit(tfImage), [4, 64]), tf.tensor2d(unit(tfText), [4, 64]), false, true)
      .dataSync();
    expect(
      maxAbsDiff(
        out.logits_per_image.data as Float32Array,
        Array.from(cosines).map((c) => c * scale),
      ),
    ).toBeLessThan(1e-4 * scale);
    // padding invariance: a text alone gives the same embedding as in the padded batch
    const alone = await textModel(autoTok(['yellow'], { padding: true, truncation: true }));
    expect(
      maxAbsDiff(alone.text_embeds.data as Float32Array, (text_embeds.data as Float32Array).subarray(2 * 64, 3 * 64)),
    ).toBeLessThan(1e-5);
  });

  test("pipeline('zero-shot-image-classification') names the colour and shape of a held-out pair", async () => {
    const pipe = await T.pipeline('zero-shot-image-classification', 'mini-clip', { dtype: 'fp32' });
    const [sample] = await generateShapes({ seed: 33, count: 1, heldOut: 'only' });
    const image = await T.RawImage.fromBlob(new Blob([new Uint8Array(sample.png)]));
    const labels = [
      'red triangle',
      'green star',
      'blue circle',
      'yellow square',
      'purple circle',
      'orange star',
      'red circle',
      'blue square',
    ];
    const result = (await pipe(image, labels)) as Array<{ label: string; score: number }>;
    expect(result[0].label).toBe(`${sample.colour} ${sample.shape}`);
    expect(result.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 5);
  });

  test('loadMiniClip names a missing folder', () => {
    expect(() => loadMiniClip(path.join(root, 'no-such-model'))).toThrow(MiniClipFilesError);
    expect(() => loadMiniClip(path.join(root, 'no-such-model'))).toThrow(/npm run train:mini-clip/);
  });
});
