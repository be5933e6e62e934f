/**
 * The emoji world: real, freely licensed image–text data for training and testing a small CLIP. Emoji sets drawn
 * by different artists (Iconify packages on npm) show the same everyday concepts in different styles; the course
 * trains on six styles and tests zero-shot on two it never saw (OpenMoji, Fluent flat) — CLIP's robustness to
 * distribution shift at laptop scale.
 *
 * @example
 *   import { loadEmojiSet, renderIconPng, EVAL_CONCEPTS, EMOJI_CLIP_DIR } from './lib/worlds/emoji';
 *   const png = await renderIconPng(loadEmojiSet('openmoji').icons.get('catface')!, { size: 48 });
 *   // then: await pipeline('zero-shot-image-classification', EMOJI_CLIP_DIR) on it with "an emoji of a cat face", …
 */
export { EmojiWorldError } from './errors';
export { EMOJI_SETS, EMOJI_SET_NAMES, loadEmojiSet, iconSvg, conceptKey, isDroppedName } from './sets';
export type { EmojiSetName, EmojiSetInfo, EmojiIcon, EmojiSet } from './sets';
export { emojiConcepts, conceptsInAtLeast } from './concepts';
export type { EmojiConcept } from './concepts';
export {
  renderIconRgb,
  renderIconPng,
  renderEmojiSet,
  renderCacheKey,
  DEFAULT_EMOJI_CACHE,
  DEFAULT_RENDER_SIZE,
  DEFAULT_FILL,
} from './render';
export type { RenderOptions, RenderedSet } from './render';
export {
  CAPTION_TEMPLATES,
  DEFAULT_TEMPLATE,
  CHAPTER_WORDS,
  conceptPhrases,
  fillTemplate,
  sampleCaption,
  buildEmojiVocab,
  emojiTokenizer,
} from './captions';
export { STYLE_SPLIT, emojiSplit, stableHash, HELD_OUT_FRACTION } from './split';
export type { EmojiItem, EmojiSplit } from './split';
export { EVAL_CONCEPTS, UNSEEN_EVAL_STYLES } from './eval-concepts';
export { loadItemPixels, toPixelValues, augmentInto, AUGMENT, type AugmentProbabilities } from './dataset';
export {
  EmojiClip,
  defaultEmojiClipConfig,
  emojiClipParameterShapes,
  bagOfWords,
  matMulFast,
  constantInput,
  patchRows,
  addBias,
} from './model';
export type { EmojiClipConfig, ConstantInput } from './model';
export { zeroShotScores, normalizeRows } from './evaluate';
export type { ZeroShotScores, ConceptHits } from './evaluate';
export {
  trainEmojiClip,
  learningRateAt,
  embedImagesTf,
  embedTextsTf,
  zeroShotLabelTexts,
  EMOJI_TRAINING_DEFAULTS,
} from './train';
export type { TrainEmojiClipOptions, TrainEmojiClipResult, TrainReport } from './train';
export { measureEmojiClip, formatQuality, tfEmbedder, SEEN_STYLES } from './quality';
export type { EmojiEmbedder, EmojiClipQuality } from './quality';
export { EMOJI_CLIP_DIR, exportEmojiClip, loadEmojiClipWeights, emojiClipConfigJson } from './export';
export { styleMontage } from './montage';
export type { MontageOptions } from './montage';
export { styleAccuracy, templateAccuracy, evalItems, evalLabel, type TemplateAccuracy } from './robustness';
export type { StyleAccuracy, ImageTextEmbedder } from './robustness';
export { emojiDemoInputs, EMOJI_DEMO_LABELS } from './demo';
export type { EmojiDemoInputs } from './demo';
