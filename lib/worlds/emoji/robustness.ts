/**
 * The robustness gap, measured through any CLIP that can embed images and texts (the course's `lib/clip` models
 * have that shape): zero-shot top-1 and top-5 on the eval list, per style — the held-out icons of the styles the
 * model was trained on, and each style it never saw. The same concepts in a new rendition: CLIP's
 * distribution-shift question (ImageNet → ImageNet-Sketch / -Rendition) at the size of an emoji.
 *
 * @example
 *   const clip = await loadClip({ localDir: MODEL_DIRS.emojiClip });
 *   const r = await styleAccuracy(clip);
 *   r.map((g) => `${g.group}: ${(100 * g.top1).toFixed(0)} %`);
 *   // [ 'seen styles (held-out icons): 7x %', 'openmoji: 5x %', 'fluent-emoji-flat: 6x %' ]
 */
import { DEFAULT_TEMPLATE, fillTemplate } from './captions';
import { emojiConcepts } from './concepts';
import { EmojiWorldError } from './errors';
import { EVAL_CONCEPTS, UNSEEN_EVAL_STYLES } from './eval-concepts';
import { renderIconPng } from './render';
import { EmojiSetName, loadEmojiSet } from './sets';
import { emojiSplit, EmojiItem } from './split';
import { normalizeRows, zeroShotScores } from './evaluate';

/** What `styleAccuracy` needs of a CLIP: unit-length embeddings of images (PNG buffers) and of texts. */
export interface ImageTextEmbedder {
  embedImages(images: Buffer[]): Promise<{ rows: number; cols: number; data: Float32Array }>;
  embedTexts(texts: string[]): Promise<{ rows: number; cols: number; data: Float32Array }>;
}

export interface StyleAccuracy {
  /** A style's name, or 'seen styles (held-out icons)'. */
  group: string;
  /** Whether the model was trained on this group's styles. */
  seen: boolean;
  n: number;
  top1: number;
  top5: number;
  /** Concepts whose icon the model ranked first. */
  hits: string[];
  /** Concepts it did not, each with what it chose instead. */
  misses: Array<{ concept: string; predicted: string }>;
}

/** The label of an eval concept under a template: 'an emoji of a cat face'. */
export function evalLabel(key: string, template = DEFAULT_TEMPLATE): string {
  return fillTemplate(template, emojiConcepts().get(key)?.label ?? key);
}

/** The eval-list icons of a group: the held-out icon of each concept (seen styles) or each style's own drawing. */
export function evalItems(group: 'seen' | EmojiSetName, seed = 1): EmojiItem[] {
  if (group === 'seen') return emojiSplit(seed).heldOut.filter((i) => EVAL_CONCEPTS.includes(i.key));
  const icons = loadEmojiSet(group).icons;
  return EVAL_CONCEPTS.filter((k) => icons.has(k)).map((key) => ({ key, set: group }));
}

/**
 * Zero-shot top-1 / top-5 among the eval list's labels, for the held-out icons of the training styles and for each
 * unseen style. `imageSize` is the side the icons are rendered at (the model's input size is a good choice).
 */
export async function styleAccuracy(
  clip: ImageTextEmbedder,
  options: { template?: string; imageSize?: number; styles?: readonly EmojiSetName[]; seed?: number } = {},
): Promise<StyleAccuracy[]> {
  const template = options.template ?? DEFAULT_TEMPLATE;
  if (!template.includes('{}')) {
    throw new EmojiWorldError(`styleAccuracy: the template "${template}" has no {} for the concept's name.`, {
      fix: "Pass e.g. 'a photo of a {}'.",
    });
  }
  const size = options.imageSize ?? 64;
  const keys = [...EVAL_CONCEPTS];
  const text = await clip.embedTexts(keys.map((k) => evalLabel(k, template)));
  const groups: Array<{ group: string; seen: boolean; items: EmojiItem[] }> = [
    { group: 'seen styles (held-out icons)', seen: true, items: evalItems('seen', options.seed) },
    ...(options.styles ?? UNSEEN_EVAL_STYLES).map((s) => ({
      group: s,
      seen: false,
      items: evalItems(s, options.seed),
    })),
  ];
  const out: StyleAccuracy[] = [];
  for (const g of groups) {
    const pngs = await Promise.all(g.items.map((i) => renderIconPng(loadEmojiSet(i.set).icons.get(i.key)!, { size })));
    const images = await clip.embedImages(pngs);
    // The same scoring as training and the quality test: top-1 / top-5 with ties going to the lower label index.
    const scores = zeroShotScores(
      images.data,
      text.data,
      images.cols,
      g.items.map((i) => keys.indexOf(i.key)),
      keys,
    );
    const hits = g.items.filter((i) => scores.perConcept[i.key].top1 > 0).map((i) => i.key);
    const misses = g.items
      .filter((i) => scores.perConcept[i.key].top1 === 0)
      .map((i) => ({ concept: i.key, predicted: scores.perConcept[i.key].predicted[0] }));
    const n = g.items.length;
    out.push({ group: g.group, seen: g.seen, n, top1: scores.top1, top5: scores.top5, hits, misses });
  }
  return out;
}

export interface TemplateAccuracy {
  /** The template, or 'ensemble of all' (the normalised mean of the templates' label embeddings). */
  template: string;
  top1: number;
  top5: number;
  /** The predicted concept of each icon, in `items` order. */
  predicted: string[];
}

/**
 * Prompt templates measured over a whole style instead of one image: zero-shot top-1 / top-5 among the eval list's
 * labels for every eval-list icon of `style`, with each template, and with all of them ensembled (CLIP's prompt
 * ensembling: normalise each template's label embedding, average, normalise again).
 *
 * @example
 *   const r = await templateAccuracy(clip, { templates: ['a photo of a {}', 'a drawing of a {}'], style: 'openmoji' });
 *   r.rows.map((t) => `${t.template}: ${(100 * t.top1).toFixed(0)} %`);
 *   // [ 'a photo of a {}: 6x %', 'a drawing of a {}: 6x %', 'ensemble of all: 6x %' ]
 *   r.changed;   // icons whose predicted label differs between some two rows
 */
export async function templateAccuracy(
  clip: ImageTextEmbedder,
  options: { templates: readonly string[]; style: 'seen' | EmojiSetName; imageSize?: number; seed?: number },
): Promise<{ items: EmojiItem[]; rows: TemplateAccuracy[]; changed: number }> {
  const templates = options.templates;
  if (templates.length === 0)
    throw new EmojiWorldError('templateAccuracy: no templates were given.', {
      fix: "Pass e.g. templates: ['a photo of a {}', 'a drawing of a {}'].",
    });
  const bad = templates.find((t) => !t.includes('{}'));
  if (bad !== undefined)
    throw new EmojiWorldError(`templateAccuracy: the template "${bad}" has no {} for the concept's name.`, {
      fix: "Write the template with {}, e.g. 'a photo of a {}'.",
    });
  const keys = [...EVAL_CONCEPTS];
  const items = evalItems(options.style, options.seed);
  const size = options.imageSize ?? 64;
  const pngs = await Promise.all(items.map((i) => renderIconPng(loadEmojiSet(i.set).icons.get(i.key)!, { size })));
  const images = await clip.embedImages(pngs);
  const d = images.cols;
  const truth = items.map((i) => keys.indexOf(i.key));
  const ensemble = new Float32Array(keys.length * d);
  const rows: TemplateAccuracy[] = [];
  const score = (template: string, text: Float32Array) => {
    const s = zeroShotScores(images.data, text, d, truth, keys);
    rows.push({ template, top1: s.top1, top5: s.top5, predicted: items.map((i) => s.perConcept[i.key].predicted[0]) });
  };
  for (const template of templates) {
    const text = (await clip.embedTexts(keys.map((k) => evalLabel(k, template)))).data;
    const unit = normalizeRows(Float32Array.from(text), d);
    for (let i = 0; i < unit.length; i++) ensemble[i] += unit[i];
    score(template, text);
  }
  normalizeRows(ensemble, d);
  if (templates.length > 1) score('ensemble of all', ensemble);
  const changed = items.filter((_, k) => new Set(rows.map((r) => r.predicted[k])).size > 1).length;
  return { items, rows, changed };
}
