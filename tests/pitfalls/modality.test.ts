import sharp from 'sharp';
import { loadClip, MINI_CLIP_DIR } from '../../lib/clip/loader';
import type { Clip } from '../../lib/clip/loader';
import { preprocessImage } from '../../lib/image/preprocess';
import {
  centredShapePng,
  colourManagedPng,
  errorText,
  flattenedPng,
  grayscalePng,
  imageStripPng,
  ModalityDemoError,
  p3Jpeg,
  pixelDifference,
  pixelValuesToRgb,
  preprocessingVariants,
  transparentShapePng,
  wideShapeImage,
  zeroShotFromPixels,
} from '../../lib/pitfalls/modality';

jest.setTimeout(30_000);
let clip: Clip;
beforeAll(async () => {
  clip = await loadClip({ localDir: MINI_CLIP_DIR });
});
afterAll(async () => clip?.dispose());

describe('modality helpers', () => {
  it('errorText names the error class, and says when nothing was thrown', async () => {
    expect(await errorText(() => clip.embedImages(['not a file.png']))).toMatch(/^ImageInputError: Cannot use image/);
    expect(await errorText(() => 1)).toBe('no error');
  });

  it('the RGBA test image stores black under its transparent pixels; flattening makes them white', async () => {
    const rgba = await transparentShapePng('circle', 'red', 64);
    const meta = await sharp(rgba).metadata();
    expect(meta.channels).toBe(4);
    const asDecoded = await preprocessImage(rgba, clip.preprocessorConfig);
    const corner = pixelValuesToRgb(asDecoded, clip.preprocessorConfig).subarray(0, 3);
    expect(Array.from(corner)).toEqual([0, 0, 0]);
    const flat = pixelValuesToRgb(
      await preprocessImage(await flattenedPng(rgba), clip.preprocessorConfig),
      clip.preprocessorConfig,
    );
    expect(Array.from(flat.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it('ignoring a P3 profile changes the pixels more than colour-managing it; grayscale equalises channels', async () => {
    const png = await centredShapePng('circle', 'red');
    const ref = await preprocessImage(png, clip.preprocessorConfig);
    const jpeg = await p3Jpeg(png);
    expect((await sharp(jpeg).metadata()).icc).toBeDefined();
    const ignored = pixelDifference(await preprocessImage(jpeg, clip.preprocessorConfig), ref);
    const managed = pixelDifference(await preprocessImage(await colourManagedPng(jpeg), clip.preprocessorConfig), ref);
    expect(ignored.mean).toBeGreaterThan(2 * managed.mean);
    const gray = pixelValuesToRgb(
      await preprocessImage(await grayscalePng(png), clip.preprocessorConfig),
      clip.preprocessorConfig,
    );
    const mid = (24 * 48 + 24) * 3;
    expect(gray[mid]).toBe(gray[mid + 1]);
    expect(gray[mid + 1]).toBe(gray[mid + 2]);
  });

  it('preprocessing variants: the reference differs from itself by 0, squashing differs most on a wide image', async () => {
    const wide = await wideShapeImage('circle', 'red', 96);
    expect((await sharp(wide).metadata()).width).toBe(144);
    const v = await preprocessingVariants(wide, clip.preprocessorConfig);
    expect(v).toHaveLength(4);
    const d = v.map((x) => pixelDifference(x.pixels, v[0].pixels).mean);
    expect(d[0]).toBe(0);
    expect(d[3]).toBeGreaterThan(d[1]);
    expect(d[3]).toBeGreaterThan(d[2]);
    const probs = await zeroShotFromPixels(clip, v[0].pixels, ['a photo of a red circle', 'a photo of a blue star']);
    expect(probs[0] + probs[1]).toBeCloseTo(1, 5);
    const [viaClip] = await clip.zeroShot([wide], ['a photo of a red circle', 'a photo of a blue star']);
    expect(viaClip.find((x) => x.label === 'a photo of a red circle')!.score).toBeCloseTo(probs[0], 4);
  });

  it('imageStripPng lays images out in cells; bad inputs raise ModalityDemoError', async () => {
    const png = await centredShapePng('square', 'blue', 48);
    const strip = await imageStripPng([png, png, png], 40, 5);
    const meta = await sharp(strip).metadata();
    expect([meta.width, meta.height]).toEqual([130, 40]);
    await expect(imageStripPng([])).rejects.toThrow(ModalityDemoError);
    await expect(wideShapeImage('circle', 'red', 10)).rejects.toThrow(/height is 10/);
    expect(() =>
      pixelDifference({ data: new Float32Array(3), dims: [3, 1, 1] }, { data: new Float32Array(12), dims: [3, 2, 2] }),
    ).toThrow(ModalityDemoError);
  });
});
