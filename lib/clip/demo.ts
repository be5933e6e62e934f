/**
 * The inputs of the chapter's zero-shot demo, and their stand-ins for the course's own models: the emoji-CLIP gets
 * an emoji cat (a style it never saw) and the chapter's labels; the shapes mini-CLIP, which knows only coloured
 * shapes, gets a shapes-world image and shapes-world labels (one of which is right).
 *
 * @example
 *   const demo = await demoInputs(clip);
 *   // pretrained CLIP: { image: 'assets/images/chelsea.png', labels: CHAPTER_LABELS, truth: 'a photo of a cat', … }
 *   // mini-CLIP:       { image: <Buffer 89 50 4e 47 …>, labels: ['a photo of a blue star', …], truth: 'a photo of a blue star', … }
 */
import * as path from 'path';
import { COLOURS, SHAPES, generateShapes } from '../worlds/shapes';
import { emojiDemoInputs } from '../worlds/emoji/demo';
import { MODEL_DIRS } from '../course/paths';
import { COURSE_ROOT } from './resolve';

/** The chapter's four candidate labels (the first four prompts of the Python tokenizer reference). */
export const CHAPTER_LABELS: readonly string[] = [
  'a photo of a cat',
  'a photo of a dog',
  'a photo of a remote control',
  'a photo of a bowl of fruit',
];
/** The chapter's image: Chelsea the cat (assets/images/chelsea.png, CC0). */
export const CHAPTER_IMAGE = path.join(COURSE_ROOT, 'assets', 'images', 'chelsea.png');

export interface DemoInputs {
  image: string | Buffer;
  /** How to name the image in printed output. */
  imageName: string;
  labels: string[];
  /** The label that is right for the image. */
  truth: string;
}

/**
 * A shapes-world image of one large object (seeded, not one of the held-out colour/shape pairs) and four labels: its own colour and
 * shape, the same colour with another shape, the same shape in another colour, and one that shares nothing.
 */
export async function shapesDemoInputs(seed = 7): Promise<DemoInputs> {
  const [sample] = await generateShapes({ seed, count: 1, heldOut: 'exclude', sizes: ['large'] });
  const shape = (k: number) => SHAPES[(SHAPES.indexOf(sample.shape) + k) % SHAPES.length];
  const colour = (k: number) => COLOURS[(COLOURS.indexOf(sample.colour) + k) % COLOURS.length];
  const prompt = (c: string, s: string) => `a photo of ${/^[aeiou]/.test(c) ? 'an' : 'a'} ${c} ${s}`;
  const truth = prompt(sample.colour, sample.shape);
  return {
    image: sample.png,
    imageName: `a shapes-world image (seed ${seed}; drawn as "${sample.caption}")`,
    labels: [truth, prompt(sample.colour, shape(1)), prompt(colour(1), sample.shape), prompt(colour(2), shape(2))],
    truth,
  };
}

/**
 * The chapter's cat photo and four labels for a pretrained CLIP; for the course's emoji-CLIP an emoji cat in a style
 * it never saw with the chapter's labels (`emojiDemoInputs()`); for the shapes mini-CLIP `shapesDemoInputs()`.
 */
export async function demoInputs(clip: {
  pretrained: boolean;
  source?: { dir: string };
  preprocessorConfig?: { crop_size?: number | { height: number } };
}): Promise<DemoInputs> {
  if (!clip.pretrained) {
    const dir = clip.source?.dir ? path.resolve(clip.source.dir) : '';
    if (dir !== path.resolve(MODEL_DIRS.emojiClip)) return shapesDemoInputs();
    const crop = clip.preprocessorConfig?.crop_size;
    return emojiDemoInputs('fluent-emoji-flat', 'catface', typeof crop === 'number' ? crop : (crop?.height ?? 224));
  }
  return {
    image: CHAPTER_IMAGE,
    imageName: path.relative(COURSE_ROOT, CHAPTER_IMAGE),
    labels: [...CHAPTER_LABELS],
    truth: CHAPTER_LABELS[0],
  };
}
