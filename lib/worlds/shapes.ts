/**
 * The "shapes world": a seeded, deterministic generator of small synthetic images (drawn with sharp from SVG)
 * and their captions, on which the course trains its mini-CLIP.
 *
 * Vocabulary: 4 shapes × 6 colours × 2 sizes. Backgrounds are NEUTRAL (grey levels, grey gradients, luminance
 * grain) so that a colour word always refers to the shape. A few (colour, shape) pairs, `HELD_OUT_PAIRS`, are never
 * shown together in training (`heldOut: 'exclude'`): zero-shot on them tests composition, not memory.
 *
 * @example
 *   const samples = await generateShapes({ seed: 1, count: 2 });
 *   samples[0].caption;                 // 'a photo of a large green square' (depends on the seed)
 *   samples[0].png;                     // <Buffer 89 50 4e 47 …>, 48×48 RGB
 *   const batch = await generateShapePixels({ seed: 1, count: 512, heldOut: 'exclude' });
 *   batch.pixels.length;                // 512 * 48 * 48 * 3 (RGB bytes, image after image, row-major)
 *
 * Scenes are plain data (`Scene`: a background and a list of objects), so other notebooks can draw their own:
 * two objects in one image, counts, a skewed colour distribution (`pairs` with weights):
 *
 *   const scene: Scene = { size: 48, background: neutralBackground(0.8),
 *     objects: [makeObject('circle', 'red', 'small', 14, 14), makeObject('square', 'blue', 'small', 34, 32)] };
 *   captionScene(scene);                // 'a red circle and a blue square'
 *   await renderScenePng(scene);        // PNG bytes
 */
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { CourseError } from '../course/errors';

export const SHAPES = ['circle', 'square', 'triangle', 'star'] as const;
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export const SIZES = ['small', 'large'] as const;
export type Shape = (typeof SHAPES)[number];
export type Colour = (typeof COLOURS)[number];
export type Size = (typeof SIZES)[number];
export type RGB = readonly [number, number, number];

/** Every word the generator writes in a caption, for tokenizers to include. */
export const SHAPES_WORLD_WORDS: readonly string[] = [
  ...SHAPES, ...COLOURS, ...SIZES,
  'a', 'an', 'the', 'photo', 'picture', 'image', 'of', 'this', 'is', 'there', 'that', 'in', 'and', 'with',
  'one', 'two', 'three', 'four', 'circles', 'squares', 'triangles', 'stars',
];

/** The base colour of each colour word (each sample jitters it a little). All are saturated: max − min ≥ 140. */
export const COLOUR_RGB: Readonly<Record<Colour, RGB>> = {
  red: [220, 35, 35],
  green: [35, 170, 55],
  blue: [35, 75, 225],
  yellow: [235, 205, 25],
  purple: [145, 45, 190],
  orange: [245, 135, 20],
};

/** (colour, shape) pairs never shown together in training; one per colour, each shape held out at least once. */
export const HELD_OUT_PAIRS: ReadonlyArray<{ readonly colour: Colour; readonly shape: Shape }> = [
  { colour: 'red', shape: 'triangle' },
  { colour: 'green', shape: 'star' },
  { colour: 'blue', shape: 'circle' },
  { colour: 'yellow', shape: 'square' },
  { colour: 'purple', shape: 'circle' },
  { colour: 'orange', shape: 'star' },
];

/** The default image side, in pixels: the mini-CLIP's input size, so no resize happens at inference. */
export const SHAPES_IMAGE_SIZE = 48;

/** Caption templates for one object: {a} is "a"/"an" for the word after it. */
export const CAPTION_TEMPLATES: readonly string[] = [
  '{a} {colour} {shape}',
  'a photo of {a} {colour} {shape}',
  '{a} {size} {colour} {shape}',
  'a photo of {a} {size} {colour} {shape}',
  'this is a photo of {a} {colour} {shape}',
  'an image of {a} {colour} {shape}',
  '{a} {shape} that is {colour}',
  'a picture of {a} {size} {shape} in {colour}',
  '{colour} {shape}',
  'there is {a} {size} {colour} {shape}',
];

/** Raised for options the generator cannot honour; the message names the option, the cause and the fix. */
export class ShapesOptionError extends CourseError {}

export function isHeldOut(colour: Colour, shape: Shape): boolean {
  return HELD_OUT_PAIRS.some((p) => p.colour === colour && p.shape === shape);
}

// ---------------------------------------------------------------------------------------------------------------
// Random numbers

/**
 * A seeded PRNG (mulberry32): the same seed gives the same sequence of numbers in [0, 1).
 *
 * @example
 *   const r = seededRandom(42); r(); // 0.4813160905614495
 */
export function seededRandom(seed: number): () => number {
  let a = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uniform = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length) % xs.length];

// ---------------------------------------------------------------------------------------------------------------
// Scenes

/** A neutral (grey) background: flat or a linear gradient, with optional luminance grain. Levels are 0..1. */
export interface Background {
  from: RGB;
  to: RGB;
  /** Direction of the gradient, degrees (ignored when from = to). */
  angle: number;
  /** Amplitude of the per-pixel grain, in 0..255 units (0 = none); the same value is added to R, G and B. */
  grain: number;
  /** Seed of the grain. */
  grainSeed: number;
}

export interface ShapeObject {
  shape: Shape;
  colour: Colour;
  size: Size;
  /** Fill colour actually drawn (the colour word's base colour, jittered). */
  rgb: RGB;
  /** Centre and radius in pixels (the circle's radius; other shapes are scaled to a similar area). */
  cx: number;
  cy: number;
  radius: number;
  /** Rotation in degrees. */
  rotation: number;
}

export interface Scene {
  /** Image side in pixels (images are square). */
  size: number;
  background: Background;
  objects: ShapeObject[];
}

/** A flat grey background at `level` (0 black … 1 white). */
export function neutralBackground(level: number): Background {
  const v = Math.round(Math.min(1, Math.max(0, level)) * 255);
  return { from: [v, v, v], to: [v, v, v], angle: 0, grain: 0, grainSeed: 0 };
}

/** Radius range (as a fraction of the image side) of each size word. */
export const SIZE_RADIUS: Readonly<Record<Size, readonly [number, number]>> = { small: [0.11, 0.16], large: [0.25, 0.33] };

/** An object at a position, with its colour's base RGB and its size's middle radius (no jitter). */
export function makeObject(shape: Shape, colour: Colour, size: Size, cx: number, cy: number, imageSize = SHAPES_IMAGE_SIZE, rotation = 0): ShapeObject {
  const [lo, hi] = SIZE_RADIUS[size];
  return { shape, colour, size, rgb: COLOUR_RGB[colour], cx, cy, radius: ((lo + hi) / 2) * imageSize, rotation };
}

/** Draws a random neutral background: flat or gradient, dark or light, with or without grain. */
export function sampleBackground(r: () => number): Background {
  const a = Math.round(uniform(r, 0.08, 0.95) * 255);
  const gradient = r() < 0.5;
  const b = gradient ? Math.round(Math.min(255, Math.max(0, a + uniform(r, -90, 90)))) : a;
  const grain = r() < 0.5 ? uniform(r, 2, 14) : 0;
  return { from: [a, a, a], to: [b, b, b], angle: uniform(r, 0, 360), grain, grainSeed: Math.floor(r() * 2 ** 31) };
}

/** Draws one object of the given kind at a random size within its range, position, rotation and colour jitter. */
export function sampleObject(r: () => number, shape: Shape, colour: Colour, size: Size, imageSize = SHAPES_IMAGE_SIZE): ShapeObject {
  const [lo, hi] = SIZE_RADIUS[size];
  const radius = uniform(r, lo, hi) * imageSize;
  const margin = radius * 1.15 + 1;
  const base = COLOUR_RGB[colour];
  const rgb = base.map((c) => Math.round(Math.min(255, Math.max(0, c + uniform(r, -14, 14))))) as unknown as RGB;
  return {
    shape, colour, size, rgb, radius,
    cx: uniform(r, margin, imageSize - margin),
    cy: uniform(r, margin, imageSize - margin),
    rotation: shape === 'circle' ? 0 : uniform(r, -30, 30),
  };
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

/** The SVG element of one object (no <svg> wrapper). */
export function objectSvg(o: ShapeObject): string {
  const fill = `rgb(${o.rgb[0]},${o.rgb[1]},${o.rgb[2]})`;
  const rot = o.rotation !== 0 ? ` transform="rotate(${fmt(o.rotation)} ${fmt(o.cx)} ${fmt(o.cy)})"` : '';
  const poly = (pts: Array<[number, number]>) => `<polygon points="${pts.map(([x, y]) => `${fmt(o.cx + x)},${fmt(o.cy + y)}`).join(' ')}" fill="${fill}"${rot}/>`;
  switch (o.shape) {
    case 'circle':
      return `<circle cx="${fmt(o.cx)}" cy="${fmt(o.cy)}" r="${fmt(o.radius)}" fill="${fill}"/>`;
    case 'square': {
      const h = o.radius * 0.85; // side 1.7 r: area 2.9 r², close to the circle's 3.14 r²
      return poly([[-h, -h], [h, -h], [h, h], [-h, h]]);
    }
    case 'triangle': {
      const R = o.radius * 1.2; // equilateral, circumradius 1.2 r (area 1.87 r²·… drawn a little larger to look balanced)
      return poly([0, 1, 2].map((k) => [R * Math.sin((2 * Math.PI * k) / 3), -R * Math.cos((2 * Math.PI * k) / 3) + R * 0.15] as [number, number]));
    }
    case 'star': {
      const outer = o.radius * 1.2;
      const inner = outer * 0.45;
      const pts: Array<[number, number]> = [];
      for (let k = 0; k < 10; k++) {
        const rr = k % 2 === 0 ? outer : inner;
        const a = (Math.PI * k) / 5;
        pts.push([rr * Math.sin(a), -rr * Math.cos(a) + outer * 0.05]);
      }
      return poly(pts);
    }
  }
}

function backgroundSvg(scene: Scene, id: string): string {
  const { from, to, angle } = scene.background;
  const s = scene.size;
  const c = (v: RGB) => `rgb(${v[0]},${v[1]},${v[2]})`;
  if (from[0] === to[0] && from[1] === to[1] && from[2] === to[2]) return `<rect width="${s}" height="${s}" fill="${c(from)}"/>`;
  const rad = (angle * Math.PI) / 180;
  const dx = Math.cos(rad) / 2;
  const dy = Math.sin(rad) / 2;
  return (
    `<defs><linearGradient id="${id}" x1="${fmt(0.5 - dx)}" y1="${fmt(0.5 - dy)}" x2="${fmt(0.5 + dx)}" y2="${fmt(0.5 + dy)}">` +
    `<stop offset="0" stop-color="${c(from)}"/><stop offset="1" stop-color="${c(to)}"/></linearGradient></defs>` +
    `<rect width="${s}" height="${s}" fill="url(#${id})"/>`
  );
}

/** A scene as a standalone SVG document. */
export function sceneToSvg(scene: Scene): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.size}" height="${scene.size}">${backgroundSvg(scene, 'bg')}${scene.objects.map(objectSvg).join('')}</svg>`;
}

function addGrain(pixels: Uint8Array, offset: number, scene: Scene): void {
  const { grain, grainSeed } = scene.background;
  if (grain <= 0) return;
  const r = seededRandom(grainSeed);
  const n = scene.size * scene.size;
  for (let p = 0; p < n; p++) {
    const d = (r() * 2 - 1) * grain;
    for (let ch = 0; ch < 3; ch++) {
      const i = offset + p * 3 + ch;
      pixels[i] = Math.min(255, Math.max(0, Math.round(pixels[i] + d)));
    }
  }
}

/**
 * Renders scenes (all of the same size) to raw RGB bytes, image after image (N × size × size × 3), fast: scenes are
 * tiled into one SVG per group of up to 256, so sharp rasterizes many images per call.
 *
 * @example
 *   const pixels = await renderScenes([scene]);   // Uint8Array(6912) for one 48×48 scene
 */
export async function renderScenes(scenes: readonly Scene[]): Promise<Uint8Array> {
  if (scenes.length === 0) return new Uint8Array(0);
  const size = scenes[0].size;
  if (!Number.isInteger(size) || size < 8 || size > 1024) throw new ShapesOptionError(`scene size ${size} is not an integer in 8..1024; use e.g. 48.`);
  if (scenes.some((s) => s.size !== size)) throw new ShapesOptionError('renderScenes: scenes have different sizes; render each size in its own call.');
  const perImage = size * size * 3;
  const out = new Uint8Array(scenes.length * perImage);
  const grid = Math.max(1, Math.min(16, Math.floor(2048 / size)));
  for (let start = 0; start < scenes.length; start += grid * grid) {
    const group = scenes.slice(start, start + grid * grid);
    const cols = Math.min(grid, group.length);
    const rows = Math.ceil(group.length / cols);
    const tiles = group.map((scene, k) =>
      `<svg x="${(k % cols) * size}" y="${Math.floor(k / cols) * size}" width="${size}" height="${size}">${backgroundSvg(scene, `bg${k}`)}${scene.objects.map(objectSvg).join('')}</svg>`,
    );
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * size}" height="${rows * size}">${tiles.join('')}</svg>`;
    const raw = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
    const rowBytes = cols * size * 3;
    for (let k = 0; k < group.length; k++) {
      const x0 = (k % cols) * size;
      const y0 = Math.floor(k / cols) * size;
      const base = (start + k) * perImage;
      for (let y = 0; y < size; y++) {
        const src = (y0 + y) * rowBytes + x0 * 3;
        out.set(raw.subarray(src, src + size * 3), base + y * size * 3);
      }
      addGrain(out, base, group[k]);
    }
  }
  return out;
}

/** Encodes raw RGB bytes of one size×size image as PNG. */
export async function pixelsToPng(pixels: Uint8Array, size: number): Promise<Buffer> {
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** One scene as PNG bytes (the same pixels `renderScenes` gives). */
export async function renderScenePng(scene: Scene): Promise<Buffer> {
  return pixelsToPng(await renderScenes([scene]), scene.size);
}

// ---------------------------------------------------------------------------------------------------------------
// Captions

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');
const COUNT_WORDS = ['zero', 'one', 'two', 'three', 'four'];

/** Fills a caption template for one object. */
export function fillTemplate(template: string, o: { colour: Colour; shape: Shape; size: Size }): string {
  const text = template.replace('{size}', o.size).replace('{colour}', o.colour).replace('{shape}', o.shape);
  return text.replace(/\{a\} (\w+)/g, (_, w: string) => `${article(w)} ${w}`);
}

/**
 * A caption for a scene: one object uses `template` (default the first, '{a} {colour} {shape}'); several objects are
 * grouped by colour and shape and counted: 'a red circle and a blue square', 'two green stars'.
 */
export function captionScene(scene: Scene, template: string = CAPTION_TEMPLATES[0]): string {
  if (scene.objects.length === 0) return 'an empty picture';
  if (scene.objects.length === 1) return fillTemplate(template, scene.objects[0]);
  const groups = new Map<string, { colour: Colour; shape: Shape; n: number }>();
  for (const o of scene.objects) {
    const key = `${o.colour} ${o.shape}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { colour: o.colour, shape: o.shape, n: 1 });
  }
  return [...groups.values()]
    .map((g) => (g.n === 1 ? `${article(g.colour)} ${g.colour} ${g.shape}` : `${COUNT_WORDS[g.n] ?? String(g.n)} ${g.colour} ${g.shape}s`))
    .join(' and ');
}

// ---------------------------------------------------------------------------------------------------------------
// Datasets

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

function checkOptions(o: GenerateShapesOptions): Required<Omit<GenerateShapesOptions, 'pairs'>> & { pairs: WeightedPair[] } {
  if (!Number.isFinite(o.seed)) throw new ShapesOptionError(`seed is ${o.seed}; pass a finite number (e.g. 1).`);
  if (!Number.isInteger(o.count) || o.count < 0) throw new ShapesOptionError(`count is ${o.count}; pass a whole number ≥ 0.`);
  const heldOut = o.heldOut ?? 'include';
  if (!['exclude', 'only', 'include'].includes(heldOut)) throw new ShapesOptionError(`heldOut is '${heldOut}'; use 'exclude', 'only' or 'include'.`);
  const imageSize = o.imageSize ?? SHAPES_IMAGE_SIZE;
  if (!Number.isInteger(imageSize) || imageSize < 16 || imageSize > 512) throw new ShapesOptionError(`imageSize is ${imageSize}; use a whole number of pixels in 16..512 (the mini-CLIP uses ${SHAPES_IMAGE_SIZE}).`);
  const sizes = o.sizes ?? SIZES;
  for (const s of sizes) if (!SIZES.includes(s)) throw new ShapesOptionError(`sizes contains '${s}'; the size words are ${SIZES.join(', ')}.`);
  if (sizes.length === 0) throw new ShapesOptionError('sizes is empty; pass at least one of small, large.');
  const templates = o.templates ?? CAPTION_TEMPLATES;
  if (templates.length === 0) throw new ShapesOptionError('templates is empty; pass at least one template such as "a {colour} {shape}".');
  let pairs: WeightedPair[] = (o.pairs ?? allPairs()).map((p) => ({ ...p }));
  for (const p of pairs) {
    if (!COLOURS.includes(p.colour) || !SHAPES.includes(p.shape)) throw new ShapesOptionError(`pairs contains (${p.colour}, ${p.shape}); colours are ${COLOURS.join(', ')} and shapes ${SHAPES.join(', ')}.`);
    if (p.weight !== undefined && !(p.weight >= 0)) throw new ShapesOptionError(`pairs: the weight of (${p.colour}, ${p.shape}) is ${p.weight}; weights must be ≥ 0.`);
  }
  if (heldOut === 'exclude') pairs = pairs.filter((p) => !isHeldOut(p.colour, p.shape));
  if (heldOut === 'only') pairs = pairs.filter((p) => isHeldOut(p.colour, p.shape));
  const total = pairs.reduce((s, p) => s + (p.weight ?? 1), 0);
  if (pairs.length === 0 || !(total > 0)) throw new ShapesOptionError(`no (colour, shape) pair is left to draw from (heldOut: '${heldOut}' removed them all, or all weights are 0); widen pairs or change heldOut.`);
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
    const scene: Scene = { size: o.imageSize, background: sampleBackground(r), objects: [sampleObject(r, shape, colour, size, o.imageSize)] };
    out.push({ caption: fillTemplate(template, { colour, shape, size }), colour, shape, size, heldOut: isHeldOut(colour, shape), scene });
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
  return Promise.all(examples.map(async (e, i) => ({ ...e, png: await pixelsToPng(pixels.subarray(i * per, (i + 1) * per), size) })));
}

/**
 * Generates `count` examples as one block of raw RGB bytes (N × size × size × 3), for training: no PNG encoding.
 *
 * @example
 *   const { pixels, examples, size } = await generateShapePixels({ seed: 1, count: 256, heldOut: 'exclude' });
 *   // pixels: Uint8Array(1769472), examples[i].caption, size 48
 */
export async function generateShapePixels(options: GenerateShapesOptions): Promise<{ pixels: Uint8Array; examples: ShapeExample[]; size: number }> {
  const examples = sampleShapes(options);
  return { pixels: await renderScenes(examples.map((e) => e.scene)), examples, size: options.imageSize ?? SHAPES_IMAGE_SIZE };
}

/**
 * Writes a few example PNGs (`shape-00-a-red-circle.png`, …) into `dir`, for notebooks and docs; returns their paths.
 */
export async function writeExamplePngs(dir: string, options: GenerateShapesOptions): Promise<string[]> {
  const samples = await generateShapes(options);
  fs.mkdirSync(dir, { recursive: true });
  return samples.map((s, i) => {
    const file = path.join(dir, `shape-${String(i).padStart(2, '0')}-${s.caption.replace(/[^a-z]+/g, '-')}.png`);
    fs.writeFileSync(file, s.png);
    return file;
  });
}

/**
 * A grid of images (raw RGB, as `renderScenes` or `generateShapePixels` give them) as one PNG, enlarged with
 * nearest-neighbour so 48-pixel images are visible in a notebook.
 *
 * @example
 *   const { pixels } = await generateShapePixels({ seed: 1, count: 16 });
 *   const png = await shapesMontage(pixels, 48, { columns: 8, scale: 2 });   // 768×192 PNG
 */
export async function shapesMontage(pixels: Uint8Array, size: number, options: { columns?: number; scale?: number; gap?: number } = {}): Promise<Buffer> {
  const per = size * size * 3;
  const count = pixels.length / per;
  if (!Number.isInteger(count) || count === 0) throw new ShapesOptionError(`shapesMontage: pixels has ${pixels.length} bytes, not a whole (non-zero) number of ${size}×${size}×3 images.`);
  const columns = Math.max(1, Math.min(options.columns ?? 8, count));
  const scale = options.scale ?? 2;
  const gap = options.gap ?? 2;
  if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new ShapesOptionError(`shapesMontage: scale is ${scale}; use a whole number in 1..16.`);
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
  return sharp(Buffer.from(out.buffer), { raw: { width, height, channels: 3 } }).png().toBuffer();
}
