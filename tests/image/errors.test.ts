/**
 * Every bad input to lib/image gets an ImageInputError (or PreprocessorConfigError) that names the source, the
 * cause and the fix, and nothing hangs. URLs are tested against a local server on 127.0.0.1 only.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import {
  ImageInputError,
  PreprocessorConfigError,
  loadPreprocessorConfig,
  preprocessImage,
  preprocessImages,
  type ImageInputErrorReason,
} from '../../lib/image/preprocess';
import { expectSameValues } from '../support/same-values';

const ROOT = path.join(__dirname, '..', '..');
const CHELSEA = path.join(ROOT, 'assets', 'images', 'chelsea.png');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'image-errors-'));

async function expectImageError(
  promise: Promise<unknown>,
  reason: ImageInputErrorReason,
  ...fragments: (string | RegExp)[]
): Promise<ImageInputError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ImageInputError);
  const err = caught as ImageInputError;
  expect(err.name).toBe('ImageInputError');
  expect(err.reason).toBe(reason);
  for (const f of fragments) expect(err.message).toMatch(f);
  return err;
}

/** Bytes of a PNG whose header declares width × height but that holds no pixel data: a decompression-bomb header. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('local files and buffers', () => {
  it('missing file: names the path and where relative paths start', async () => {
    await expectImageError(
      preprocessImage(path.join(tmp, 'nope.png')),
      'missing-file',
      'nope.png',
      'no such file',
      'Check the path',
    );
  });
  it('a directory is not an image file', async () => {
    await expectImageError(preprocessImage(tmp), 'not-a-file', 'directory');
  });
  it('zero bytes, as a file and as a buffer', async () => {
    const empty = path.join(tmp, 'empty.png');
    fs.writeFileSync(empty, '');
    await expectImageError(preprocessImage(empty), 'empty', 'empty.png', 'zero bytes');
    await expectImageError(preprocessImage(Buffer.alloc(0)), 'empty', 'buffer of 0 bytes');
  });
  it('not an image', async () => {
    const txt = path.join(tmp, 'notes.png');
    fs.writeFileSync(txt, '<html>this is a web page, not a PNG</html>');
    await expectImageError(
      preprocessImage(txt),
      'not-an-image',
      'notes.png',
      'not a known image format',
      'really is an image',
    );
  });
  it('truncated PNG and JPEG', async () => {
    const png = fs.readFileSync(CHELSEA);
    await expectImageError(preprocessImage(png.subarray(0, png.length >> 1)), 'truncated', 'truncated', 'Re-download');
    await expectImageError(preprocessImage(png.subarray(0, 100)), 'truncated');
    const jpg = fs.readFileSync(path.join(ROOT, 'assets', 'images', 'rocket.jpg'));
    const cut = path.join(tmp, 'cut.jpg');
    fs.writeFileSync(cut, jpg.subarray(0, jpg.length >> 1));
    await expectImageError(preprocessImage(cut), 'truncated', 'cut.jpg');
  });
  it('unsupported formats: BMP, SVG', async () => {
    const bmp = Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(60)]);
    await expectImageError(preprocessImage(bmp), 'unsupported-format', 'BMP', 'Convert it to PNG or JPEG');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    await expectImageError(preprocessImage(svg), 'unsupported-format', 'SVG');
  });
  it('more pixels than the limit: rejected from the header, before decoding', async () => {
    const bomb = pngHeaderOnly(100_000, 100_000);
    expect(bomb.length).toBeLessThan(100);
    await expectImageError(
      preprocessImage(bomb),
      'too-many-pixels',
      '100000×100000',
      'limit of 100000000',
      'maxPixels',
    );
    await expectImageError(
      preprocessImage(CHELSEA, undefined, { maxPixels: 1000 }),
      'too-many-pixels',
      'chelsea.png',
      '451×300',
    );
    await expect(preprocessImage(CHELSEA, undefined, { maxPixels: 451 * 300 })).resolves.toHaveProperty(
      'dims',
      [3, 224, 224],
    );
  });
  it('a file over maxBytes', async () => {
    await expectImageError(
      preprocessImage(CHELSEA, undefined, { maxBytes: 1000 }),
      'too-large',
      'chelsea.png',
      'maxBytes',
    );
  });
  it('a value that is no source at all', async () => {
    await expectImageError(preprocessImage(42 as unknown as string), 'bad-source', 'file path');
    await expectImageError(preprocessImages([]), 'bad-source', 'empty');
  });
  it('a batch whose images come out in different sizes names the odd one', async () => {
    const err = await expectImageError(
      preprocessImages([CHELSEA, path.join(ROOT, 'assets', 'images', 'camera.png')], { do_center_crop: false }),
      'bad-source',
      'camera.png',
      'do_center_crop',
    );
    expect(err.source).toContain('camera.png');
  });
});

describe('URLs (local server on 127.0.0.1)', () => {
  let server: http.Server;
  let base = '';
  const png = fs.readFileSync(CHELSEA);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const route = req.url ?? '/';
      if (route === '/chelsea.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
        res.end(png);
      } else if (route === '/missing.png') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      } else if (route === '/broken') {
        res.writeHead(500);
        res.end();
      } else if (route === '/silent') {
        // Never answers: the client must give up on its own.
      } else if (route === '/stalls-mid-body') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
        res.write(png.subarray(0, 1000));
      } else if (route === '/huge-declared') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': 10 * 1024 * 1024 });
        res.write(png.subarray(0, 1000));
      } else if (route === '/huge-chunked') {
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 4 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent < 4 * 1024 * 1024)
            res.once('drain', () => {
              sent += chunk.length;
              pump();
            });
          else res.end();
        };
        res.on('error', () => undefined);
        pump();
      } else if (route === '/empty') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': 0 });
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('downloads and gives the same output as the file', async () => {
    const fromUrl = await preprocessImage(`${base}/chelsea.png`);
    const fromFile = await preprocessImage(CHELSEA);
    expect(fromUrl.dims).toEqual([3, 224, 224]);
    expectSameValues(fromUrl.data, fromFile.data);
    const viaUrlObject = await preprocessImage(new URL(`${base}/chelsea.png`));
    expect(viaUrlObject.data[12345]).toBe(fromFile.data[12345]);
  });
  it('schemes other than http(s) and file', async () => {
    await expectImageError(
      preprocessImage('ftp://127.0.0.1/chelsea.png'),
      'unsupported-scheme',
      '"ftp:"',
      'Download the image yourself',
    );
    await expectImageError(
      preprocessImage(new URL('data:image/png;base64,iVBORw0KGgo=')),
      'unsupported-scheme',
      'data:',
    );
  });
  it('HTTP error status', async () => {
    await expectImageError(
      preprocessImage(`${base}/missing.png`),
      'http-status',
      'HTTP 404',
      'missing.png',
      'no such file',
    );
    await expectImageError(preprocessImage(`${base}/broken`), 'http-status', 'HTTP 500');
  });
  it('timeout when the server never answers, and when the body stalls', async () => {
    const t0 = Date.now();
    await expectImageError(
      preprocessImage(`${base}/silent`, undefined, { timeoutMs: 300 }),
      'timeout',
      '300 ms',
      'timeoutMs',
    );
    await expectImageError(
      preprocessImage(`${base}/stalls-mid-body`, undefined, { timeoutMs: 300 }),
      'timeout',
      'stalls-mid-body',
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  it('a body over the size cap, announced or not', async () => {
    await expectImageError(
      preprocessImage(`${base}/huge-declared`, undefined, { maxBytes: 1024 * 1024 }),
      'too-large',
      'announces 10485760 bytes',
      'maxBytes',
    );
    await expectImageError(
      preprocessImage(`${base}/huge-chunked`, undefined, { maxBytes: 1024 * 1024, timeoutMs: 10_000 }),
      'too-large',
      'exceeded the limit of 1048576',
    );
  });
  it('an empty body and a refused connection', async () => {
    await expectImageError(preprocessImage(`${base}/empty`), 'empty', 'empty body');
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expectImageError(
      preprocessImage(`http://127.0.0.1:${port}/x.png`, undefined, { timeoutMs: 3000 }),
      'network',
      'ECONNREFUSED',
    );
  });
});

describe('preprocessor config errors', () => {
  async function expectConfigError(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
    let caught: unknown;
    try {
      await promise;
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PreprocessorConfigError);
    for (const f of fragments) expect((caught as Error).message).toContain(f);
  }
  it('missing config file, bad JSON, not an object', async () => {
    await expectConfigError(loadPreprocessorConfig(path.join(tmp, 'none.json')), 'none.json', 'ENOENT');
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{ "size": ');
    await expectConfigError(loadPreprocessorConfig(bad), 'bad.json', 'not valid JSON');
    const arr = path.join(tmp, 'arr.json');
    fs.writeFileSync(arr, '[1, 2]');
    await expectConfigError(loadPreprocessorConfig(arr), 'an array');
  });
  it('values that cannot work', async () => {
    await expectConfigError(
      preprocessImage(CHELSEA, { size: { shortest_edge: 0 } }),
      'size.shortest_edge',
      'an integer from 1 to 4096',
    );
    await expectConfigError(preprocessImage(CHELSEA, { crop_size: { height: 224, width: -1 } }), 'crop_size.width');
    await expectConfigError(preprocessImage(CHELSEA, { image_mean: [0.5, 0.5] }), 'image_mean', 'three');
    await expectConfigError(preprocessImage(CHELSEA, { image_std: [1, 0, 1] }), 'image_std', 'contains 0');
    await expectConfigError(preprocessImage(CHELSEA, { resample: 9 }), 'resample', '0..5');
    await expectConfigError(preprocessImage(CHELSEA, { size: { foo: 1 } as unknown as number }), 'size must be');
  });
});
