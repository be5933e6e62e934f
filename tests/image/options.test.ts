/**
 * preprocessImage(s)'s options are checked up front: each bad value is an ImageOptionError (or, for config sizes,
 * PreprocessorConfigError) naming the option, the value as written (NaN, not "null"), the allowed range and the fix;
 * every source type the library does not read is named. Nothing is decoded before the check.
 */
import * as path from 'path';
import {
  ImageInputError,
  ImageOptionError,
  MAX_PREPROCESS_SIZE,
  PreprocessorConfigError,
  describeValue,
  preprocessImage,
  preprocessImages,
} from '../../lib/image/index';
import { PATHS } from '../../lib/course/paths';

const CHELSEA = path.join(PATHS.images, 'chelsea.png');

async function caught(p: Promise<unknown>): Promise<Error & { fix?: string; reason?: string }> {
  return p.then(
    () => {
      throw new Error('expected an error');
    },
    (e) => e,
  );
}

describe('limits and timeouts: finite and positive', () => {
  test.each([
    ['timeoutMs', Infinity, /timeoutMs = Infinity is not a finite number of milliseconds from 1 to 2147483647/],
    ['timeoutMs', 0, /timeoutMs = 0 is not a finite number of milliseconds from 1/],
    ['timeoutMs', -5, /timeoutMs = -5 is not/],
    ['maxPixels', NaN, /maxPixels = NaN is not a finite number of pixels from 1/],
    ['maxBytes', '1000', /maxBytes = "1000" \(a string\) is not a finite number of bytes/],
  ])('%s = %p', async (name, value, message) => {
    const err = await caught(preprocessImage(CHELSEA, undefined, { [name]: value }));
    expect(err).toBeInstanceOf(ImageOptionError);
    expect(err.message).toMatch(message);
    expect(err.fix).toMatch(new RegExp(`pass e\\.g\\. ${name}: \\d+ \\(the default\\), or leave it out`));
  });

  test('autoOrient must be a boolean; options must be an object', async () => {
    expect(
      (await caught(preprocessImage(CHELSEA, undefined, { autoOrient: 'yes' as unknown as boolean }))).message,
    ).toMatch(/autoOrient = "yes" \(a string\) is not true or false/);
    expect((await caught(preprocessImage(CHELSEA, undefined, 42 as never))).message).toMatch(
      /options = 42 is not an options object/,
    );
  });

  test('concurrency is a positive integer (NaN, 0, 1.5, 1000 refused; the error comes before any image is read)', async () => {
    for (const [value, shown] of [
      [NaN, 'NaN'],
      [0, '0'],
      [1.5, '1.5'],
      [1000, '1000'],
    ] as const) {
      const err = await caught(preprocessImages([CHELSEA, 'does-not-exist.png'], undefined, { concurrency: value }));
      expect(err).toBeInstanceOf(ImageOptionError);
      expect(err.message).toContain(`concurrency = ${shown} is not an integer from 1 to 256`);
    }
    expect((await preprocessImages([CHELSEA], undefined, { concurrency: 2 })).dims).toEqual([1, 3, 224, 224]);
  });
});

describe('crop and resize sizes: integers up to MAX_PREPROCESS_SIZE', () => {
  test('the documented maximum is 4096, and sizes over it are refused at once (no 35 s, 4.7 GB run)', async () => {
    expect(MAX_PREPROCESS_SIZE).toBe(4096);
    const t0 = Date.now();
    for (const config of [
      { crop_size: 60000 },
      { crop_size: 20000 },
      { size: { shortest_edge: 4097 } },
      { crop_size: { height: 224, width: 5000 } },
    ]) {
      const err = await caught(preprocessImage(CHELSEA, config));
      expect(err).toBeInstanceOf(PreprocessorConfigError);
      expect(err.message).toMatch(/must be an integer from 1 to 4096 \(pixels\)/);
    }
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test('NaN in a config is reported as NaN, not "null"', async () => {
    expect((await caught(preprocessImage(CHELSEA, { crop_size: NaN }))).message).toContain('got NaN');
    expect((await caught(preprocessImage(CHELSEA, { image_mean: [0.5, NaN, 0.5] }))).message).toContain(
      'got [0.5, NaN, 0.5]',
    );
    expect((await caught(preprocessImage(CHELSEA, { rescale_factor: Infinity }))).message).toContain('got Infinity');
  });
});

describe('sources: every type the library does not read is named', () => {
  test.each([
    [new Uint16Array(4), /a Uint16Array is not an image source/, /Buffer/],
    [new ArrayBuffer(8), /an ArrayBuffer is not an image source/, /Buffer\.from\(arrayBuffer\)/],
    [new DataView(new ArrayBuffer(8)), /a DataView is not an image source/, /Buffer/],
    [42, /42 is not an image source/, /file path/],
    [null, /null is not an image source/, /file path/],
    [undefined, /undefined is not an image source/, /file path/],
    [{ path: 'x.png' }, /a plain object is not an image source/, /file path/],
    [[CHELSEA], /an array of 1 item is not an image source/, /preprocessImages takes a list/],
  ])('%p', async (source, message, fix) => {
    const err = await caught(preprocessImage(source as never));
    expect(err).toBeInstanceOf(ImageInputError);
    expect(err.reason).toBe('bad-source');
    expect(err.message).toMatch(message);
    expect(err.fix).toMatch(fix);
  });

  test('a file: URL with a host is a bad-source ImageInputError, not a plain TypeError', async () => {
    const err = await caught(preprocessImage('file://host/x.png'));
    expect(err).toBeInstanceOf(ImageInputError);
    expect(err.message).toMatch(/this file: URL does not name a local file/);
    expect(err.fix).toMatch(/file:\/\/\/absolute\/path/);
  });

  test('a string instead of a list for preprocessImages says so (not "the list is empty")', async () => {
    const err = await caught(preprocessImages(CHELSEA as never));
    expect(err).toBeInstanceOf(ImageInputError);
    expect(err.message).toMatch(/sources must be an array of images, got ".*chelsea\.png" \(a string\)/);
    expect(err.fix).toMatch(/preprocessImages\(\[path\]\)/);
  });

  test('describeValue names values as a reader would', () => {
    expect([NaN, -0, Infinity, 'x', null, [1], new Float32Array(1), () => 1].map(describeValue)).toEqual([
      'NaN',
      '-0',
      'Infinity',
      '"x" (a string)',
      'null',
      'an array of 1 item',
      'a Float32Array',
      'a function',
    ]);
  });
});
