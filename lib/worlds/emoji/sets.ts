/**
 * The emoji sets of the emoji world: Iconify JSON packages on npm (`@iconify-json/<set>`, pinned in package.json),
 * each an artist's drawing of the same Unicode concepts, with its licence and attribution.
 *
 * An Iconify set is `icons.json`: `{ icons: { name: { body, width?, height? } }, aliases: { name: { parent } },
 * width, height }`; `body` is the inside of an `<svg>`.
 *
 * @example
 *   const noto = loadEmojiSet('noto');
 *   noto.icons.size;                       // 1749 after dropping skin tones, flags, keycaps and bare digits
 *   noto.icons.get('catface')?.name;       // 'cat-face'
 *   iconSvg(noto.icons.get('catface')!, 96).slice(0, 40);   // '<svg xmlns="http://www.w3.org/2000/svg" '
 */
import { EmojiWorldError } from './errors';

export type EmojiSetName =
  | 'noto'
  | 'noto-v1'
  | 'twemoji'
  | 'emojione'
  | 'fxemoji'
  | 'streamline-emojis'
  | 'fluent-emoji'
  | 'fluent-emoji-flat'
  | 'openmoji'
  | 'emojione-v1';

export interface EmojiSetInfo {
  name: EmojiSetName;
  /** SPDX licence of the artwork. */
  licence: string;
  /** Who to credit (CC-BY requires it). */
  attribution: string;
  /** The Iconify package the icons come from. */
  package: string;
}

/** Every set the course knows, with its licence and attribution. */
export const EMOJI_SETS: Readonly<Record<EmojiSetName, EmojiSetInfo>> = {
  noto: {
    name: 'noto',
    licence: 'Apache-2.0',
    attribution: 'Noto Emoji by Google Inc.',
    package: '@iconify-json/noto',
  },
  'noto-v1': {
    name: 'noto-v1',
    licence: 'Apache-2.0',
    attribution: 'Noto Emoji (v1) by Google Inc.',
    package: '@iconify-json/noto-v1',
  },
  twemoji: {
    name: 'twemoji',
    licence: 'CC-BY-4.0',
    attribution: 'Twemoji by Twitter, Inc. and other contributors',
    package: '@iconify-json/twemoji',
  },
  emojione: {
    name: 'emojione',
    licence: 'CC-BY-4.0',
    attribution: 'EmojiOne by Emoji One (JoyPixels)',
    package: '@iconify-json/emojione',
  },
  fxemoji: {
    name: 'fxemoji',
    licence: 'Apache-2.0',
    attribution: 'Firefox OS Emoji (fxemoji) by Mozilla',
    package: '@iconify-json/fxemoji',
  },
  'streamline-emojis': {
    name: 'streamline-emojis',
    licence: 'CC-BY-4.0',
    attribution: 'Streamline Emojis by Streamline (webalys)',
    package: '@iconify-json/streamline-emojis',
  },
  'fluent-emoji': {
    name: 'fluent-emoji',
    licence: 'MIT',
    attribution: 'Fluent Emoji by Microsoft Corporation',
    package: '@iconify-json/fluent-emoji',
  },
  'fluent-emoji-flat': {
    name: 'fluent-emoji-flat',
    licence: 'MIT',
    attribution: 'Fluent Emoji (flat) by Microsoft Corporation',
    package: '@iconify-json/fluent-emoji-flat',
  },
  openmoji: {
    name: 'openmoji',
    licence: 'CC-BY-SA-4.0',
    attribution: 'OpenMoji – the open-source emoji and icon project',
    package: '@iconify-json/openmoji',
  },
  'emojione-v1': {
    name: 'emojione-v1',
    licence: 'CC-BY-SA-4.0',
    attribution: 'EmojiOne (v1) by Emoji One',
    package: '@iconify-json/emojione-v1',
  },
};

export const EMOJI_SET_NAMES = Object.keys(EMOJI_SETS) as EmojiSetName[];

/** One drawable icon of a set. */
export interface EmojiIcon {
  set: EmojiSetName;
  /** The icon's name in its set ('cat-face'; fxemoji writes 'catface'). */
  name: string;
  /** The concept key shared across sets: the name without hyphens ('catface'). */
  key: string;
  body: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface EmojiSet {
  info: EmojiSetInfo;
  /** Icons by concept key (aliases resolved; skin tones, flags, keycaps and bare digits dropped). */
  icons: Map<string, EmojiIcon>;
}

/** Names the world leaves out: skin-tone variants, flags, keycaps, regional indicators, bare digits. */
export function isDroppedName(name: string): boolean {
  return /skin-?tone|(^|-)flag($|-)|^flag|keycap|regional-?indicator|^\d+$|tone\d/.test(name);
}

/**
 * The concept key of an icon name: lowercase, without hyphens (so fxemoji's 'catface' meets noto's 'cat-face').
 *
 * @example
 *   conceptKey('Cat-Face');   // 'catface'
 */
export function conceptKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

interface IconifyJson {
  icons: Record<
    string,
    { body: string; width?: number; height?: number; left?: number; top?: number; hidden?: boolean }
  >;
  aliases?: Record<string, { parent: string; hFlip?: boolean; vFlip?: boolean; rotate?: number }>;
  width?: number;
  height?: number;
  left?: number;
  top?: number;
}

const cache = new Map<EmojiSetName, EmojiSet>();

/**
 * Loads a set from its npm package (cached per process). Throws EmojiWorldError for an unknown set or a missing package.
 *
 * @example
 *   loadEmojiSet('openmoji').icons.has('redapple');   // true
 */
export function loadEmojiSet(name: EmojiSetName): EmojiSet {
  const known = cache.get(name);
  if (known) return known;
  const info = EMOJI_SETS[name];
  if (!info)
    throw new EmojiWorldError(`emoji set "${name}" is not a set the course knows.`, {
      fix: `Use one of ${EMOJI_SET_NAMES.join(', ')}.`,
    });
  let json: IconifyJson;
  try {
    json = require(`${info.package}/icons.json`) as IconifyJson;
  } catch (err) {
    throw new EmojiWorldError(
      `emoji set "${name}": its package ${info.package} could not be loaded (${(err as Error).message.split('\n')[0]}).`,
      {
        fix: 'Run `npm ci` in the course folder (the sets are pinned dependencies in package.json).',
        cause: err,
      },
    );
  }
  const icons = new Map<string, EmojiIcon>();
  const add = (iconName: string, sourceName: string) => {
    if (isDroppedName(iconName)) return;
    const src = json.icons[sourceName];
    if (!src || src.hidden) return;
    const key = conceptKey(iconName);
    if (!key || icons.has(key)) return;
    icons.set(key, {
      set: name,
      name: iconName,
      key,
      body: src.body,
      left: src.left ?? json.left ?? 0,
      top: src.top ?? json.top ?? 0,
      width: src.width ?? json.width ?? 16,
      height: src.height ?? json.height ?? 16,
    });
  };
  for (const iconName of Object.keys(json.icons).sort()) add(iconName, iconName);
  for (const [alias, a] of Object.entries(json.aliases ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (a.hFlip || a.vFlip || a.rotate) continue; // a transformed alias would need the transform drawn too
    if (json.icons[a.parent]) add(alias, a.parent);
  }
  const set = { info, icons };
  cache.set(name, set);
  return set;
}

/**
 * A standalone SVG document of an icon at `size` × `size` pixels (aspect kept by the viewBox).
 *
 * @example
 *   iconSvg(loadEmojiSet('twemoji').icons.get('rocket')!, 64);   // '<svg xmlns=… width="64" height="64" viewBox="0 0 36 36">…</svg>'
 */
export function iconSvg(icon: EmojiIcon, size: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${size}" height="${size}" ` +
    `viewBox="${icon.left} ${icon.top} ${icon.width} ${icon.height}">${icon.body}</svg>`
  );
}
