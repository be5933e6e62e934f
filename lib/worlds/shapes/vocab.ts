/**
 * The shapes world's vocabulary: shapes, colours, sizes, their RGB values, the held-out (colour, shape) pairs, caption
 * templates and the world's error.
 */
import { CourseError } from '../../course/errors';

export const SHAPES = ['circle', 'square', 'triangle', 'star'] as const;
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export const SIZES = ['small', 'large'] as const;
export type Shape = (typeof SHAPES)[number];
export type Colour = (typeof COLOURS)[number];
export type Size = (typeof SIZES)[number];
export type RGB = readonly [number, number, number];

/** Every word the generator writes in a caption, for tokenizers to include. */
export const SHAPES_WORLD_WORDS: readonly string[] = [
  ...SHAPES,
  ...COLOURS,
  ...SIZES,
  'a',
  'an',
  'the',
  'photo',
  'picture',
  'image',
  'of',
  'this',
  'is',
  'there',
  'that',
  'in',
  'and',
  'with',
  'one',
  'two',
  'three',
  'four',
  'circles',
  'squares',
  'triangles',
  'stars',
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
