/**
 * loadClip's and zeroShot's options are checked up front (ClipOptionsError / ClipLabelError naming the option, the
 * value, the range and the fix, before anything is read or downloaded), and a disposed Clip throws
 * ClipDisposedError instead of onnxruntime's "Session already disposed".
 */
import {
  CHAPTER_IMAGE,
  ClipDisposedError,
  ClipLabelError,
  ClipOptionsError,
  MINI_CLIP_DIR,
  loadClip,
  loadCourseClip,
} from '../../lib/clip/index';
import { closedPort } from '../support/clip-servers';

async function caught(p: Promise<unknown>): Promise<Error & { fix?: string }> {
  return p.then(
    () => {
      throw new Error('expected an error');
    },
    (e) => e,
  );
}

describe('loadClip options', () => {
  test.each([
    [{ imageBatchSize: 0 }, /imageBatchSize = 0 is not an integer from 1 to 1024/],
    [{ imageBatchSize: NaN }, /imageBatchSize = NaN is not an integer/],
    [{ textBatchSize: 2.5 }, /textBatchSize = 2\.5 is not an integer from 1 to 4096/],
    [{ hubTimeoutMs: Infinity }, /hubTimeoutMs = Infinity is not a finite number of milliseconds from 1 to 2147483647/],
    [{ hubTimeoutMs: -1 }, /hubTimeoutMs = -1 is not a finite number/],
    [{ downloadIdleTimeoutMs: 0 }, /downloadIdleTimeoutMs = 0 is not a finite number of milliseconds/],
    [{ dtype: 'int4' }, /dtype = "int4" \(a string\) is not one of 'fp32', 'fp16', 'q8'/],
    [{ device: 'gpu' }, /device "gpu" is not 'cpu' or 'cuda'/],
    [{ model: 42 }, /model = 42 is not a string/],
    [{ localDir: ['a'] }, /localDir = an array of 1 item is not a string/],
    [{ cacheTexts: 'no' }, /cacheTexts = "no" \(a string\) is not true or false/],
    [{ onWarning: 'log' }, /onWarning = "log" \(a string\) is not a function/],
    [{ onProgress: true }, /onProgress = true is not a function or false/],
    [{ signal: {} }, /signal = a plain object is not an AbortSignal/],
  ])('%p', async (options, message) => {
    const t0 = Date.now();
    const err = await caught(loadClip({ localDir: MINI_CLIP_DIR, ...(options as object) }));
    expect(err).toBeInstanceOf(ClipOptionsError);
    expect(err.message).toMatch(message);
    expect(err.fix).not.toBe('');
    expect(Date.now() - t0).toBeLessThan(500); // checked before any model is opened
  });

  test('loadClip(null) and loadCourseClip({ deadlineMs: NaN })', async () => {
    expect((await caught(loadClip(null as never))).message).toMatch(
      /loadClip's options = null is not an options object/,
    );
    const err = await caught(loadCourseClip({ deadlineMs: NaN, hubUrl: await closedPort(), log: () => undefined }));
    expect(err).toBeInstanceOf(ClipOptionsError);
    expect(err.message).toMatch(/deadlineMs = NaN is not a finite number of milliseconds/);
  });
});

describe('zeroShot options and dispose', () => {
  test('zeroShot: options must be an object whose one key is templates; then after dispose() every method throws ClipDisposedError', async () => {
    const clip = await loadClip({ localDir: MINI_CLIP_DIR });
    const labels = ['a photo of a red circle', 'a photo of a blue square'];
    expect((await caught(clip.zeroShot([CHAPTER_IMAGE], labels, 'a {}' as never))).message).toMatch(
      /zeroShot's options = "a \{\}" \(a string\) is not an options object/,
    );
    const unknown = await caught(clip.zeroShot([CHAPTER_IMAGE], labels, { imageBatchSize: 2 } as never));
    expect(unknown).toBeInstanceOf(ClipLabelError);
    expect(unknown.message).toMatch(/"imageBatchSize", which zeroShot does not take/);
    expect((await caught(clip.embedImages(CHAPTER_IMAGE as never))).message).toMatch(
      /images must be an array, got ".*chelsea\.png" \(a string\)/,
    );
    expect(clip.disposed).toBe(false);
    await clip.dispose();
    await clip.dispose(); // twice is harmless
    expect(clip.disposed).toBe(true);
    for (const call of [
      () => clip.zeroShot([CHAPTER_IMAGE], labels),
      () => clip.embedTexts(labels),
      () => clip.embedImages([CHAPTER_IMAGE]),
      () => clip.embedLabels(labels),
    ]) {
      const err = await caught(call());
      expect(err).toBeInstanceOf(ClipDisposedError);
      expect(err.message).toMatch(/was called on mini-clip after clip\.dispose\(\): its ONNX sessions are freed/);
      expect(err.fix).toMatch(/load the model again/);
    }
  });

  test('a dispose() while a zeroShot is running: that call fails with ClipDisposedError too', async () => {
    const clip = await loadClip({ localDir: MINI_CLIP_DIR, imageBatchSize: 1 });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined); // transformers.js logs a run on a freed session
    const running = clip.zeroShot(Array(8).fill(CHAPTER_IMAGE), [
      'a photo of a red circle',
      'a photo of a blue square',
    ]);
    await clip.dispose();
    const err = await caught(running);
    expect(err).toBeInstanceOf(ClipDisposedError);
    logged.mockRestore();
  });
});
