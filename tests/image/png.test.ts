/**
 * lib/image/png.ts, the JS fast path for plain 8-bit PNGs: on every PNG the course reads (the reference images,
 * every PNG fixture, shapes-world images) and on PNGs written with every colour type, filter strategy and
 * compression level, it gives exactly the bytes of the sharp path (decode.ts without the fast path) — or declines
 * (null) and leaves the file to sharp. Nothing here is timed (speed lives in bench/).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import sharp from 'sharp';
import { decodePlainPng } from '../../lib/image/png';
import { decodeToRgb8 } from '../../lib/image/decode';
import { generateShapes } from '../../lib/worlds/shapes';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'images');

/** The sharp path: decode.ts skips the fast path when autoOrient is set (a no-op for PNGs without orientation). */
async function viaSharp(bytes: Uint8Array): Promise<Uint8Array> {
  return (await decodeToRgb8(bytes, 'test', { autoOrient: true })).rgb;
}

async function expectSameAsSharp(bytes: Uint8Array, name: string, mustHandle = true): Promise<void> {
  const fast = decodePlainPng(bytes);
  if (mustHandle) expect({ name, handled: fast !== null }).toEqual({ name, handled: true });
  if (!fast) return;
  const ref = await viaSharp(bytes);
  expect(fast.rgb.length).toBe(ref.length);
  expect(Buffer.compare(Buffer.from(fast.rgb), Buffer.from(ref))).toBe(0);
  // decodeToRgb8 (the JS path for plain PNGs up to 2048×2048, sharp beyond) returns the same pixels.
  const viaDecode = await decodeToRgb8(bytes, name);
  expect(Buffer.compare(Buffer.from(viaDecode.rgb), Buffer.from(ref))).toBe(0);
}

describe('decodePlainPng', () => {
  it.each(['astronaut.png', 'camera.png', 'chelsea.png', 'coffee.png'])(
    'reference image %s: same bytes as sharp',
    async (file) => {
      await expectSameAsSharp(fs.readFileSync(path.join(ROOT, 'assets', 'images', file)), file);
    },
  );

  const pngFixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.png'));
  it.each(pngFixtures)('fixture %s: same bytes as sharp, or left to sharp', async (file) => {
    const bytes = fs.readFileSync(path.join(FIXTURES, file));
    const sixteenBit = bytes[24] === 16;
    await expectSameAsSharp(bytes, file, !sixteenBit);
    if (sixteenBit) expect(decodePlainPng(bytes)).toBeNull();
  });

  it('shapes-world images: same bytes as sharp', async () => {
    for (const s of await generateShapes({ seed: 5, count: 6 }))
      await expectSameAsSharp(s.png, `${s.colour} ${s.shape}`);
  });

  it('every colour type, filter choice and compression level written by sharp', async () => {
    const w = 37;
    const h = 23;
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      rgba[i * 4] = (i * 7) & 255;
      rgba[i * 4 + 1] = (i * 13 + (i % w) * 3) & 255;
      rgba[i * 4 + 2] = ((i >> 3) * 29) & 255;
      rgba[i * 4 + 3] = (i * 5) & 255;
    }
    const base = () => sharp(rgba, { raw: { width: w, height: h, channels: 4 } });
    const variants: [string, Promise<Buffer>][] = [
      ['rgba', base().png().toBuffer()],
      ['rgb', base().removeAlpha().png({ adaptiveFiltering: true }).toBuffer()],
      ['rgb, no filtering', base().removeAlpha().png({ adaptiveFiltering: false, compressionLevel: 0 }).toBuffer()],
      ['grey', base().removeAlpha().greyscale().png().toBuffer()],
      ['grey + alpha', base().greyscale().png({ adaptiveFiltering: true }).toBuffer()],
      ['palette', base().removeAlpha().png({ palette: true, colours: 200 }).toBuffer()],
      ['palette + alpha', base().png({ palette: true }).toBuffer()],
    ];
    for (const [name, p] of variants) await expectSameAsSharp(await p, name, true);
  });

  it('declines 16-bit, interlaced and damaged files (sharp then decides)', async () => {
    const png = fs.readFileSync(path.join(ROOT, 'assets', 'images', 'coffee.png'));
    const interlaced = await sharp(png).png({ progressive: true }).toBuffer();
    expect(decodePlainPng(interlaced)).toBeNull();
    const sixteen = await sharp(png).toColourspace('rgb16').png().toBuffer();
    expect(decodePlainPng(sixteen)).toBeNull();
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    expect(decodePlainPng(truncated)).toBeNull();
    await expect(decodeToRgb8(truncated, 'half.png')).rejects.toThrow(/truncated|damaged|decode/);
    const flipped = Buffer.from(png);
    flipped[200] ^= 0xff; // inside the first IDAT: its CRC no longer matches
    if ((zlib as unknown as { crc32?: unknown }).crc32) expect(decodePlainPng(flipped)).toBeNull();
  });

  it('checks maxPixels from the header before inflating anything', () => {
    const png = fs.readFileSync(path.join(ROOT, 'assets', 'images', 'coffee.png'));
    expect(decodePlainPng(png, 1000)).toBeNull();
  });
});
