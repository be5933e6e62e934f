import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../lib/course/backend';
import { loadClip, MINI_CLIP_DIR } from '../../lib/clip/loader';
import type { Clip } from '../../lib/clip/loader';
import { COLOURS, generateShapes } from '../../lib/worlds/shapes';
import type { Matrix } from '../../lib/embeddings/similarity';
import {
  attributeSwapProbe,
  formatProbeTable,
  miniClipEmbedder,
  ProbeInputError,
  type Embedder,
} from '../../lib/pitfalls/probes';
import { countingProbe, negationProbe, wordOrderProbe } from '../../lib/pitfalls/nuance';
import { balancedPairs, measureSkew, skewedPairs, SkewOptionError, trainOnPairs } from '../../lib/pitfalls/skew';
import {
  fromFloat16Bits,
  quantizeInt8,
  QuantizeError,
  reducedPrecisionModelWithReport,
  toFloat16Bits,
  writeReducedPrecisionCopy,
} from '../../lib/mini-clip/quantize';
import {
  availableDtypes,
  ComputeMeasureError,
  measureZeroShotCost,
  modelBytesOnDisk,
} from '../../lib/pitfalls/compute';
import { loadMiniClip } from '../../lib/mini-clip/export';

jest.setTimeout(60_000);

/** A fake embedder: each text and each image maps to a one-hot row chosen by the caller. */
function fakeEmbedder(textIndex: (t: string) => number, imageIndex: (i: number) => number, dim = 8): Embedder {
  const oneHot = (ks: number[]): Matrix => {
    const data = new Float32Array(ks.length * dim);
    ks.forEach((k, r) => (data[r * dim + k] = 1));
    return { rows: ks.length, cols: dim, data };
  };
  return {
    logitScale: 10,
    embedTexts: async (texts) => oneHot(texts.map(textIndex)),
    embedImages: async (images) => oneHot(images.map((_, i) => imageIndex(i))),
  };
}

let mini: Clip;
let tmp: string;

beforeAll(async () => {
  await initBackend();
  mini = await loadClip({ localDir: MINI_CLIP_DIR });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pitfalls-'));
});

afterAll(async () => {
  await mini?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('attributeSwapProbe', () => {
  const attrs = ['red', 'yellow', 'blue'];
  it('counts top-1 shares, accuracy and the most over-predicted attribute', async () => {
    // Images 0..5 are red, yellow, blue, red, yellow, blue; the fake model calls every image 'yellow' except image 2.
    const truth = ['red', 'yellow', 'blue', 'red', 'yellow', 'blue'];
    const embedder = fakeEmbedder(
      (t) => attrs.findIndex((a) => t.includes(a)),
      (i) => (i === 2 ? 2 : 1),
    );
    const r = await attributeSwapProbe(embedder, {
      images: truth.map(() => Buffer.alloc(1)),
      truth,
      template: 'a photo of a {} star',
      attributes: attrs,
    });
    expect(r.rows.map((x) => x.prompt)).toEqual([
      'a photo of a red star',
      'a photo of a yellow star',
      'a photo of a blue star',
    ]);
    expect(r.rows.map((x) => x.trueShare)).toEqual([2 / 6, 2 / 6, 2 / 6]);
    expect(r.rows.map((x) => x.topShare)).toEqual([0, 5 / 6, 1 / 6]);
    expect(r.accuracy).toBeCloseTo(3 / 6, 10);
    expect(r.mostOverPredicted).toBe('yellow');
    expect(r.maxShareGap).toBeCloseTo(0.5, 10);
    // softmax(10·[0,1,0]) for the yellow rows
    const pYellow = Math.exp(10) / (Math.exp(10) + 2);
    expect(r.probabilities[0][1]).toBeCloseTo(pYellow, 6);
    expect(r.cosineSpread).toBeCloseTo(5 / 6, 6);
    expect(formatProbeTable(r).split('\n')).toHaveLength(4);
  });

  it('rejects a template without {}, one attribute, mismatched truth', async () => {
    const e = fakeEmbedder(
      () => 0,
      () => 0,
    );
    const images = [Buffer.alloc(1)];
    await expect(
      attributeSwapProbe(e, { images, truth: ['red'], template: 'a red star', attributes: attrs }),
    ).rejects.toThrow(ProbeInputError);
    await expect(
      attributeSwapProbe(e, { images, truth: ['red'], template: 'a {} star', attributes: ['red'] }),
    ).rejects.toThrow(/at least two/);
    await expect(
      attributeSwapProbe(e, { images, truth: ['red', 'red'], template: 'a {} star', attributes: attrs }),
    ).rejects.toThrow(/one true attribute per image/);
    await expect(
      attributeSwapProbe(e, { images, truth: ['green'], template: 'a {} star', attributes: attrs }),
    ).rejects.toThrow(/"green", which is not among the attributes/);
  });

  it('gives the same numbers through a Clip and through miniClipEmbedder on the same weights', async () => {
    const stars = await generateShapes({
      seed: 5,
      count: 6,
      pairs: COLOURS.map((c) => ({ colour: c, shape: 'star' })),
    });
    const options = {
      images: stars.map((s) => s.png),
      truth: stars.map((s) => s.colour),
      template: 'a photo of a {} star',
      attributes: [...COLOURS],
    };
    const viaOnnx = await attributeSwapProbe(mini, options);
    const { model, tokenizer } = loadMiniClip(MINI_CLIP_DIR);
    const viaTf = await attributeSwapProbe(miniClipEmbedder(model, tokenizer), options);
    model.dispose();
    viaOnnx.rows.forEach((row, j) => expect(viaTf.rows[j].meanCosine).toBeCloseTo(row.meanCosine, 2));
  });
});

describe('nuance probes', () => {
  it('word order: a bag-of-words text encoder ties every swapped pair (mini-CLIP)', async () => {
    const r = await wordOrderProbe(mini, { seed: 3, count: 8 });
    expect(r.images).toBe(8);
    expect(r.meanPromptCosine).toBeCloseTo(1, 5);
    expect(r.ties).toBe(8);
    expect(r.accuracy).toBe(0);
    const [t, s] = r.examplePrompts;
    expect(t.split(' ').sort()).toEqual(s.split(' ').sort());
    expect(t).not.toBe(s);
  });

  it('word order: an embedder that reads the binding gets it right', async () => {
    // Text index 0 for true prompts, 1 for swapped ones; every image is index 0.
    let call = 0;
    const e: Embedder = {
      logitScale: 1,
      embedImages: async (imgs) => ({
        rows: imgs.length,
        cols: 2,
        data: Float32Array.from(imgs.flatMap(() => [1, 0])),
      }),
      embedTexts: async (texts) => {
        const k = call++ === 0 ? 0 : 1;
        return {
          rows: texts.length,
          cols: 2,
          data: Float32Array.from(texts.flatMap(() => (k === 0 ? [1, 0] : [0, 1]))),
        };
      },
    };
    const r = await wordOrderProbe(e, { seed: 1, count: 5 });
    expect(r.accuracy).toBe(1);
    expect(r.ties).toBe(0);
    expect(r.meanAbsDifference).toBeCloseTo(1, 6);
  });

  it('negation: groups are balanced and accuracies are fractions of them', async () => {
    const r = await negationProbe(mini, { seed: 1, count: 6 });
    expect(r.negatedPrompt).toBe('there is no red circle');
    expect(r.withObject).toBe(6);
    expect(r.accuracy).toBeCloseTo((r.accuracyWith + r.accuracyWithout) / 2, 10);
    expect([r.accuracyWith * 6, r.accuracyWithout * 6].every(Number.isInteger)).toBe(true);
    expect(r.examples.map((x) => x.hasObject)).toEqual([true, false, true, false]);
    expect(r.promptCosine).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('counting: the confusion matrix has one row per count and sums to the images', async () => {
    const r = await countingProbe(mini, { seed: 2, count: 4, maxCount: 3 });
    expect(r.prompts).toEqual([
      'a photo of one blue square',
      'a photo of two blue squares',
      'a photo of three blue squares',
    ]);
    expect(r.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([4, 4, 4]);
    const trace = r.confusion[0][0] + r.confusion[1][1] + r.confusion[2][2];
    expect(r.accuracy).toBeCloseTo(trace / 12, 10);
    expect(r.chance).toBeCloseTo(1 / 3, 10);
    await expect(countingProbe(mini, { maxCount: 1 })).rejects.toThrow(ProbeInputError);
  });
});

describe('skew', () => {
  it('skewedPairs keeps each shape at the same total weight and gives the favoured colour its share', () => {
    const joint = skewedPairs('star', 'yellow', 0.95, { colourShare: 0.9 });
    const yellow = joint.filter((p) => p.colour === 'yellow');
    const yellowTotal = yellow.reduce((a, p) => a + (p.weight ?? 1), 0);
    expect(yellow.find((p) => p.shape === 'star')!.weight! / yellowTotal).toBeCloseTo(0.9, 10);
    expect(() => skewedPairs('star', 'yellow', 0.9, { colourShare: 1 })).toThrow(/colourShare/);
    const pairs = skewedPairs('star', 'yellow', 0.9);
    const total = (shape: string) => pairs.filter((p) => p.shape === shape).reduce((a, p) => a + (p.weight ?? 1), 0);
    expect(total('star')).toBeCloseTo(total('circle'), 10);
    const yellowStar = pairs.find((p) => p.shape === 'star' && p.colour === 'yellow')!.weight!;
    expect(yellowStar / total('star')).toBeCloseTo(0.9, 10);
    expect(balancedPairs().every((p) => p.weight === 1)).toBe(true);
    expect(() => skewedPairs('star', 'yellow', 1.5)).toThrow(SkewOptionError);
    expect(() => skewedPairs('hexagon' as never, 'yellow', 0.5)).toThrow(/not a shapes-world shape/);
  });

  it('trainOnPairs draws the skewed distribution and measureSkew reports shares in 0..1', async () => {
    const run = await trainOnPairs({
      pairs: skewedPairs('star', 'yellow', 0.9),
      steps: 4,
      batchSize: 16,
      trainImages: 400,
      seed: 2,
    });
    const stars = Object.entries(run.pairCounts).filter(([k]) => k.endsWith(' star'));
    const starTotal = stars.reduce((a, [, n]) => a + n, 0);
    expect((run.pairCounts['yellow star'] ?? 0) / starTotal).toBeGreaterThan(0.8);
    expect(run.losses).toHaveLength(4);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    const report = await measureSkew(run.model, run.tokenizer, { shape: 'star', colour: 'yellow', perColour: 4 });
    expect(report.otherColourImages).toBe(20);
    expect(report.otherShapeImages).toBe(12);
    for (const v of [
      report.favouredColourShare,
      report.colourAccuracy,
      report.favouredShapeShare,
      report.shapeAccuracy,
      report.retrievalTopShare,
    ]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(report.meanFavouredProbability + report.meanTrueColourProbability).toBeLessThanOrEqual(1 + 1e-6);
    run.model.dispose();
  });
});

describe('fp16 / q8 copies', () => {
  it('float16 conversion rounds to nearest and handles the edges', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(0)).toBe(0);
    expect(fromFloat16Bits(toFloat16Bits(0.1))).toBeCloseTo(0.0999755859375, 12);
    expect(fromFloat16Bits(toFloat16Bits(2 ** -20))).toBeCloseTo(2 ** -20, 12); // a subnormal, exact
    for (const x of [0.33, -7.77, 1234.5, 3e-3])
      expect(Math.abs(fromFloat16Bits(toFloat16Bits(x)) - x) / Math.abs(x)).toBeLessThan(2 ** -11);
  });

  it('int8 quantization is symmetric and within half a step', () => {
    const data = Float32Array.of(-1, 0.5, 1, 0.01);
    const { q, scale } = quantizeInt8(data);
    expect(Array.from(q)).toEqual([-127, 64, 127, 1]);
    data.forEach((v, i) => expect(Math.abs(q[i] * scale - v)).toBeLessThanOrEqual(scale / 2 + 1e-9));
  });

  it('writes loadable fp16 and q8 models that shrink the files and move probabilities only a little', async () => {
    const dir = path.join(tmp, 'mini-clip-dtypes');
    const sizes = writeReducedPrecisionCopy(MINI_CLIP_DIR, dir);
    // The shipped export carries all three, and its fp16/q8 files are exactly what the rewriter makes of its fp32 ones.
    expect(availableDtypes(MINI_CLIP_DIR)).toEqual(['fp32', 'fp16', 'q8']);
    for (const name of ['onnx/vision_model_fp16.onnx', 'onnx/text_model_quantized.onnx']) {
      expect(
        Buffer.compare(fs.readFileSync(path.join(MINI_CLIP_DIR, name)), fs.readFileSync(path.join(dir, name))),
      ).toBe(0);
    }
    expect(availableDtypes(dir)).toEqual(['fp32', 'fp16', 'q8']);
    expect(sizes['onnx/vision_model_fp16.onnx'] / sizes['onnx/vision_model.onnx']).toBeLessThan(0.55);
    expect(sizes['onnx/vision_model_quantized.onnx'] / sizes['onnx/vision_model.onnx']).toBeLessThan(0.3);
    expect(modelBytesOnDisk(dir, 'q8')).toBe(
      sizes['onnx/text_model_quantized.onnx'] + sizes['onnx/vision_model_quantized.onnx'],
    );

    const images = (await generateShapes({ seed: 9, count: 4 })).map((s) => s.png);
    const labels = ['a photo of a red star', 'a photo of a blue circle', 'a photo of a green square'];
    const rows = await measureZeroShotCost({
      load: ({ dtype, imageBatchSize }) => loadClip({ localDir: dir, dtype, imageBatchSize }),
      dtypes: ['fp32', 'fp16', 'q8'],
      batchSizes: [1, 4],
      images,
      labels,
      repeats: 1,
    });
    expect(rows.map((r) => `${r.dtype}/${r.batchSize}`)).toEqual([
      'fp32/1',
      'fp32/4',
      'fp16/1',
      'fp16/4',
      'q8/1',
      'q8/4',
    ]);
    expect(rows[0].maxProbabilityShift).toBe(0);
    expect(rows[1].maxProbabilityShift).toBeLessThan(1e-5); // batching does not change the numbers
    const fp16 = rows.find((r) => r.dtype === 'fp16')!;
    const q8 = rows.find((r) => r.dtype === 'q8')!;
    expect(fp16.maxProbabilityShift).toBeGreaterThan(0);
    expect(fp16.maxProbabilityShift).toBeLessThan(q8.maxProbabilityShift);
    expect(q8.maxProbabilityShift).toBeLessThan(0.1);
    for (const r of rows) {
      expect(r.msPerImage).toBeGreaterThan(0);
      expect(r.rssMiB).toBeGreaterThan(10);
    }
  });

  it('reports bad inputs with typed errors', async () => {
    expect(() => reducedPrecisionModelWithReport(Uint8Array.of(1, 2, 3), 'fp16')).toThrow(QuantizeError);
    expect(() => writeReducedPrecisionCopy(path.join(tmp, 'nope'), path.join(tmp, 'out'))).toThrow(/does not exist/);
    const fp32Only = path.join(tmp, 'fp32-only');
    fs.mkdirSync(path.join(fp32Only, 'onnx'), { recursive: true });
    for (const f of ['onnx/text_model.onnx', 'onnx/vision_model.onnx'])
      fs.copyFileSync(path.join(MINI_CLIP_DIR, f), path.join(fp32Only, f));
    expect(availableDtypes(fp32Only)).toEqual(['fp32']);
    expect(() => modelBytesOnDisk(fp32Only, 'q8')).toThrow(ComputeMeasureError);
    await expect(
      measureZeroShotCost({
        load: async () => mini,
        dtypes: ['fp32'],
        batchSizes: [1],
        images: [],
        labels: ['a', 'b'],
      }),
    ).rejects.toThrow(/images is empty/);
    await expect(
      measureZeroShotCost({
        load: async () => mini,
        dtypes: ['fp32'],
        batchSizes: [0],
        images: [Buffer.alloc(1)],
        labels: ['a', 'b'],
      }),
    ).rejects.toThrow(/not a positive whole number/);
  });
});
