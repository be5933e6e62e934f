/**
 * lib/clip on the course's mini-CLIP (assets/models/mini-clip): loading through each rule of the resolution
 * order (a local mirror stands in for the hub), zero-shot = softmax(logitScale · cosine), prompt ensembling, label
 * edge cases, batching, and agreement with transformers.js's own pipeline.
 */
import { MODEL_DIRS } from '../../lib/course/paths';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AutoProcessor, RawImage } from '@huggingface/transformers';
import {
  ClipLabelError,
  COURSE_FALLBACK_BANNER,
  COURSE_FALLBACK_DIR,
  MINI_CLIP_BANNER,
  MINI_CLIP_DIR,
  loadClip,
  loadCourseClip,
  loadZeroShotPipeline,
  requiredClipFiles,
  type Clip,
} from '../../lib/clip/index';
import { cosineSimilarity, softmax, type Matrix } from '../../lib/embeddings/similarity';
import { ImageInputError } from '../../lib/image/preprocess';
import { generateShapes, type ShapeSample } from '../../lib/worlds/shapes';
import { closedPort, hubMirror } from '../support/clip-servers';

const modelDir = MINI_CLIP_DIR;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clip-test-'));
const warnings: string[] = [];
let clip: Clip;
let shapes: ShapeSample[];
const LABELS = [
  'a photo of a red circle',
  'a photo of a blue square',
  'a photo of a yellow star',
  'a photo of a green triangle',
];

beforeAll(async () => {
  clip = await loadClip({ localDir: modelDir, onWarning: (m) => warnings.push(m) });
  shapes = await generateShapes({ seed: 11, count: 6, heldOut: 'exclude' });
});
afterAll(async () => {
  await clip.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  warnings.length = 0;
});

function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the mini-CLIP through loadClip', () => {
  test('is loaded from localDir, marked as not pretrained, with its own scale, size and token limit', () => {
    const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
    expect(clip.source).toEqual({ kind: 'localDir', modelId: 'mini-clip', dir: modelDir, download: false });
    expect(clip.pretrained).toBe(false);
    expect(clip.embeddingDim).toBe(config.projection_dim);
    expect(clip.maxTextTokens).toBe(config.text_config.max_position_embeddings);
    expect(['config', 'probe']).toContain(clip.logitScaleSource);
    expect(clip.logitScale).toBeGreaterThan(1);
    expect(clip.logitScale).toBeLessThanOrEqual(100.001);
  });

  test('embeddings have one L2-normalized row per input', async () => {
    const img = await clip.embedImages(shapes.map((s) => s.png));
    const txt = await clip.embedTexts(LABELS);
    expect([img.rows, img.cols, txt.rows, txt.cols]).toEqual([
      shapes.length,
      clip.embeddingDim,
      LABELS.length,
      clip.embeddingDim,
    ]);
    for (let i = 0; i < img.rows; i++) expect(norm(row(img, i))).toBeCloseTo(1, 5);
    for (let i = 0; i < txt.rows; i++) expect(norm(row(txt, i))).toBeCloseTo(1, 5);
  });

  test('zeroShot = softmax(logitScale · cosine), recomputed from embedImages and embedTexts, sorted best first', async () => {
    const images = shapes.map((s) => s.png);
    const result = await clip.zeroShot(images, LABELS);
    const img = await clip.embedImages(images);
    const txt = await clip.embedTexts(LABELS);
    expect(result).toHaveLength(images.length);
    result.forEach((ranking, i) => {
      const cos = LABELS.map((_, j) => cosineSimilarity(row(img, i), row(txt, j)));
      const expected = softmax(cos, clip.logitScale);
      expect(ranking.map((r) => r.label).sort()).toEqual([...LABELS].sort());
      for (const { label, score } of ranking) expect(score).toBeCloseTo(expected[LABELS.indexOf(label)], 6);
      for (let k = 1; k < ranking.length; k++) expect(ranking[k - 1].score).toBeGreaterThanOrEqual(ranking[k].score);
      expect(ranking.reduce((a, r) => a + r.score, 0)).toBeCloseTo(1, 5);
    });
  });

  test('the learned scale matters: without it (scale 1) the same cosines give near-uniform probabilities', async () => {
    const img = await clip.embedImages([shapes[0].png]);
    const txt = await clip.embedTexts(LABELS);
    const cos = LABELS.map((_, j) => cosineSimilarity(row(img, 0), row(txt, j)));
    const flat = softmax(cos, 1);
    const sharp = softmax(cos, clip.logitScale);
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThan(0.5);
    expect(Math.max(...sharp) - Math.min(...sharp)).toBeGreaterThan(Math.max(...flat) - Math.min(...flat));
  });

  test("prompt ensembling: a label's embedding is the normalized mean of its templated prompts", async () => {
    const labels = ['red circle', 'blue square'];
    const templates = ['a photo of a {}', 'a picture of a {}', 'an image of a {}'];
    const ensembled = await clip.embedLabels(labels, { templates });
    for (let l = 0; l < labels.length; l++) {
      const prompts = await clip.embedTexts(templates.map((t) => t.replace('{}', labels[l])));
      const mean = new Float32Array(clip.embeddingDim);
      for (let k = 0; k < templates.length; k++) row(prompts, k).forEach((v, j) => (mean[j] += v / templates.length));
      const n = norm(mean);
      expect(
        maxAbsDiff(
          row(ensembled, l),
          mean.map((v) => v / n),
        ),
      ).toBeLessThan(1e-6);
    }
    const [ranking] = await clip.zeroShot([shapes[0].png], labels, { templates });
    const img = await clip.embedImages([shapes[0].png]);
    const expected = softmax(
      labels.map((_, j) => cosineSimilarity(row(img, 0), row(ensembled, j))),
      clip.logitScale,
    );
    for (const { label, score } of ranking) expect(score).toBeCloseTo(expected[labels.indexOf(label)], 6);
  });

  test('label embeddings are computed once per zeroShot call, images in batches', async () => {
    const batched = await loadClip({ localDir: modelDir, imageBatchSize: 4, cacheTexts: false });
    try {
      const textCalls = jest.spyOn(batched.textModel as unknown as { _call: () => unknown }, '_call');
      const visionCalls = jest.spyOn(batched.visionModel as unknown as { _call: () => unknown }, '_call');
      await batched.zeroShot(
        [...shapes, ...shapes].map((s) => s.png),
        LABELS,
      ); // 12 images
      expect(textCalls).toHaveBeenCalledTimes(1);
      expect(visionCalls).toHaveBeenCalledTimes(3);
    } finally {
      await batched.dispose();
    }
  });

  test('batching gives the same numbers as one by one (images and texts)', async () => {
    const oneByOne = await loadClip({ localDir: modelDir, imageBatchSize: 1, textBatchSize: 1 });
    try {
      const images = shapes.map((s) => s.png);
      const texts = [...LABELS, 'a star', 'a photo of a small purple circle on a grey background'];
      expect(maxAbsDiff((await clip.embedImages(images)).data, (await oneByOne.embedImages(images)).data)).toBeLessThan(
        1e-5,
      );
      expect(maxAbsDiff((await clip.embedTexts(texts)).data, (await oneByOne.embedTexts(texts)).data)).toBeLessThan(
        1e-5,
      );
      const a = await clip.zeroShot(images, LABELS);
      const b = await oneByOne.zeroShot(images, LABELS);
      a.forEach((ranking, i) => {
        expect(ranking.map((r) => r.label)).toEqual(b[i].map((r) => r.label));
        expect(
          maxAbsDiff(
            ranking.map((r) => r.score),
            b[i].map((r) => r.score),
          ),
        ).toBeLessThan(1e-5);
      });
    } finally {
      await oneByOne.dispose();
    }
  });
});

describe('where the logit scale comes from', () => {
  /** A copy of the mini-CLIP with its config edited and, optionally, without onnx/model.onnx. */
  function copyWith(name: string, edit: (config: Record<string, unknown>) => void, keepFullModel: boolean): string {
    const dir = path.join(tmp, name);
    fs.cpSync(modelDir, dir, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    edit(config);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    if (!keepFullModel) fs.rmSync(path.join(dir, 'onnx', 'model.onnx'));
    return dir;
  }
  const learned = () =>
    Math.exp(JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8')).course_logit_scale);

  test("config.json's learned value (log space, like CLIP's parameter) is used as exp(value)", () => {
    expect(clip.logitScaleSource).toBe('config');
    expect(clip.logitScale).toBeCloseTo(learned(), 10);
  });

  test("without it, the scale is read from onnx/model.onnx's logit_scale initializer (exp of it) and agrees", async () => {
    const dir = copyWith('no-scale-in-config', (c) => delete c.course_logit_scale, true);
    const read = await loadClip({ localDir: dir, onWarning: (m) => warnings.push(m) });
    expect(read.logitScaleSource).toBe('model');
    expect(Math.abs(read.logitScale / learned() - 1)).toBeLessThan(1e-6);
    expect(warnings).toEqual([]);
    await read.dispose();
  });

  test("with neither, CLIP's 100 is used, named as such, with a warning that says what is missing", async () => {
    const dir = copyWith('no-scale-at-all', (c) => delete c.course_logit_scale, false);
    const fallback = await loadClip({ localDir: dir, onWarning: (m) => warnings.push(m) });
    expect([fallback.logitScaleSource, fallback.logitScale]).toEqual(['clip-default', 100]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/stores no learned logit scale .*onnx\/model\.onnx is missing/);
    await fallback.dispose();
  });
});

describe('bad labels are handled explicitly', () => {
  const img = () => [shapes[0].png];

  test('an empty label list', async () => {
    await expect(clip.zeroShot(img(), [])).rejects.toThrow(ClipLabelError);
    await expect(clip.zeroShot(img(), [])).rejects.toThrow(/labels is empty/);
  });

  test('an empty, blank or non-string label, named by its index', async () => {
    await expect(clip.zeroShot(img(), ['a red circle', ''])).rejects.toThrow(/labels\[1\] is empty/);
    await expect(clip.zeroShot(img(), ['a red circle', '   '])).rejects.toThrow(
      /labels\[1\] is empty \(only whitespace\)/,
    );
    await expect(clip.zeroShot(img(), ['a red circle', 42 as unknown as string])).rejects.toThrow(
      /labels\[1\] is number \(42\), not a string/,
    );
    await expect(clip.zeroShot(img(), 'a red circle' as unknown as string[])).rejects.toThrow(
      /labels must be an array of strings/,
    );
  });

  test('duplicates, also those that differ only in case or spacing (same tokens, same embedding)', async () => {
    await expect(clip.zeroShot(img(), ['a red circle', 'a blue star', 'a red circle'])).rejects.toThrow(
      /labels\[2\] "a red circle" duplicates labels\[0\]/,
    );
    await expect(clip.zeroShot(img(), ['a red circle', 'A Red  Circle'])).rejects.toThrow(ClipLabelError);
  });

  test('a single label is allowed, scores exactly 1, and a warning says that is trivial', async () => {
    const [ranking] = await clip.zeroShot(img(), ['a photo of a red circle']);
    expect(ranking).toEqual([{ label: 'a photo of a red circle', score: 1 }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/single label .* trivially 1/);
  });

  test('a prompt longer than the token limit is truncated (keeping the end token) with a warning naming it', async () => {
    const limit = clip.maxTextTokens;
    const long = `a photo of ${'a red circle and '.repeat(limit)}a blue square`;
    const longer = `${long} and a green star and a yellow triangle`;
    const [e1, e2] = [await clip.embedTexts([long]), await clip.embedTexts([longer])];
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(new RegExp(`has \\d+ tokens; mini-clip reads at most ${limit}, so it was truncated`));
    // Both are cut at the same place, so they embed identically.
    expect(maxAbsDiff(e1.data, e2.data)).toBeLessThan(1e-6);
    const ids = clip.tokenizer.encode(long);
    expect(ids.length).toBeGreaterThan(limit);
  });

  test('bad templates: none, no placeholder, duplicates', async () => {
    await expect(clip.zeroShot(img(), LABELS, { templates: [] })).rejects.toThrow(
      /templates must be a non-empty array/,
    );
    await expect(clip.zeroShot(img(), LABELS, { templates: ['a photo of a {}', 'a sketch'] })).rejects.toThrow(
      /templates\[1\] "a sketch" has no "\{\}" placeholder/,
    );
    await expect(clip.zeroShot(img(), LABELS, { templates: ['a {} and a {}'] })).rejects.toThrow(
      /has 2 "\{\}" placeholders/,
    );
    await expect(clip.zeroShot(img(), LABELS, { templates: ['a photo of a {}', 'A photo of a {}'] })).rejects.toThrow(
      /duplicate/,
    );
  });

  test('no images, or an image that cannot be read: ImageInputError from lib/image, naming it', async () => {
    await expect(clip.zeroShot([path.join(tmp, 'no-such.png')], LABELS)).rejects.toThrow(ImageInputError);
    await expect(clip.zeroShot([path.join(tmp, 'no-such.png')], LABELS)).rejects.toThrow(/no-such\.png/);
    await expect(clip.zeroShot([], LABELS)).rejects.toThrow(ImageInputError);
    await expect(clip.zeroShot([], LABELS)).rejects.toThrow(/no images were given/);
  });
});

describe('each rule of the resolution order loads a working model', () => {
  test('CLIP_MODEL_DIR', async () => {
    const saved = process.env.CLIP_MODEL_DIR;
    process.env.CLIP_MODEL_DIR = modelDir;
    try {
      const viaEnv = await loadClip({ hubUrl: await closedPort() });
      expect(viaEnv.source.kind).toBe('CLIP_MODEL_DIR');
      expect(maxAbsDiff((await viaEnv.embedTexts(LABELS)).data, (await clip.embedTexts(LABELS)).data)).toBe(0);
      await viaEnv.dispose();
    } finally {
      if (saved === undefined) delete process.env.CLIP_MODEL_DIR;
      else process.env.CLIP_MODEL_DIR = saved;
    }
  });

  test('the hub: downloaded into the cache (checked, with progress), then used from the cache offline', async () => {
    const hub = await hubMirror('course/mini-clip', modelDir);
    const cacheDir = path.join(tmp, 'hub-cache');
    const events: string[] = [];
    try {
      const downloaded = await loadClip({
        model: 'course/mini-clip',
        cacheDir,
        hubUrl: hub.url,
        onProgress: (e) => events.push(e.status),
      });
      expect(downloaded.source).toEqual({
        kind: 'hub',
        modelId: 'course/mini-clip',
        dir: path.join(cacheDir, 'course/mini-clip'),
        download: true,
      });
      expect(downloaded.pretrained).toBe(false); // config.json says it is the course's mini-CLIP, wherever it lies
      expect(hub.requests).toEqual(
        expect.arrayContaining(requiredClipFiles('fp32').map((f) => `GET /course/mini-clip/resolve/main/${f}`)),
      );
      expect(events).toContain('progress');
      expect(events).toContain('done');
      for (const f of requiredClipFiles('fp32'))
        expect(fs.existsSync(path.join(cacheDir, 'course/mini-clip', f))).toBe(true);
      const img = [shapes[0].png];
      const expected = await clip.zeroShot(img, LABELS);
      expect(await downloaded.zeroShot(img, LABELS)).toEqual(expected);
      await downloaded.dispose();
    } finally {
      await hub.close();
    }
    const offline = await loadClip({ model: 'course/mini-clip', cacheDir, hubUrl: await closedPort() });
    expect(offline.source.kind).toBe('hub-cache');
    expect(await offline.zeroShot([shapes[0].png], LABELS)).toEqual(await clip.zeroShot([shapes[0].png], LABELS));
    await offline.dispose();
  });

  test('loadCourseClip: offline with nothing cached it falls back to the course model and prints the banner with the reason and the fix', async () => {
    const logged: string[] = [];
    const fallback = await loadCourseClip({
      cacheDir: path.join(tmp, 'empty-cache'),
      hubUrl: await closedPort(),
      log: (m) => logged.push(m),
    });
    expect(fallback.pretrained).toBe(false);
    expect(fallback.source.dir).toBe(COURSE_FALLBACK_DIR);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(COURSE_FALLBACK_BANNER);
    expect(logged[0]).toMatch(/why: CLIP model "Xenova\/clip-vit-base-patch32" is not in the cache/);
    expect(logged[0]).toMatch(/fix, to use OpenAI's CLIP: run once with network .* or set CLIP_MODEL_DIR/);
    await fallback.dispose();
  });

  test("loadCourseClip({ fallback: 'mini-clip' }): notebooks built on the shapes world fall back to the mini-CLIP, with its own banner", async () => {
    const logged: string[] = [];
    const fallback = await loadCourseClip({
      cacheDir: path.join(tmp, 'empty-cache'),
      hubUrl: await closedPort(),
      log: (m) => logged.push(m),
      fallback: 'mini-clip',
    });
    expect(fallback.source.dir).toBe(MODEL_DIRS.miniClip);
    expect(logged[0]).toContain(MINI_CLIP_BANNER);
    expect(COURSE_FALLBACK_DIR).toBe(MODEL_DIRS.emojiClip);
    await fallback.dispose();
    await expect(loadCourseClip({ fallback: 'shapes' as never })).rejects.toThrow(
      /fallback = "shapes" is not one of the course's models.*Fix: Pass fallback: 'emoji-clip'/,
    );
  });
});

describe('agreement with transformers.js', () => {
  test("the pipeline's probabilities = softmax(logitScale · cosine) on transformers.js's own preprocessing", async () => {
    const file = path.join(tmp, 'shape.png');
    fs.writeFileSync(file, shapes[0].png);
    const classify = await loadZeroShotPipeline(clip);
    const processor = await AutoProcessor.from_pretrained(modelDir, { local_files_only: true });
    try {
      const piped = (await classify(file, LABELS, { hypothesis_template: '{}' })) as { label: string; score: number }[];
      const { pixel_values } = await processor(await RawImage.read(file));
      const { image_embeds } = await clip.visionModel({ pixel_values });
      const txt = await clip.embedTexts(LABELS);
      const cos = LABELS.map((_, j) => cosineSimilarity(image_embeds.data as Float32Array, row(txt, j)));
      const manual = softmax(cos, clip.logitScale);
      for (const { label, score } of piped) expect(score).toBeCloseTo(manual[LABELS.indexOf(label)], 4);
    } finally {
      await classify.dispose();
    }
  });
});
