/**
 * The chapter's zero-shot demo on the emoji-CLIP: an emoji cat drawn in a style the model never saw in training,
 * and the chapter's own labels.
 *
 * @example
 *   const demo = await emojiDemoInputs();
 *   demo.labels;     // ['a photo of a cat', 'a photo of a dog', 'a photo of a remote control', 'a photo of fruit']
 *   demo.imageName;  // 'the "cat face" emoji as drawn by fluent-emoji-flat (a style the emoji-CLIP never saw in training)'
 */
import { EmojiWorldError } from './errors';
import { emojiConcepts } from './concepts';
import { renderIconPng } from './render';
import { EmojiSetName, loadEmojiSet } from './sets';
import { STYLE_SPLIT } from './split';

/** The chapter's four labels, as section 12.3 writes them. */
export const EMOJI_DEMO_LABELS: readonly string[] = [
  'a photo of a cat',
  'a photo of a dog',
  'a photo of a remote control',
  'a photo of fruit',
];

export interface EmojiDemoInputs {
  image: Buffer;
  imageName: string;
  labels: string[];
  truth: string;
}

/**
 * One icon as a PNG of `size` pixels with the chapter's labels. Give the model's own input size, and every
 * preprocessing path (transformers.js's processor, the pipeline, lib/image) sees the same pixels: nothing to resize.
 */
export async function emojiDemoInputs(
  style: EmojiSetName = 'fluent-emoji-flat',
  concept = 'catface',
  size = 224,
): Promise<EmojiDemoInputs> {
  const icon = loadEmojiSet(style).icons.get(concept);
  if (!icon) {
    throw new EmojiWorldError(`emojiDemoInputs: the set ${style} has no icon for the concept "${concept}".`, {
      fix: "Pick a concept the set draws, e.g. 'catface', 'dogface', 'redapple'.",
    });
  }
  const seen = (STYLE_SPLIT.train as readonly string[]).includes(style)
    ? 'a style the emoji-CLIP was trained on'
    : 'a style the emoji-CLIP never saw in training';
  const name = emojiConcepts().get(concept)?.label ?? concept;
  return {
    image: await renderIconPng(icon, { size }),
    imageName: `the "${name}" emoji as drawn by ${style} (${seen})`,
    labels: [...EMOJI_DEMO_LABELS],
    truth: EMOJI_DEMO_LABELS[0],
  };
}
