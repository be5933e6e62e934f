/**
 * The chapter's zero-shot demo on the emoji-CLIP: an emoji cat drawn in a style the model never saw in training,
 * and the chapter's own labels.
 *
 * @example
 *   const demo = await emojiDemoInputs();
 *   demo.labels;     // ['a photo of a cat', 'a photo of a dog', 'a photo of a remote control', 'a photo of fruit']
 *   demo.imageName;  // 'the "cat face" emoji as drawn by openmoji (a style the emoji-CLIP never saw in training)'
 */
import { EmojiWorldError } from './errors';
import { emojiConcepts } from './concepts';
import { renderIconPng } from './render';
import { EmojiSetName, loadEmojiSet } from './sets';
import { STYLE_SPLIT } from './split';

/** The chapter's four labels, as section 12.3 writes them. */
export const EMOJI_DEMO_LABELS: readonly string[] = ['a photo of a cat', 'a photo of a dog', 'a photo of a remote control', 'a photo of fruit'];

export interface EmojiDemoInputs {
  image: Buffer;
  imageName: string;
  labels: string[];
  truth: string;
}

/** One icon of an unseen style as a PNG (224 pixels, CLIP's input size), with the chapter's labels. */
export async function emojiDemoInputs(style: EmojiSetName = 'openmoji', concept = 'catface'): Promise<EmojiDemoInputs> {
  const icon = loadEmojiSet(style).icons.get(concept);
  if (!icon) {
    throw new EmojiWorldError(`emojiDemoInputs: the set ${style} has no icon for the concept "${concept}".`, {
      fix: "Pick a concept the set draws, e.g. 'catface', 'dogface', 'redapple'.",
    });
  }
  const seen = (STYLE_SPLIT.train as readonly string[]).includes(style) ? 'a style the emoji-CLIP was trained on' : 'a style the emoji-CLIP never saw in training';
  const name = emojiConcepts().get(concept)?.label ?? concept;
  return {
    image: await renderIconPng(icon, { size: 224 }),
    imageName: `the "${name}" emoji as drawn by ${style} (${seen})`,
    labels: [...EMOJI_DEMO_LABELS],
    truth: EMOJI_DEMO_LABELS[0],
  };
}
