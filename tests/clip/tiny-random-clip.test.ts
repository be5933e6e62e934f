/**
 * The real-CLIP path against Python, on ../shared/models/tiny-random-clip: a random-weight CLIP exported like
 * Xenova's hub models (text_model.onnx takes input_ids only; the learned scale, 42, is stored only in
 * onnx/model.onnx) and ../shared/reference/tiny-random-clip.reference.json (HF CLIPProcessor + torch CLIPModel
 * on the five course images and six labels). Loaded from its folder and through a stand-in hub (download path).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLIPModel } from '@huggingface/transformers';
import { COURSE_ROOT, PATHS } from '../../lib/course/paths';
import { ModelUnavailableError, loadClip, logitScaleOf, type Clip } from '../../lib/clip/index';
import * as onnx from '../../lib/mini-clip/onnx';
import { hubMirror } from '../support/clip-servers';

const TINY = path.join(COURSE_ROOT, '..', 'shared', 'models', 'tiny-random-clip');
const REFERENCE = path.join(COURSE_ROOT, '..', 'shared', 'reference', 'tiny-random-clip.reference.json');
const ref = JSON.parse(fs.readFileSync(REFERENCE, 'utf8')) as {
  images: string[];
  labels: string[];
  logit_scale: number;
  image_embeds: number[][];
  text_embeds: number[][];
  probs: number[][];
};
const images = ref.images.map((f) => path.join(PATHS.images, f));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clip-tiny-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Embeddings and zero-shot probabilities of `clip` against the reference; returns the largest differences. */
async function compare(clip: Clip): Promise<{ images: number; texts: number; probs: number }> {
  const img = await clip.embedImages(images);
  const txt = await clip.embedTexts(ref.labels);
  const rankings = await clip.zeroShot(images, ref.labels);
  const probs = rankings.flatMap((ranking) => ref.labels.map((label) => ranking.find((r) => r.label === label)!.score));
  return {
    images: maxAbsDiff(img.data, ref.image_embeds.flat()),
    texts: maxAbsDiff(txt.data, ref.text_embeds.flat()),
    probs: maxAbsDiff(probs, ref.probs.flat()),
  };
}

test('the scale is read from onnx/model.onnx without running it: 42, source "model"', () => {
  const fromPretrained = jest.spyOn(CLIPModel, 'from_pretrained');
  const t0 = performance.now();
  const scale = logitScaleOf(TINY, 'fp32');
  const ms = performance.now() - t0;
  console.log(
    `tiny-random-clip: logit scale ${scale.scale} from ${scale.source} (${scale.file}), read in ${ms.toFixed(1)} ms`,
  );
  expect(scale.source).toBe('model');
  expect(Math.abs(scale.scale - ref.logit_scale)).toBeLessThan(1e-3);
  expect(fromPretrained).not.toHaveBeenCalled();
  fromPretrained.mockRestore();
});

test('from its folder: scale 42, embeddings and probabilities within 1e-4 of Python, no warning', async () => {
  const warnings: string[] = [];
  const clip = await loadClip({ localDir: TINY, onWarning: (m) => warnings.push(m) });
  try {
    expect([clip.logitScaleSource, clip.pretrained]).toEqual(['model', true]);
    expect(Math.abs(clip.logitScale - ref.logit_scale)).toBeLessThan(1e-3);
    const d = await compare(clip);
    console.log(
      `tiny-random-clip vs Python: image embeddings ${d.images.toExponential(2)}, text ${d.texts.toExponential(2)}, probabilities ${d.probs.toExponential(2)}`,
    );
    expect(d.images).toBeLessThan(1e-4);
    expect(d.texts).toBeLessThan(1e-4);
    expect(d.probs).toBeLessThan(1e-4);
    expect(warnings).toEqual([]);
  } finally {
    await clip.dispose();
  }
});

test('through a stand-in hub (the download path): the same numbers, model.onnx fetched for its scale and parsed once, no warning', async () => {
  const hub = await hubMirror('course/tiny-random-clip', TINY, { ranges: true, sha256: true });
  const warnings: string[] = [];
  const parse = jest.spyOn(onnx, 'parseOnnxModel');
  const fullModelSize = fs.statSync(path.join(TINY, 'onnx', 'model.onnx')).size;
  try {
    const clip = await loadClip({
      model: 'course/tiny-random-clip',
      cacheDir: path.join(tmp, 'hub'),
      hubUrl: hub.url,
      onProgress: false,
      onWarning: (m) => warnings.push(m),
    });
    expect(hub.requests).toContain('GET /course/tiny-random-clip/resolve/main/onnx/model.onnx');
    // Checked on download and its scale read from that same parse: one parse of model.onnx in all.
    expect(parse.mock.calls.filter(([bytes]) => bytes.length === fullModelSize)).toHaveLength(1);
    expect(clip.source.kind).toBe('hub');
    expect(clip.logitScaleSource).toBe('model');
    expect(Math.abs(clip.logitScale - ref.logit_scale)).toBeLessThan(1e-3);
    const d = await compare(clip);
    expect(Math.max(d.images, d.texts, d.probs)).toBeLessThan(1e-4);
    expect(warnings).toEqual([]);
    await clip.dispose();
  } finally {
    parse.mockRestore();
    await hub.close();
  }
});

test('a dtype the model does not ship: a clear error, from the folder and from the hub', async () => {
  const local = await loadClip({ localDir: TINY, dtype: 'fp16' }).catch((e) => e);
  expect(local).toBeInstanceOf(ModelUnavailableError);
  expect(local.message).toContain(
    'lacks onnx/text_model_fp16.onnx, onnx/vision_model_fp16.onnx (dtype fp16); it holds dtype fp32 only',
  );
  expect(local.fix).toContain("pass dtype: 'fp32'");
  const hub = await hubMirror('course/tiny-random-clip', TINY);
  try {
    const remote = await loadClip({
      model: 'course/tiny-random-clip',
      dtype: 'q8',
      cacheDir: path.join(tmp, 'q8'),
      hubUrl: hub.url,
      onProgress: false,
    }).catch((e) => e);
    expect(remote).toBeInstanceOf(ModelUnavailableError);
    expect(remote.message).toContain('has no onnx/text_model_quantized.onnx for course/tiny-random-clip (HTTP 404)');
    expect(remote.fix).toContain("does not ship dtype 'q8': use dtype 'fp32'");
  } finally {
    await hub.close();
  }
});
