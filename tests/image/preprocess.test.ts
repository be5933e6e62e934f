/**
 * lib/image (preprocess.ts, preprocessor-config.ts) and resample.ts: config shapes, sizes, and properties of the
 * conversions on images generated here with sharp (grayscale, RGBA, 16-bit, extreme aspect ratios), plus unit checks
 * of the resampler.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import {
  CLIP_VIT_B32_PREPROCESSOR,
  PIL_RESAMPLE,
  decodeToRgb8,
  loadPreprocessorConfig,
  preprocessImage,
  preprocessImages,
  resampleRgb8,
  shortestEdgeSize,
} from '../../lib/image/preprocess';
import { expectSameValues } from '../support/same-values';

const ROOT = path.join(__dirname, '..', '..');
const CHELSEA = path.join(ROOT, 'assets', 'images', 'chelsea.png');
const ROCKET = path.join(ROOT, 'assets', 'images', 'rocket.jpg');
/** Keeps the 0..255 byte values: no rescale, no normalize. */
const RAW_BYTES = { do_rescale: false, do_normalize: false } as const;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'image-test-'));

function channel(data: Float32Array, c: number, dims: [3, number, number]): Float32Array {
  const plane = dims[1] * dims[2];
  return data.subarray(c * plane, (c + 1) * plane);
}

/** A deterministic RGB test pattern (gradients and stripes), width × height × 3 bytes. */
function pattern(width: number, height: number): Buffer {
  const b = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      b[o] = (x * 255) / Math.max(1, width - 1);
      b[o + 1] = (y * 255) / Math.max(1, height - 1);
      b[o + 2] = ((x >> 2) + (y >> 2)) % 2 ? 230 : 20;
    }
  }
  return b;
}

describe('sizes (Hugging Face arithmetic)', () => {
  it('shortest edge: the long side is truncated, not rounded', () => {
    expect(shortestEdgeSize(451, 300, 224)).toEqual({ width: Math.trunc((224 * 451) / 300), height: 224 });
    expect(shortestEdgeSize(451, 300, 224).width).toBe(336); // 336.74 → 336
    expect(shortestEdgeSize(7, 5, 224)).toEqual({ width: 313, height: 224 }); // 313.6 → 313
    expect(shortestEdgeSize(1200, 40, 224)).toEqual({ width: 6720, height: 224 });
    expect(shortestEdgeSize(40, 900, 224)).toEqual({ width: 224, height: 5040 });
    expect(shortestEdgeSize(300, 300, 224)).toEqual({ width: 224, height: 224 });
  });

  it('1200×40: resized to 6720×224, center-cropped to 224×224', async () => {
    const strip = await sharp(pattern(1200, 40), { raw: { width: 1200, height: 40, channels: 3 } })
      .png()
      .toBuffer();
    const uncropped = await preprocessImage(strip, { ...RAW_BYTES, do_center_crop: false });
    expect(uncropped.dims).toEqual([3, 224, 6720]);
    const cropped = await preprocessImage(strip, RAW_BYTES);
    expect(cropped.dims).toEqual([3, 224, 224]);
    // The crop is the middle of the resized image: columns (6720 − 224) / 2 = 3248 onward.
    for (const c of [0, 1, 2]) {
      const full = channel(uncropped.data, c, uncropped.dims);
      const crop = channel(cropped.data, c, cropped.dims);
      for (const [y, x] of [
        [0, 0],
        [100, 17],
        [223, 223],
      ])
        expect(crop[y * 224 + x]).toBe(full[y * 6720 + 3248 + x]);
    }
  });

  it('7×5 is upscaled to 313×224 first; the output is smooth, in range and not constant', async () => {
    const tiny = await sharp(pattern(7, 5), { raw: { width: 7, height: 5, channels: 3 } })
      .png()
      .toBuffer();
    const { data, dims } = await preprocessImage(tiny, { ...RAW_BYTES, do_center_crop: false });
    expect(dims).toEqual([3, 224, 313]);
    const red = channel(data, 0, dims);
    expect(red.reduce((m, v) => Math.min(m, v), Infinity)).toBeGreaterThanOrEqual(0);
    expect(red.reduce((m, v) => Math.max(m, v), -Infinity)).toBeLessThanOrEqual(255);
    expect(red[0]).toBeLessThan(red[312]); // red grows left → right as in the source
  });

  it('padding when the crop is larger than the resized image, with byte 0 normalized', async () => {
    const { data, dims } = await preprocessImage(CHELSEA, { shortest_edge: 200, crop_size: 224 });
    expect(dims).toEqual([3, 224, 224]);
    const mean = CLIP_VIT_B32_PREPROCESSOR.image_mean as number[];
    const std = CLIP_VIT_B32_PREPROCESSOR.image_std as number[];
    const padRed = Math.fround(Math.fround(0 - Math.fround(mean[0])) / Math.fround(std[0]));
    // 451×300 → 300·200/300 … 300.67 → 300×200; vertical padding ceil(24 / 2) = 12 rows on top.
    expect(channel(data, 0, dims)[5 * 224 + 100]).toBe(padRed);
    expect(channel(data, 0, dims)[100 * 224 + 100]).not.toBe(padRed);
    expect(channel(data, 2, dims)[223 * 224]).toBe(
      Math.fround(Math.fround(0 - Math.fround(mean[2])) / Math.fround(std[2])),
    );
  });
});

describe('config shapes', () => {
  it('flat numbers (older configs), nested objects and the flat shortest_edge agree', async () => {
    const nested = await preprocessImage(ROCKET);
    const flat = await preprocessImage(ROCKET, { size: 224, crop_size: 224 });
    const convenience = await preprocessImage(ROCKET, { shortest_edge: 224, size: 999 });
    expectSameValues(flat.data, nested.data);
    expectSameValues(convenience.data, nested.data);
  });

  it('size {height, width} resizes to exactly that; do_resize false only crops', async () => {
    expect((await preprocessImage(CHELSEA, { size: { height: 100, width: 50 }, do_center_crop: false })).dims).toEqual([
      3, 100, 50,
    ]);
    const cropOnly = await preprocessImage(CHELSEA, {
      ...RAW_BYTES,
      do_resize: false,
      crop_size: { height: 10, width: 20 },
    });
    expect(cropOnly.dims).toEqual([3, 10, 20]);
    const { rgb, width } = await decodeToRgb8(fs.readFileSync(CHELSEA), 'chelsea');
    // top = (300 − 10) // 2 = 145, left = (451 − 20) // 2 = 215
    expect(cropOnly.data[0]).toBe(rgb[(145 * width + 215) * 3]);
    expect(cropOnly.data[2 * 200 + 19 + 9 * 20]).toBe(rgb[((145 + 9) * width + 215 + 19) * 3 + 2]);
  });

  it('rescale only gives bytes / 255; normalize uses the configured mean and std', async () => {
    const bytes = await preprocessImage(CHELSEA, RAW_BYTES);
    const scaled = await preprocessImage(CHELSEA, { do_normalize: false });
    const custom = await preprocessImage(CHELSEA, { image_mean: 0.5, image_std: 0.5 });
    for (const i of [0, 777, 150527]) {
      expect(scaled.data[i]).toBe(Math.fround(bytes.data[i] * CLIP_VIT_B32_PREPROCESSOR.rescale_factor));
      expect(custom.data[i]).toBeCloseTo(bytes.data[i] / 127.5 - 1, 5);
    }
  });

  it('loadPreprocessorConfig reads a file or a model folder, in both shapes', async () => {
    const folder = path.join(tmp, 'model');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'preprocessor_config.json'), JSON.stringify(CLIP_VIT_B32_PREPROCESSOR));
    const fromFolder = await loadPreprocessorConfig(folder);
    expect(fromFolder.size).toEqual({ shortest_edge: 224 });
    const old = path.join(tmp, 'old.json');
    fs.writeFileSync(
      old,
      JSON.stringify({
        feature_extractor_type: 'CLIPFeatureExtractor',
        size: 256,
        crop_size: 256,
        do_resize: true,
        do_center_crop: true,
      }),
    );
    const oldCfg = await loadPreprocessorConfig(old);
    expect(oldCfg.size).toBe(256);
    expect((await preprocessImage(CHELSEA, oldCfg)).dims).toEqual([3, 256, 256]);
    // Values missing from the file fall back to CLIP's defaults.
    expect(oldCfg.image_mean).toEqual(CLIP_VIT_B32_PREPROCESSOR.image_mean);
  });
});

describe('colour conversion properties (images generated here)', () => {
  it('grayscale gives three identical channels before normalization', async () => {
    const gray = await sharp(pattern(64, 48), { raw: { width: 64, height: 48, channels: 3 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(gray).metadata()).channels).toBe(1);
    const { data, dims } = await preprocessImage(gray, RAW_BYTES);
    expectSameValues(channel(data, 1, dims), channel(data, 0, dims));
    expectSameValues(channel(data, 2, dims), channel(data, 0, dims));
    expect(new Set(channel(data, 0, dims)).size).toBeGreaterThan(50);
  });

  it('RGBA with alpha 0 gives the same pixels as its RGB (alpha dropped, no compositing)', async () => {
    const rgb = pattern(80, 60);
    const rgba = Buffer.alloc(80 * 60 * 4);
    for (let i = 0; i < 80 * 60; i++) rgb.copy(rgba, i * 4, i * 3, i * 3 + 3); // alpha stays 0
    const png = await sharp(rgba, { raw: { width: 80, height: 60, channels: 4 } })
      .png()
      .toBuffer();
    const plain = await sharp(rgb, { raw: { width: 80, height: 60, channels: 3 } })
      .png()
      .toBuffer();
    expect((await sharp(png).metadata()).hasAlpha).toBe(true);
    const a = await preprocessImage(png);
    const b = await preprocessImage(plain);
    expectSameValues(a.data, b.data);
  });

  it('gray + alpha (LA) keeps the gray values whatever the alpha', async () => {
    const la = Buffer.alloc(32 * 32 * 2);
    for (let i = 0; i < 32 * 32; i++) {
      la[2 * i] = (i * 7) % 256;
      la[2 * i + 1] = i % 3 === 0 ? 0 : 128;
    }
    const png = await sharp(la, { raw: { width: 32, height: 32, channels: 2 } })
      .png()
      .toBuffer();
    const { rgb } = await decodeToRgb8(png, 'la');
    for (const i of [0, 1, 2, 500, 1023])
      expect([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]]).toEqual([(i * 7) % 256, (i * 7) % 256, (i * 7) % 256]);
  });

  it('16-bit: high byte of each sample, not clipped to white', async () => {
    const w = 256;
    const h = 4;
    const g16 = new Uint16Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g16[y * w + x] = x * 256 + 100; // sharp infers 16-bit from the Uint16Array
    const png = await sharp(g16, { raw: { width: w, height: h, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    const meta = await sharp(png).metadata();
    expect(meta.depth).toBe('ushort');
    const { rgb } = await decodeToRgb8(png, 'gray16');
    expect(rgb[0]).toBe(0);
    expect(rgb[3 * 128]).toBe(128);
    expect(rgb[3 * 255 + 2]).toBe(255);
    const { data } = await preprocessImage(png, RAW_BYTES);
    // 256×4 → 14336×224, center crop: the middle of the ramp (about 128), not white (Pillow would give 255).
    expect(data.reduce((m, v) => Math.max(m, v), -Infinity)).toBeLessThan(140);
    expect(data.reduce((m, v) => Math.min(m, v), Infinity)).toBeGreaterThan(115);
  });

  it('CMYK follows Pillow: R = (255 − C)(255 − K)/255 with MULDIV255 rounding', async () => {
    const fixture = path.join(__dirname, '..', 'fixtures', 'images', 'cmyk-vips.jpg');
    const raw = await sharp(fixture).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer();
    const { rgb } = await decodeToRgb8(fs.readFileSync(fixture), 'cmyk');
    for (const i of [0, 1234, 180 * 120 - 1]) {
      const [c, m, y, k] = raw.subarray(4 * i, 4 * i + 4);
      const expected = [c, m, y].map((v) => Math.round(((255 - v) * (255 - k)) / 255));
      // MULDIV255 rounds like Math.round up to one unit at exact halves.
      expected.forEach((e, j) => expect(Math.abs(rgb[3 * i + j] - e)).toBeLessThanOrEqual(1));
    }
  });

  it('EXIF orientation is ignored by default (like Pillow) and applied with autoOrient', async () => {
    const file = path.join(__dirname, '..', 'fixtures', 'images', 'orientation-6.jpg');
    expect((await sharp(file).metadata()).orientation).toBe(6);
    const plain = await decodeToRgb8(fs.readFileSync(file), 'o6');
    const rotated = await decodeToRgb8(fs.readFileSync(file), 'o6', { autoOrient: true });
    expect([plain.width, plain.height]).toEqual([120, 80]);
    expect([rotated.width, rotated.height]).toEqual([80, 120]);
  });

  it('ICC profiles are not applied (rocket.jpg carries one; sharp would otherwise colour-manage)', async () => {
    const bytes = fs.readFileSync(ROCKET);
    expect((await sharp(bytes).metadata()).hasProfile).toBe(true);
    const ours = await decodeToRgb8(bytes, 'rocket');
    const managed = await sharp(bytes).raw().toBuffer();
    const unmanaged = await sharp(bytes, { ignoreIcc: true }).raw().toBuffer();
    expect(Buffer.compare(Buffer.from(ours.rgb), unmanaged)).toBe(0);
    expect(Buffer.compare(Buffer.from(ours.rgb), managed)).not.toBe(0);
  });
});

describe('resampleRgb8 (Pillow arithmetic)', () => {
  const src = new Uint8Array(pattern(97, 61));

  it('a constant image stays exactly constant, down and up, with every filter', () => {
    const flat = new Uint8Array(50 * 30 * 3).fill(173);
    for (const f of Object.values(PIL_RESAMPLE)) {
      for (const [w, h] of [
        [17, 11],
        [200, 90],
      ]) {
        const out = resampleRgb8(flat, 50, 30, w, h, f);
        expect(out.length).toBe(w * h * 3);
        expect(out.every((v) => v === 173)).toBe(true);
      }
    }
  });

  it('computing a window gives exactly that slice of the full result', () => {
    const full = resampleRgb8(src, 97, 61, 150, 90, PIL_RESAMPLE.BICUBIC);
    const win = { left: 33, top: 20, width: 64, height: 50 };
    const part = resampleRgb8(src, 97, 61, 150, 90, PIL_RESAMPLE.BICUBIC, win);
    for (let y = 0; y < win.height; y++) {
      const a = Array.from(part.subarray(y * win.width * 3, (y + 1) * win.width * 3));
      const from = ((y + win.top) * 150 + win.left) * 3;
      expect(a).toEqual(Array.from(full.subarray(from, from + win.width * 3)));
    }
  });

  it('same size is the identity; one changed axis resamples only that axis', () => {
    expectSameValues(resampleRgb8(src, 97, 61, 97, 61), src);
    const widthOnly = resampleRgb8(src, 97, 61, 40, 61);
    // Green depends only on y in the pattern, so a horizontal-only resize keeps it per row.
    for (const y of [0, 30, 60]) expect(widthOnly[(y * 40 + 20) * 3 + 1]).toBe(src[(y * 97 + 20) * 3 + 1]);
  });

  it('downscaling antialiases: fine stripes average out instead of aliasing', () => {
    const w = 400;
    const stripes = new Uint8Array(w * 4 * 3);
    for (let i = 0; i < w * 4; i++) stripes.fill(i % 2 ? 255 : 0, i * 3, i * 3 + 3);
    const out = resampleRgb8(stripes, w, 4, 40, 4, PIL_RESAMPLE.BICUBIC);
    for (let x = 2; x < 38; x++) expect(Math.abs(out[x * 3] - 127.5)).toBeLessThan(3);
  });

  it('rejects impossible sizes and windows', () => {
    expect(() => resampleRgb8(src, 97, 61, 0, 10)).toThrow(/outWidth must be a positive integer/);
    expect(() => resampleRgb8(src, 97, 61, 10, 10, 3, { left: 5, top: 0, width: 10, height: 10 })).toThrow(
      /does not fit/,
    );
    expect(() => resampleRgb8(src, 97, 61, 10, 10, 7)).toThrow(/unknown resample filter 7/);
    expect(() => resampleRgb8(src.subarray(0, 10), 97, 61, 10, 10)).toThrow(/needs 17751 bytes/);
  });
});

describe('batch', () => {
  it('stacks N images in order and matches the single-image results', async () => {
    const files = [CHELSEA, ROCKET, path.join(ROOT, 'assets', 'images', 'camera.png')];
    const batch = await preprocessImages(files, undefined, { concurrency: 2 });
    expect(batch.dims).toEqual([3, 3, 224, 224]);
    const size = 3 * 224 * 224;
    for (let i = 0; i < files.length; i++) {
      const single = await preprocessImage(files[i]);
      expectSameValues(batch.data.subarray(i * size, i * size + 500), single.data.subarray(0, 500));
      expect(batch.data[i * size + size - 1]).toBe(single.data[size - 1]);
    }
  });
});
