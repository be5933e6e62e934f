/** Captions of shapes-world scenes: one object from a template, several objects grouped and counted. */
import { CAPTION_TEMPLATES, type Colour, type Shape, type Size } from './vocab';
import type { Scene } from './draw';

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
    .map((g) =>
      g.n === 1
        ? `${article(g.colour)} ${g.colour} ${g.shape}`
        : `${COUNT_WORDS[g.n] ?? String(g.n)} ${g.colour} ${g.shape}s`,
    )
    .join(' and ');
}
