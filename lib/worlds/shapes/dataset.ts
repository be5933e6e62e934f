/** Datasets of the shapes world: seeded samples of (colour, shape, size) with their captions and pixels, and a montage. */
import sharp from 'sharp';
import { pick, seededRandom } from '../../course/random';
import {
  CAPTION_TEMPLATES,
  COLOURS,
  SHAPES,
  SHAPES_IMAGE_SIZE,
  SIZES,
  ShapesOptionError,
  isHeldOut,
  type Colour,
  type Shape,
  type Size,
} from './vocab';
import { pixelsToPng, renderScenes, sampleBackground, sampleObject, type Scene } from './draw';
import { fillTemplate } from './captions';

/** A (colour, shape) pair with a sampling weight (default 1). */
export interface WeightedPair {
  colour: Colour;
  shape: Shape;
  weight?: number;
}

export interface GenerateShapesOptions {
  /** Seed: the same options give the same images and captions. */
  seed: number;
  /** How many images. */
  count: number;
  /** Which (colour, shape) pairs to draw from, with optional weights (a skewed set: most stars yellow). Default: all 24. */
  pairs?: readonly WeightedPair[];
  /** 'exclude' (training: never the held-out pairs), 'only' (testing composition), or 'include' (default). */
  heldOut?: 'exclude' | 'only' | 'include';
  /** Size words to draw from (default both). */
  sizes?: readonly Size[];
  /** Caption templates (default `CAPTION_TEMPLATES`); one is picked at random per image. */
  templates?: readonly string[];
  /** Image side in pixels (default 48). */
  imageSize?: number;
}

/** One generated example (without pixels). */
export interface ShapeExample {
  caption: string;
  colour: Colour;
  shape: Shape;
  size: Size;
  heldOut: boolean;
  scene: Scene;
}

/** One generated example with its PNG. */
export interface ShapeSample extends ShapeExample {
  png: Buffer;
}

/** Every (colour, shape) pair, 24 of them, in COLOURS × SHAPES order. */
export function allPairs(): Array<{ colour: Colour; shape: Shape }> {
  return COLOURS.flatMap((colour) => SHAPES.map((shape) => ({ colour, shape })));
}

function checkOptions(
  o: GenerateShapesOptions,
): Required<Omit<GenerateShapesOptions, 'pairs'>> & { pairs: WeightedPair[] } {
  if (!Number.isFinite(o.seed)) throw new ShapesOptionError(`seed is ${o.seed}; pass a finite number (e.g. 1).`);
  if (!Number.isInteger(o.count) || o.count < 0)
    throw new ShapesOptionError(`count is ${o.count}; pass a whole number ≥ 0.`);
  const heldOut = o.heldOut ?? 'include';
  if (!['exclude', 'only', 'include'].includes(heldOut))
    throw new ShapesOptionError(`heldOut is '${heldOut}'; use 'exclude', 'only' or 'include'.`);
  const imageSize = o.imageSize ?? SHAPES_IMAGE_SIZE;
  if (!Number.isInteger(imageSize) || imageSize < 16 || imageSize > 512)
    throw new ShapesOptionError(
      `imageSize is ${imageSize}; use a whole number of pixels in 16..512 (the mini-CLIP uses ${SHAPES_IMAGE_SIZE}).`,
    );
  const sizes = o.sizes ?? SIZES;
  for (const s of sizes)
    if (!SIZES.includes(s))
      throw new ShapesOptionError(`sizes contains '${s}'; the size words are ${SIZES.join(', ')}.`);
  if (sizes.length === 0) throw new ShapesOptionError('sizes is empty; pass at least one of small, large.');
  const templates = o.templates ?? CAPTION_TEMPLATES;
  if (templates.length === 0)
    throw new ShapesOptionError('templates is empty; pass at least one template such as "a {colour} {shape}".');
  let pairs: WeightedPair[] = (o.pairs ?? allPairs()).map((p) => ({ ...p }));
  for (const p of pairs) {
    if (!COLOURS.includes(p.colour) || !SHAPES.includes(p.shape))
      throw new ShapesOptionError(
        `pairs contains (${p.colour}, ${p.shape}); colours are ${COLOURS.join(', ')} and shapes ${SHAPES.join(', ')}.`,
      );
    if (p.weight !== undefined && !(p.weight >= 0))
      throw new ShapesOptionError(
        `pairs: the weight of (${p.colour}, ${p.shape}) is ${p.weight}; weights must be ≥ 0.`,
      );
  }
  if (heldOut === 'exclude') pairs = pairs.filter((p) => !isHeldOut(p.colour, p.shape));
  if (heldOut === 'only') pairs = pairs.filter((p) => isHeldOut(p.colour, p.shape));
  const total = pairs.reduce((s, p) => s + (p.weight ?? 1), 0);
  if (pairs.length === 0 || !(total > 0))
    throw new ShapesOptionError(
      `no (colour, shape) pair is left to draw from (heldOut: '${heldOut}' removed them all, or all weights are 0); widen pairs or change heldOut.`,
    );
  return { seed: o.seed, count: o.count, heldOut, imageSize, sizes, templates, pairs };
}

/**
 * Draws `count` examples (scenes and captions, no pixels yet). Deterministic in `seed`.
 *
 * @example
 *   sampleShapes({ seed: 3, count: 1 })[0].caption;   // e.g. 'a photo of a small purple star'
 */
export function sampleShapes(options: GenerateShapesOptions): ShapeExample[] {
  const o = checkOptions(options);
  const r = seededRandom(o.seed);
  const weights = o.pairs.map((p) => p.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const out: ShapeExample[] = [];
  for (let i = 0; i < o.count; i++) {
    let u = r() * total;
    let k = 0;
    while (k < o.pairs.length - 1 && u >= weights[k]) u -= weights[k++];
    const { colour, shape } = o.pairs[k];
    const size = pick(r, o.sizes);
    const template = pick(r, o.templates);
    const scene: Scene = {
      size: o.imageSize,
      background: sampleBackground(r),
      objects: [sampleObject(r, shape, colour, size, o.imageSize)],
    };
    out.push({
      caption: fillTemplate(template, { colour, shape, size }),
      colour,
      shape,
      size,
      heldOut: isHeldOut(colour, shape),
      scene,
    });
  }
  return out;
}

/**
 * Generates `count` examples with their PNG bytes.
 *
 * @example
 *   const [s] = await generateShapes({ seed: 7, count: 1, heldOut: 'only' });
 *   [s.colour, s.shape, s.heldOut];   // e.g. ['blue', 'circle', true]
 */
export async function generateShapes(options: GenerateShapesOptions): Promise<ShapeSample[]> {
  const examples = sampleShapes(options);
  const pixels = await renderScenes(examples.map((e) => e.scene));
  const size = examples.length > 0 ? examples[0].scene.size : 0;
  const per = size * size * 3;
  return Promise.all(
    examples.map(async (e, i) => ({ ...e, png: await pixelsToPng(pixels.subarray(i * per, (i + 1) * per), size) })),
  );
}

/**
 * Generates `count` examples as one block of raw RGB bytes (N × size × size × 3), for training: no PNG encoding.
 *
 * @example
 *   const { pixels, examples, size } = await generateShapePixels({ seed: 1, count: 256, heldOut: 'exclude' });
 *   // pixels: Uint8Array(1769472), examples[i].caption, size 48
 */
export async function generateShapePixels(
  options: GenerateShapesOptions,
): Promise<{ pixels: Uint8Array; examples: ShapeExample[]; size: number }> {
  const examples = sampleShapes(options);
  return {
    pixels: await renderScenes(examples.map((e) => e.scene)),
    examples,
    size: options.imageSize ?? SHAPES_IMAGE_SIZE,
  };
}

/**
 * A grid of images (raw RGB, as `renderScenes` or `generateShapePixels` give them) as one PNG, enlarged with
 * nearest-neighbour so 48-pixel images are visible in a notebook.
 *
 * @example
 *   const { pixels } = await generateShapePixels({ seed: 1, count: 16 });
 *   const png = await shapesMontage(pixels, 48, { columns: 8, scale: 2 });   // 768×192 PNG
 */
export async function shapesMontage(
  pixels: Uint8Array,
  size: number,
  options: { columns?: number; scale?: number; gap?: number } = {},
): Promise<Buffer> {
  const per = size * size * 3;
  const count = pixels.length / per;
  if (!Number.isInteger(count) || count === 0)
    throw new ShapesOptionError(
      `shapesMontage: pixels has ${pixels.length} bytes, not a whole (non-zero) number of ${size}×${size}×3 images.`,
    );
  const columns = Math.max(1, Math.min(options.columns ?? 8, count));
  const scale = options.scale ?? 2;
  const gap = options.gap ?? 2;
  if (!Number.isInteger(scale) || scale < 1 || scale > 16)
    throw new ShapesOptionError(`shapesMontage: scale is ${scale}; use a whole number in 1..16.`);
  const rows = Math.ceil(count / columns);
  const cell = size * scale + gap;
  const width = columns * cell - gap;
  const height = rows * cell - gap;
  const out = new Uint8Array(width * height * 3).fill(255);
  for (let k = 0; k < count; k++) {
    const x0 = (k % columns) * cell;
    const y0 = Math.floor(k / columns) * cell;
    for (let y = 0; y < size * scale; y++) {
      for (let x = 0; x < size * scale; x++) {
        const src = k * per + (Math.floor(y / scale) * size + Math.floor(x / scale)) * 3;
        const dst = ((y0 + y) * width + x0 + x) * 3;
        out[dst] = pixels[src];
        out[dst + 1] = pixels[src + 1];
        out[dst + 2] = pixels[src + 2];
      }
    }
  }
  return sharp(Buffer.from(out.buffer), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}
