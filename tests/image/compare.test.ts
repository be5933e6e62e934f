import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  pixelDifference,
  readFloat32File,
  transformersJsPreprocessor,
  PixelComparisonError,
} from '../../lib/image/compare';

describe('pixelDifference', () => {
  test('mean, 99.9th percentile and max of |a − b| (worked by hand)', () => {
    // |diffs| = 0, 0.5, 0, 2 → sorted 0, 0, 0.5, 2; mean 2.5/4; p99.9 index floor(0.999·3) = 2 → 0.5; max 2
    expect(pixelDifference([0, 1, 2, 3], [0, 1.5, 2, 1])).toEqual({ mean: 0.625, p999: 0.5, max: 2 });
  });

  test('names the two lengths when they differ, and refuses empty input', () => {
    expect(() => pixelDifference([1, 2, 3], [1, 2])).toThrow(PixelComparisonError);
    expect(() => pixelDifference([1, 2, 3], [1, 2])).toThrow(/a has 3 values and b 2/);
    expect(() => pixelDifference([], [])).toThrow(/both inputs are empty/);
  });
});

describe('readFloat32File', () => {
  test('reads little-endian float32 values and rejects a size that is not a multiple of 4', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f32-'));
    const good = path.join(dir, 'good.f32');
    fs.writeFileSync(good, Buffer.from(new Float32Array([1.5, -2, 0.25]).buffer));
    expect(Array.from(readFloat32File(good))).toEqual([1.5, -2, 0.25]);
    const bad = path.join(dir, 'bad.f32');
    fs.writeFileSync(bad, Buffer.from([1, 2, 3, 4, 5]));
    expect(() => readFloat32File(bad)).toThrow(/5 bytes, not a multiple of 4/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('transformersJsPreprocessor', () => {
  test("gives transformers.js's 3×224×224 CLIP input, close to but not equal to the Python reference", async () => {
    const root = path.join(__dirname, '..', '..');
    const theirs = transformersJsPreprocessor();
    const pixels = await theirs(path.join(root, 'assets', 'images', 'chelsea.png'));
    expect(pixels.length).toBe(3 * 224 * 224);
    const d = pixelDifference(
      pixels,
      readFloat32File(path.join(__dirname, '..', 'fixtures', 'clip-preprocess', 'chelsea.png.f32')),
    );
    expect(d.mean).toBeGreaterThan(0.001); // its resize does not antialias like Pillow's
    expect(d.mean).toBeLessThan(0.2);
  });
});
