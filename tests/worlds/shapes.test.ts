import sharp from 'sharp';
import {
  generateShapes,
  generateShapePixels,
  sampleShapes,
  renderScenes,
  renderScenePng,
  captionScene,
  makeObject,
  neutralBackground,
  seededRandom,
  isHeldOut,
  shapesMontage,
  allPairs,
  HELD_OUT_PAIRS,
  COLOURS,
  SHAPES,
  SIZES,
  COLOUR_RGB,
  SHAPES_IMAGE_SIZE,
  ShapesOptionError,
  Scene,
} from '../../lib/worlds/shapes';

const S = SHAPES_IMAGE_SIZE;

describe('lib/shapes', () => {
  test('the vocabulary and the held-out list', () => {
    expect(SHAPES).toEqual(expect.arrayContaining(['circle', 'square', 'triangle', 'star']));
    expect(COLOURS).toEqual(expect.arrayContaining(['red', 'green', 'blue', 'yellow', 'purple', 'orange']));
    expect(SIZES).toEqual(['small', 'large']);
    expect(allPairs()).toHaveLength(24);
    expect(HELD_OUT_PAIRS.length).toBeGreaterThanOrEqual(4);
    // each held-out pair's colour and shape are still seen in training, with other partners
    for (const p of HELD_OUT_PAIRS) {
      expect(
        allPairs().some((q) => q.colour === p.colour && q.shape !== p.shape && !isHeldOut(q.colour, q.shape)),
      ).toBe(true);
      expect(
        allPairs().some((q) => q.shape === p.shape && q.colour !== p.colour && !isHeldOut(q.colour, q.shape)),
      ).toBe(true);
    }
  });

  test('seeded: the same seed gives the same captions and pixels, another seed different ones', async () => {
    const a = await generateShapePixels({ seed: 11, count: 20 });
    const b = await generateShapePixels({ seed: 11, count: 20 });
    const c = await generateShapePixels({ seed: 12, count: 20 });
    expect(a.examples.map((e) => e.caption)).toEqual(b.examples.map((e) => e.caption));
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
    expect(Buffer.from(a.pixels).equals(Buffer.from(c.pixels))).toBe(false);
    expect(a.pixels.length).toBe(20 * S * S * 3);
    expect(seededRandom(5)()).toBe(seededRandom(5)());
  });

  test("heldOut: 'exclude' never shows a held-out pair, 'only' shows nothing else", () => {
    const train = sampleShapes({ seed: 1, count: 2000, heldOut: 'exclude' });
    expect(train.some((e) => isHeldOut(e.colour, e.shape))).toBe(false);
    expect(new Set(train.map((e) => `${e.colour} ${e.shape}`)).size).toBe(24 - HELD_OUT_PAIRS.length);
    const test = sampleShapes({ seed: 2, count: 300, heldOut: 'only' });
    expect(test.every((e) => e.heldOut && isHeldOut(e.colour, e.shape))).toBe(true);
    expect(new Set(test.map((e) => `${e.colour} ${e.shape}`)).size).toBe(HELD_OUT_PAIRS.length);
  });

  test('captions name the colour and the shape (and the size when the template has it)', () => {
    for (const e of sampleShapes({ seed: 3, count: 300 })) {
      const words = e.caption.split(' ');
      expect(words).toContain(e.colour);
      expect(words).toContain(e.shape);
      if (words.includes('small') || words.includes('large')) expect(words).toContain(e.size);
      expect(e.caption).not.toMatch(/\ba [aeiou]/); // "an orange", not "a orange"
    }
  });

  test('weighted pairs give a skewed set (most stars yellow)', () => {
    const pairs = COLOURS.map((colour) => ({ colour, shape: 'star' as const, weight: colour === 'yellow' ? 20 : 1 }));
    const set = sampleShapes({ seed: 4, count: 1000, pairs });
    const yellow = set.filter((e) => e.colour === 'yellow').length;
    expect(yellow / 1000).toBeGreaterThan(0.7);
    expect(yellow / 1000).toBeLessThan(0.9);
    expect(set.every((e) => e.shape === 'star')).toBe(true);
  });

  test('pixels: the background is neutral grey, the shape carries its colour', async () => {
    const scene: Scene = {
      size: S,
      background: neutralBackground(0.5),
      objects: [makeObject('circle', 'blue', 'large', 24, 24)],
    };
    const px = await renderScenes([scene]);
    const at = (x: number, y: number) => Array.from(px.subarray((y * S + x) * 3, (y * S + x) * 3 + 3));
    expect(at(1, 1)).toEqual([128, 128, 128]);
    expect(at(24, 24)).toEqual([...COLOUR_RGB.blue]);
    // sampled backgrounds stay neutral (R = G = B) in the corners, shapes stay saturated at their centre
    const { pixels, examples } = await generateShapePixels({ seed: 9, count: 50 });
    for (let i = 0; i < 50; i++) {
      const o = examples[i].scene.objects[0];
      const base = i * S * S * 3;
      const corner = [0, 1, 2].map((c) => pixels[base + c]);
      const far = o.cx < S / 2 ? S - 1 : 0;
      const cornerFar = [0, 1, 2].map((c) => pixels[base + ((o.cy < S / 2 ? S - 1 : 0) * S + far) * 3 + c]);
      expect(corner[0] === corner[1] && corner[1] === corner[2]).toBe(true);
      expect(cornerFar[0] === cornerFar[1] && cornerFar[1] === cornerFar[2]).toBe(true);
      const centre = [0, 1, 2].map((c) => pixels[base + (Math.round(o.cy) * S + Math.round(o.cx)) * 3 + c]);
      expect(Math.max(...centre) - Math.min(...centre)).toBeGreaterThan(90);
    }
  });

  test('a scene rendered alone equals the same scene rendered in a tiled batch; the PNG decodes to those pixels', async () => {
    const examples = sampleShapes({ seed: 21, count: 40 });
    const batch = await renderScenes(examples.map((e) => e.scene));
    for (const k of [0, 17, 39]) {
      const alone = await renderScenes([examples[k].scene]);
      expect(Buffer.from(alone).equals(Buffer.from(batch.subarray(k * S * S * 3, (k + 1) * S * S * 3)))).toBe(true);
    }
    const [sample] = await generateShapes({ seed: 21, count: 1 });
    const { data, info } = await sharp(sample.png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([S, S, 3]);
    expect(Buffer.from(data).equals(Buffer.from(batch.subarray(0, S * S * 3)))).toBe(true);
    expect((await renderScenePng(examples[0].scene)).equals(sample.png)).toBe(true);
  });

  test('scenes with several objects: captions with "and" and counts', () => {
    const two: Scene = {
      size: S,
      background: neutralBackground(0.9),
      objects: [makeObject('circle', 'red', 'small', 12, 12), makeObject('square', 'blue', 'small', 36, 36)],
    };
    expect(captionScene(two)).toBe('a red circle and a blue square');
    const count: Scene = {
      ...two,
      objects: [makeObject('square', 'orange', 'small', 12, 12), makeObject('square', 'orange', 'small', 36, 36)],
    };
    expect(captionScene(count)).toBe('two orange squares');
  });

  test('shapesMontage lays images out in a grid, enlarged', async () => {
    const { pixels } = await generateShapePixels({ seed: 8, count: 5 });
    const png = await shapesMontage(pixels, S, { columns: 3, scale: 2, gap: 2 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([3 * 2 * S + 2 * 2, 2 * 2 * S + 2]);
    // image 4 sits in row 1, column 1; its pixel (10, 20) is montage pixel (cell + 2·10, cell + 2·20)
    const cell = 2 * S + 2;
    const at = (x: number, y: number) =>
      Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    expect(at(cell + 21, cell + 41)).toEqual(
      Array.from(pixels.subarray(4 * S * S * 3 + (20 * S + 10) * 3, 4 * S * S * 3 + (20 * S + 10) * 3 + 3)),
    );
    expect(at(2 * S, 0)).toEqual([255, 255, 255]); // the gap
    await expect(shapesMontage(new Uint8Array(7), S)).rejects.toThrow(ShapesOptionError);
  });

  test('bad options get a ShapesOptionError that names the option', () => {
    expect(() => sampleShapes({ seed: 1, count: -1 })).toThrow(ShapesOptionError);
    expect(() => sampleShapes({ seed: 1, count: 1.5 })).toThrow(/count is 1.5/);
    expect(() =>
      sampleShapes({ seed: 1, count: 1, heldOut: 'only', pairs: [{ colour: 'red', shape: 'circle' }] }),
    ).toThrow(/no \(colour, shape\) pair is left/);
    expect(() => sampleShapes({ seed: 1, count: 1, pairs: [{ colour: 'pink' as never, shape: 'circle' }] })).toThrow(
      /pairs contains \(pink, circle\)/,
    );
    expect(() => sampleShapes({ seed: 1, count: 1, imageSize: 5 })).toThrow(/imageSize is 5/);
    expect(() => sampleShapes({ seed: NaN, count: 1 })).toThrow(/seed is NaN/);
  });
});
