import type * as tfTypes from '@tensorflow/tfjs';
import { initBackend, tf } from '../../lib/course/backend';
import {
  MiniClip,
  MiniClipInputError,
  centreOn,
  defaultMiniClipConfig,
  toPixelValues,
} from '../../lib/mini-clip/model';
import { trainMiniClip, zeroShotLabels } from '../../lib/mini-clip/train';
import { MiniClipTokenizer } from '../../lib/mini-clip/tokenizer';
import { Scene, makeObject, neutralBackground, renderScenes } from '../../lib/worlds/shapes';

beforeAll(async () => {
  await initBackend();
});
const tokenizer = MiniClipTokenizer.default();

describe('mini-CLIP model and training', () => {
  test('the text encoder ignores padding (masked mean pooling)', () => {
    const model = MiniClip.create(defaultMiniClipConfig({ vocabSize: tokenizer.vocabSize }), 2);
    const ids = tokenizer.encode('a photo of a red star');
    const a = model.encodeText([ids], [ids.map(() => 1)]).dataSync();
    const padded = [...ids, 0, 0, 0, 0];
    const b = model.encodeText([padded], [padded.map((_, i) => (i < ids.length ? 1 : 0))]).dataSync();
    expect(Math.max(...Array.from(a).map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6);
    model.dispose();
  });

  test('centreOn moves the object to the middle of the image', async () => {
    const scene: Scene = {
      size: 48,
      background: neutralBackground(0.5),
      objects: [makeObject('square', 'red', 'small', 9, 38)],
    };
    const pv = tf.tensor4d(toPixelValues(await renderScenes([scene]), 48), [1, 3, 48, 48]);
    const model = MiniClip.create(defaultMiniClipConfig({ vocabSize: tokenizer.vocabSize }), 1);
    const { mask } = model.foreground(pv);
    const centroid = (m: tfTypes.Tensor4D) => {
      const d = m.dataSync();
      let sx = 0,
        sy = 0,
        s = 0;
      for (let y = 0; y < 48; y++)
        for (let x = 0; x < 48; x++) {
          sx += d[y * 48 + x] * x;
          sy += d[y * 48 + x] * y;
          s += d[y * 48 + x];
        }
      return [sx / s, sy / s, s];
    };
    const [x0, y0, area0] = centroid(mask);
    // SVG coordinate 9 is a pixel edge; pixel i covers [i, i + 1), so the centre is pixel index 8.5
    expect(x0).toBeCloseTo(8.5, 1);
    expect(y0).toBeCloseTo(37.5, 1);
    const [x1, y1, area1] = centroid(centreOn(mask, mask));
    expect(x1).toBeCloseTo(23.5, 1);
    expect(y1).toBeCloseTo(23.5, 1);
    expect(area1).toBeCloseTo(area0, 0); // nothing falls out of the frame
    model.dispose();
  });

  test('training is deterministic in the seed and lowers the loss', async () => {
    const options = { seed: 5, epochs: 1, trainImages: 640, batchSize: 64, evalImages: 24 };
    const a = await trainMiniClip(options);
    const b = await trainMiniClip(options);
    expect(a.losses).toHaveLength(10);
    expect(a.losses).toEqual(b.losses);
    expect(Array.from(a.model.weights()['vision.fc1.weight'].data)).toEqual(
      Array.from(b.model.weights()['vision.fc1.weight'].data),
    );
    expect(a.losses[9]).toBeLessThan(a.losses[0] - 0.2);
    expect(a.history[0].seen.n).toBe(24);
    expect(zeroShotLabels()).toHaveLength(24);
    a.model.dispose();
    b.model.dispose();
  });

  test('zero-shot labels pick "a" or "an" like the training captions', () => {
    const texts = zeroShotLabels().map((l) => l.text);
    expect(texts).toContain('a photo of a red circle');
    expect(texts).toContain('a photo of an orange star');
    expect(texts.filter((t) => / a [aeiou]/.test(t))).toEqual([]);
  });

  test('bad inputs get a MiniClipInputError that names them', () => {
    expect(() => MiniClip.create(defaultMiniClipConfig({ vocabSize: 0 }), 1)).toThrow(/vocabSize is 0/);
    expect(() => MiniClip.create(defaultMiniClipConfig({ vocabSize: 100, imageSize: 50 }), 1)).toThrow(
      /not a multiple of patchSize/,
    );
    const model = MiniClip.create(defaultMiniClipConfig({ vocabSize: tokenizer.vocabSize }), 1);
    expect(() => model.encodeImage(tf.zeros([1, 48, 48, 3]) as tfTypes.Tensor4D)).toThrow(MiniClipInputError);
    expect(() => model.encodeImage(tf.zeros([1, 48, 48, 3]) as tfTypes.Tensor4D)).toThrow(/needs \[B, 3, 48, 48\]/);
    expect(() => model.encodeText([[2, 99999, 3]], [[1, 1, 1]])).toThrow(/outside the vocabulary/);
    expect(() => model.encodeText([[2, 3]], [[1, 1, 1]])).toThrow(/same shape/);
    expect(() => toPixelValues(new Uint8Array(10), 48)).toThrow(/not a whole number/);
    model.dispose();
  });
});
