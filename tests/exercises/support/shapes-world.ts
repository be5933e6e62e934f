/**
 * The shapes world as the course's offline model sees it, for the exercise checks that meet a model (07, 08,
 * 09): images rendered by lib/worlds/shapes (seeded, so every run sees the same pictures) and embedded, with
 * their captions, by the course's mini-CLIP (assets/models/mini-clip, TensorFlow.js). The embeddings are
 * computed once per test file, in its beforeAll (about a second), and handed to the learner's functions as
 * plain number[][]; the learner's code never runs the model.
 */
import { initBackend, tf } from '../../../lib/course/backend';
import { loadMiniClip } from '../../../lib/mini-clip/export';
import { toPixelValues } from '../../../lib/mini-clip/model';
import { COLOURS, renderScenes, sampleShapes, SHAPES, SIZES, type Colour, type Shape, type Size } from '../../../lib/worlds/shapes';

/** How long a beforeAll that embeds may take (model load and rendering on a busy machine). */
export const EMBEDDING_TIMEOUT_MS = 120_000;

/** One rendered image and what is in it. */
export interface WorldImage {
  colour: Colour;
  shape: Shape;
  size: Size;
  heldOut: boolean;
}

/** Images, their embeddings, and the model's learned logit scale. */
export interface EmbeddedWorld {
  images: WorldImage[];
  imageEmbeddings: number[][];
  /** exp(the model's learned log logit scale): about 18 for the mini-CLIP. */
  logitScale: number;
  /** Text embeddings of any prompts, from the same model. */
  embedTexts(texts: readonly string[]): number[][];
}

/**
 * Renders one image per requested (colour, shape, size), each with its own seed, and embeds them.
 *
 * @example
 * const world = await embedShapesWorld(COLOURS.flatMap((colour) => SHAPES.map((shape) => ({ colour, shape, size: 'large' }))), 700);
 * world.imageEmbeddings.length;   // 24
 */
export async function embedShapesWorld(wanted: readonly { colour: Colour; shape: Shape; size: Size }[], seed: number): Promise<EmbeddedWorld> {
  await initBackend();
  const examples = wanted.map((w, i) => sampleShapes({ seed: seed + i, count: 1, pairs: [{ colour: w.colour, shape: w.shape }], sizes: [w.size] })[0]);
  const pixels = await renderScenes(examples.map((e) => e.scene));
  const { model, tokenizer, config } = loadMiniClip();
  const n = examples.length;
  const size = examples[0].scene.size;
  const imageTensor = model.encodeImage(tf.tensor4d(toPixelValues(pixels, size), [n, 3, size, size]));
  const imageEmbeddings = imageTensor.arraySync() as number[][];
  imageTensor.dispose();
  const embedTexts = (texts: readonly string[]) => {
    const ids = tokenizer.batch(texts);
    const t = model.encodeText(ids.inputIds, ids.attentionMask);
    const rows = t.arraySync() as number[][];
    t.dispose();
    return rows;
  };
  return {
    images: examples.map((e) => ({ colour: e.colour, shape: e.shape, size: e.size, heldOut: e.heldOut })),
    imageEmbeddings,
    logitScale: Math.exp(config.course_logit_scale as number),
    embedTexts,
  };
}

/** Every (colour, shape, size) of the world: 6 × 4 × 2 = 48. */
export function everyObject(): { colour: Colour; shape: Shape; size: Size }[] {
  return COLOURS.flatMap((colour) => SHAPES.flatMap((shape) => SIZES.map((size) => ({ colour, shape, size }))));
}

/** "a red circle", "an orange star": the article the training captions use. */
export function caption(o: { colour: string; shape: string; size?: string }): string {
  const words = [o.size, o.colour, o.shape].filter((w): w is string => w !== undefined).join(' ');
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}
