import sharp from 'sharp';
import { initBackend, tf } from '../../lib/course/backend';
import { loadMiniClip } from '../../lib/mini-clip/export';
import type { MiniClip } from '../../lib/mini-clip/model';
import type { MiniClipTokenizer } from '../../lib/mini-clip/tokenizer';
import {
  bilinearMatrix,
  framesStripPng,
  optimizeImageForPrompt,
  TextToImageError,
  zeroShotPixels,
} from '../../lib/generation/text-to-image';

jest.setTimeout(60_000);

let model: MiniClip;
let tokenizer: MiniClipTokenizer;

beforeAll(async () => {
  await initBackend();
  ({ model, tokenizer } = loadMiniClip());
});

afterAll(() => model?.dispose());

describe('bilinearMatrix', () => {
  it('interpolates with half-pixel centres and keeps rows summing to 1', () => {
    expect(bilinearMatrix(4, 2)).toEqual([
      [1, 0],
      [0.75, 0.25],
      [0.25, 0.75],
      [0, 1],
    ]);
    const m = bilinearMatrix(48, 12);
    expect(m).toHaveLength(48);
    for (const row of m) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(bilinearMatrix(5, 5)).toEqual([0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : 0))));
    expect(() => bilinearMatrix(0, 2)).toThrow(TextToImageError);
  });
});

describe('optimizeImageForPrompt', () => {
  it('raises the similarity to the prompt from noise, deterministically, and keeps frames', async () => {
    const options = { model, tokenizer, prompt: 'a photo of a red circle', steps: 25, seed: 4 };
    const run = await optimizeImageForPrompt(options);
    expect(run.similarities).toHaveLength(26);
    const first = run.similarities[0];
    const last = run.similarities[25];
    expect(last).toBeGreaterThan(first + 0.2);
    expect(run.frames.map((f) => f.step)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(run.frames[5].similarity).toBeCloseTo(last, 6);
    expect(run.pixels).toHaveLength(48 * 48 * 3);
    expect(run.pixels).toBe(run.frames[5].pixels);
    const again = await optimizeImageForPrompt(options);
    expect(again.similarities[10]).toBeCloseTo(run.similarities[10], 4);
    // The model reads the final image as the prompt more than the starting noise.
    const labels = ['a photo of a red circle', 'a photo of a blue star', 'a photo of a green square'];
    const [start, end] = zeroShotPixels(
      model,
      tokenizer,
      new Uint8Array([...run.frames[0].pixels, ...run.pixels]),
      labels,
    );
    expect(end[0]).toBeGreaterThan(start[0]);
    expect(end.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('the pixels generator also climbs, and no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const run = await optimizeImageForPrompt({
      model,
      tokenizer,
      prompt: 'a photo of a blue star',
      steps: 10,
      generator: 'pixels',
      seed: 2,
    });
    expect(run.similarities[10]).toBeGreaterThan(run.similarities[0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with TextToImageError', async () => {
    await expect(optimizeImageForPrompt({ model, tokenizer, prompt: '  ' })).rejects.toThrow(TextToImageError);
    await expect(optimizeImageForPrompt({ model, tokenizer, prompt: 'a star', latentSize: 100 })).rejects.toThrow(
      /latentSize is 100/,
    );
    await expect(
      optimizeImageForPrompt({ model, tokenizer, prompt: 'a star', generator: 'gan' as never }),
    ).rejects.toThrow(/generator 'gan'/);
    await expect(optimizeImageForPrompt({ model, tokenizer, prompt: 'a star', steps: 0 })).rejects.toThrow(
      /steps is 0/,
    );
    expect(() => zeroShotPixels(model, tokenizer, new Uint8Array(10), ['a', 'b'])).toThrow(/not a whole number/);
  });
});

describe('framesStripPng', () => {
  it('puts upscaled frames side by side with gaps', async () => {
    const red = new Uint8Array(4 * 4 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0));
    const blue = new Uint8Array(4 * 4 * 3).map((_, i) => (i % 3 === 2 ? 255 : 0));
    const png = await framesStripPng([{ pixels: red }, { pixels: blue }], 4, { cell: 8, gap: 2 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([18, 8]);
    const at = (x: number, y: number) => Array.from(data.subarray((y * 18 + x) * 3, (y * 18 + x) * 3 + 3));
    expect(at(0, 0)).toEqual([255, 0, 0]);
    expect(at(8, 3)).toEqual([255, 255, 255]);
    expect(at(17, 7)).toEqual([0, 0, 255]);
    await expect(framesStripPng([{ pixels: red }], 5)).rejects.toThrow(TextToImageError);
  });
});
