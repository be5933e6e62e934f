/**
 * A grid of icons for notebooks: one row per emoji set (style), one column per concept, with the set's name at the
 * left of its row and the concept's name over its column. A concept a set does not draw leaves its cell empty.
 *
 * @example
 *   const png = await styleMontage(['catface', 'rocket'], ['noto', 'openmoji'], { size: 64 });
 *   // a PNG Buffer: 2 rows × 2 columns of 64-pixel icons plus the labels
 */
import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';
import { EmojiWorldError } from './errors';
import { renderIconPng } from './render';
import { EmojiSetName, loadEmojiSet } from './sets';
import { emojiConcepts } from './concepts';

export interface MontageOptions {
  /** Side of one icon in pixels (default 64). */
  size?: number;
  /** Width of the row-label column in pixels (default 150). */
  labelWidth?: number;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The concept's readable name ('cat face'), or its key when the concept list does not know it. */
function conceptName(key: string): string {
  return emojiConcepts().get(key)?.label ?? key;
}

/**
 * Renders `keys` (concept keys, e.g. 'catface') as drawn by each of `sets`, as one PNG.
 * Throws `EmojiWorldError` for an empty list or a size outside 16..256.
 */
export async function styleMontage(
  keys: readonly string[],
  sets: readonly EmojiSetName[],
  options: MontageOptions = {},
): Promise<Buffer> {
  const size = options.size ?? 64;
  const labelWidth = options.labelWidth ?? 150;
  if (keys.length === 0 || sets.length === 0) {
    throw new EmojiWorldError(
      `styleMontage: got ${keys.length} concepts and ${sets.length} sets; both lists must be non-empty.`,
      {
        fix: "Pass e.g. styleMontage(['catface', 'rocket'], ['noto', 'openmoji']).",
      },
    );
  }
  if (!Number.isInteger(size) || size < 16 || size > 256) {
    throw new EmojiWorldError(`styleMontage: size ${size} is not a whole number of pixels in 16..256.`, {
      fix: 'Pass e.g. { size: 64 }.',
    });
  }
  const gap = 6;
  const header = 44;
  const cell = size + gap;
  const width = labelWidth + keys.length * cell;
  const height = header + sets.length * cell;
  const composites: OverlayOptions[] = [];
  for (let r = 0; r < sets.length; r++) {
    const icons = loadEmojiSet(sets[r]).icons;
    for (let c = 0; c < keys.length; c++) {
      const icon = icons.get(keys[c]);
      if (!icon) continue;
      composites.push({
        input: await renderIconPng(icon, { size }),
        left: labelWidth + c * cell,
        top: header + r * cell,
      });
    }
  }
  const font = 'font-family="DejaVu Sans, sans-serif" font-size="12" fill="#333"';
  const text = [
    ...sets.map(
      (s, r) =>
        `<text x="${labelWidth - 8}" y="${header + r * cell + size / 2 + 4}" text-anchor="end" ${font}>${escapeXml(s)}</text>`,
    ),
    ...keys.flatMap((k, c) => {
      // Up to two lines of about a cell's width each, so neighbouring names never run into each other.
      const maxChars = Math.max(4, Math.floor(cell / 7.5));
      const lines: string[] = [];
      for (const word of conceptName(k).split(' ')) {
        const last = lines.length - 1;
        if (last >= 0 && (lines[last] + ' ' + word).length <= maxChars) lines[last] += ' ' + word;
        else lines.push(word);
      }
      if (lines.length > 2)
        lines.splice(
          1,
          lines.length - 1,
          `${lines
            .slice(1)
            .join(' ')
            .slice(0, maxChars - 1)}…`,
        );
      const shown = lines.map((l) => (l.length > maxChars ? `${l.slice(0, maxChars - 1)}…` : l));
      const x = labelWidth + c * cell + size / 2;
      return shown.map(
        (l, i) =>
          `<text x="${x}" y="${header - 8 - (shown.length - 1 - i) * 14}" text-anchor="middle" ${font}>${escapeXml(l)}</text>`,
      );
    }),
  ].join('');
  composites.push({
    input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${text}</svg>`),
    left: 0,
    top: 0,
  });
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer();
}
