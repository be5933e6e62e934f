/**
 * lib/image/wasm/resample-kernels.ts: the resampler on the WebAssembly kernels (resampleRgb8) gives exactly the bytes
 * of the plain JS loops (resampleRgb8Scalar) for every filter, up- and downscaling, windows, and pixels that clip.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeToRgb8 } from '../../../lib/image/decode';
import { PIL_RESAMPLE, resampleRgb8, resampleRgb8Scalar, type PixelWindow } from '../../../lib/image/resample';
import { firstDifference, lcg } from './same-bytes';

const IMAGES = path.join(__dirname, '..', '..', '..', 'assets', 'images');

describe('WebAssembly resampler kernels', () => {
  it('give the same bytes as the JS loops on random images, sizes, windows and filters', () => {
    const rnd = lcg(7);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const filters = Object.values(PIL_RESAMPLE);
    for (let t = 0; t < 400; t++) {
      const w = int(1, t % 4 === 0 ? 300 : 60);
      const h = int(1, t % 4 === 1 ? 300 : 60);
      const ow = int(1, 90);
      const oh = int(1, 90);
      const src = new Uint8Array(w * h * 3);
      // Mostly noise, a third of it black or white, so both clipping ends are reached.
      for (let i = 0; i < src.length; i++) src[i] = rnd() < 0.33 ? (rnd() < 0.5 ? 0 : 255) : int(0, 255);
      const filter = filters[t % filters.length];
      const winW = int(1, ow);
      const winH = int(1, oh);
      const win: PixelWindow = { left: int(0, ow - winW), top: int(0, oh - winH), width: winW, height: winH };
      const got = resampleRgb8(src, w, h, ow, oh, filter, win);
      const want = resampleRgb8Scalar(src, w, h, ow, oh, filter, win);
      if (firstDifference(got, want) !== -1)
        throw new Error(`differs: ${w}×${h} → ${ow}×${oh}, filter ${filter}, window ${JSON.stringify(win)}`);
    }
  });

  it('give the same bytes as the JS loops on the reference images (resize to 224, centre crop)', async () => {
    for (const file of ['astronaut.png', 'chelsea.png', 'rocket.jpg']) {
      const { rgb, width, height } = await decodeToRgb8(fs.readFileSync(path.join(IMAGES, file)), file);
      const [rw, rh] =
        width <= height ? [224, Math.trunc((224 * height) / width)] : [Math.trunc((224 * width) / height), 224];
      const win = { left: (rw - 224) >> 1, top: (rh - 224) >> 1, width: 224, height: 224 };
      const got = resampleRgb8(rgb, width, height, rw, rh, PIL_RESAMPLE.BICUBIC, win);
      expect(firstDifference(got, resampleRgb8Scalar(rgb, width, height, rw, rh, PIL_RESAMPLE.BICUBIC, win))).toBe(-1);
    }
  });
});
