/**
 * Numerical parity of lib/image with the Python reference (Hugging Face CLIPImageProcessor, Pillow backend).
 * Target per image: mean |diff| ≤ 0.01 and 99.9th percentile ≤ 0.1 (normalized units). Prints a table with
 * transformers.js's own CLIP processor measured on the same fixtures, for scale.
 */
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { preprocessImage, preprocessImages, CLIP_VIT_B32_PREPROCESSOR } from '../../lib/image/preprocess';
import {
  pixelDifference,
  readFloat32File,
  transformersJsPreprocessor,
  type PixelDifference,
} from '../../lib/image/compare';

const ROOT = path.join(__dirname, '..', '..');
const REF_DIR = path.join(__dirname, '..', 'fixtures', 'clip-preprocess');
const EDGE_DIR = path.join(__dirname, '..', 'fixtures', 'images');

type DiffStats = PixelDifference;

function diffStats(a: Float32Array, b: Float32Array): DiffStats {
  expect(a.length).toBe(b.length);
  return pixelDifference(a, b);
}

const readF32 = readFloat32File;

const manifest = JSON.parse(fs.readFileSync(path.join(REF_DIR, 'manifest.json'), 'utf8')) as {
  images: { file: string; mode: string; width: number; height: number; shape: number[]; mean: number; std: number }[];
};

describe('parity with the Python reference (HF CLIPImageProcessor + Pillow)', () => {
  const ours = new Map<string, DiffStats>();

  it.each(manifest.images.map((e) => [e.file, e] as const))(
    '%s meets the target (mean ≤ 0.01, p99.9 ≤ 0.1)',
    async (file, entry) => {
      const imagePath = path.join(ROOT, 'assets', 'images', file);
      const { data, dims } = await preprocessImage(imagePath);
      expect(dims).toEqual(entry.shape);
      const stats = diffStats(data, readF32(path.join(REF_DIR, `${file}.f32`)));
      ours.set(file, stats);
      expect(stats.mean).toBeLessThanOrEqual(0.01);
      expect(stats.p999).toBeLessThanOrEqual(0.1);
    },
  );

  it('prints the parity table with transformers.js beside it', async () => {
    const theirs = transformersJsPreprocessor();
    const rows: string[] = [];
    for (const e of manifest.images) {
      const mine =
        ours.get(e.file) ??
        diffStats(
          (await preprocessImage(path.join(ROOT, 'assets', 'images', e.file))).data,
          readF32(path.join(REF_DIR, `${e.file}.f32`)),
        );
      const tj = diffStats(
        await theirs(path.join(ROOT, 'assets', 'images', e.file)),
        readF32(path.join(REF_DIR, `${e.file}.f32`)),
      );
      const f = (s: DiffStats) => `${s.mean.toFixed(5)} ${s.p999.toFixed(4)} ${s.max.toFixed(4)}`;
      rows.push(`${e.file.padEnd(14)} ${e.mode.padEnd(4)} | ${f(mine)} | ${f(tj)}`);
      // transformers.js is a different implementation: it must at least produce the same shape of output.
      expect(tj.mean).toBeLessThan(1);
    }
    console.log(
      [
        'Parity with Python CLIPImageProcessor (|diff| in normalized units)',
        'image          mode | lib/image: mean  p99.9  max | transformers.js AutoProcessor: mean  p99.9  max',
        ...rows,
      ].join('\n'),
    );
    expect(rows).toHaveLength(manifest.images.length);
  });

  it('gives the same numbers for a Buffer, a path and a file: URL, and in a batch', async () => {
    const file = path.join(ROOT, 'assets', 'images', 'rocket.jpg');
    const ref = readF32(path.join(REF_DIR, 'rocket.jpg.f32'));
    const fromBuffer = await preprocessImage(fs.readFileSync(file));
    const fromUrl = await preprocessImage(new URL(`file://${file}`));
    expect(diffStats(fromBuffer.data, ref).max).toBe(diffStats((await preprocessImage(file)).data, ref).max);
    expect(Array.from(fromUrl.data.subarray(0, 100))).toEqual(Array.from(fromBuffer.data.subarray(0, 100)));
    const batch = await preprocessImages(manifest.images.map((e) => path.join(ROOT, 'assets', 'images', e.file)));
    expect(batch.dims).toEqual([manifest.images.length, 3, 224, 224]);
    manifest.images.forEach((e, i) => {
      const slice = batch.data.subarray(i * 3 * 224 * 224, (i + 1) * 3 * 224 * 224);
      expect(diffStats(slice, readF32(path.join(REF_DIR, `${e.file}.f32`))).p999).toBeLessThanOrEqual(0.1);
    });
  });
});

/** The Pillow-made edge cases: the reference is the 8-bit crop; rescale/normalize are redone here in float32. */
describe('parity on edge-case formats and sizes (Pillow 9.4 reference)', () => {
  const edge = JSON.parse(fs.readFileSync(path.join(EDGE_DIR, 'manifest.json'), 'utf8')) as {
    images: {
      file: string;
      mode: string;
      width: number;
      height: number;
      resized: [number, number];
      reference: string;
      mean: number;
      config?: { shortest_edge: number; crop_size: number };
    }[];
  };
  const [m0, m1, m2] = CLIP_VIT_B32_PREPROCESSOR.image_mean as number[];
  const [s0, s1, s2] = CLIP_VIT_B32_PREPROCESSOR.image_std as number[];
  const mean = [m0, m1, m2].map(Math.fround);
  const std = [s0, s1, s2].map(Math.fround);

  it.each(
    edge.images.map(
      (e) => [`${e.file} (${e.mode} ${e.width}×${e.height}${e.config ? ', padded crop' : ''})`, e] as const,
    ),
  )('%s', async (_name, e) => {
    const { data, dims } = await preprocessImage(path.join(EDGE_DIR, e.file), e.config);
    expect(dims).toEqual([3, 224, 224]);
    const ref8 = await sharp(path.join(EDGE_DIR, e.reference)).raw().toBuffer();
    const plane = 224 * 224;
    const ref = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++)
        ref[c * plane + i] = Math.fround(
          Math.fround(Math.fround(ref8[i * 3 + c] * CLIP_VIT_B32_PREPROCESSOR.rescale_factor) - mean[c]) / std[c],
        );
    }
    const stats = diffStats(data, ref);
    expect(stats.mean).toBeLessThanOrEqual(0.01);
    expect(stats.p999).toBeLessThanOrEqual(0.1);
    // The normalization redone here agrees with numpy's (the manifest's mean of the normalized output).
    expect(ref.reduce((s, v) => s + v, 0) / ref.length).toBeCloseTo(e.mean, 4);
  });
});
