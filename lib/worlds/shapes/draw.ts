/**
 * Scenes (a neutral background and a list of objects) drawn with sharp from SVG, with luminance grain.
 */
import sharp from 'sharp';
import { seededRandom, uniform } from '../../course/random';
import {
  COLOUR_RGB,
  SHAPES_IMAGE_SIZE,
  ShapesOptionError,
  type Colour,
  type RGB,
  type Shape,
  type Size,
} from './vocab';

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
export const SIZE_RADIUS: Readonly<Record<Size, readonly [number, number]>> = {
  small: [0.11, 0.16],
  large: [0.25, 0.33],
};

/** An object at a position, with its colour's base RGB and its size's middle radius (no jitter). */
export function makeObject(
  shape: Shape,
  colour: Colour,
  size: Size,
  cx: number,
  cy: number,
  imageSize = SHAPES_IMAGE_SIZE,
  rotation = 0,
): ShapeObject {
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
export function sampleObject(
  r: () => number,
  shape: Shape,
  colour: Colour,
  size: Size,
  imageSize = SHAPES_IMAGE_SIZE,
): ShapeObject {
  const [lo, hi] = SIZE_RADIUS[size];
  const radius = uniform(r, lo, hi) * imageSize;
  const margin = radius * 1.15 + 1;
  const base = COLOUR_RGB[colour];
  const rgb = base.map((c) => Math.round(Math.min(255, Math.max(0, c + uniform(r, -14, 14))))) as unknown as RGB;
  return {
    shape,
    colour,
    size,
    rgb,
    radius,
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
  const poly = (pts: Array<[number, number]>) =>
    `<polygon points="${pts.map(([x, y]) => `${fmt(o.cx + x)},${fmt(o.cy + y)}`).join(' ')}" fill="${fill}"${rot}/>`;
  switch (o.shape) {
    case 'circle':
      return `<circle cx="${fmt(o.cx)}" cy="${fmt(o.cy)}" r="${fmt(o.radius)}" fill="${fill}"/>`;
    case 'square': {
      const h = o.radius * 0.85; // side 1.7 r: area 2.9 r², close to the circle's 3.14 r²
      return poly([
        [-h, -h],
        [h, -h],
        [h, h],
        [-h, h],
      ]);
    }
    case 'triangle': {
      const R = o.radius * 1.2; // equilateral, circumradius 1.2 r (area 1.87 r²·… drawn a little larger to look balanced)
      return poly(
        [0, 1, 2].map(
          (k) =>
            [R * Math.sin((2 * Math.PI * k) / 3), -R * Math.cos((2 * Math.PI * k) / 3) + R * 0.15] as [number, number],
        ),
      );
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
  if (from[0] === to[0] && from[1] === to[1] && from[2] === to[2])
    return `<rect width="${s}" height="${s}" fill="${c(from)}"/>`;
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
  if (!Number.isInteger(size) || size < 8 || size > 1024)
    throw new ShapesOptionError(`scene size ${size} is not an integer in 8..1024; use e.g. 48.`);
  if (scenes.some((s) => s.size !== size))
    throw new ShapesOptionError('renderScenes: scenes have different sizes; render each size in its own call.');
  const perImage = size * size * 3;
  const out = new Uint8Array(scenes.length * perImage);
  const grid = Math.max(1, Math.min(16, Math.floor(2048 / size)));
  for (let start = 0; start < scenes.length; start += grid * grid) {
    const group = scenes.slice(start, start + grid * grid);
    const cols = Math.min(grid, group.length);
    const rows = Math.ceil(group.length / cols);
    const tiles = group.map(
      (scene, k) =>
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
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width: size, height: size, channels: 3 },
  })
    .png()
    .toBuffer();
}

/** One scene as PNG bytes (the same pixels `renderScenes` gives). */
export async function renderScenePng(scene: Scene): Promise<Buffer> {
  return pixelsToPng(await renderScenes([scene]), scene.size);
}
