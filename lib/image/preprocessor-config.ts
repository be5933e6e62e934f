/**
 * Hugging Face's preprocessor_config.json for CLIP-style image processors: its shape (`PreprocessorConfig`, both
 * the current and the older flat form), openai/clip-vit-base-patch32's values (`CLIP_VIT_B32_PREPROCESSOR`, the
 * default), reading one from a file or model folder (`loadPreprocessorConfig`), and checking and resolving one
 * into what lib/image/preprocess.ts runs (`resolveConfig`: the resize and crop sizes, the filter, and rescale plus
 * normalize folded into a float32 table per channel, in Hugging Face's order of float operations). A value that
 * cannot work raises `PreprocessorConfigError`, naming the key and the value.
 *
 * @example
 *   const cfg = await loadPreprocessorConfig('models/clip'); // reads models/clip/preprocessor_config.json
 *   resolveConfig({ shortest_edge: 256, crop_size: 256 }).crop; // { height: 256, width: 256 }
 *   resolveConfig({ image_std: [0.3, 0, 0.3] }); // throws PreprocessorConfigError: image_std … contains 0
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { PreprocessorConfigError } from './errors';
import { describeValue, MAX_PREPROCESS_SIZE } from './options';

/** A height × width pair, as Hugging Face writes `crop_size` and exact `size`. */
export interface HeightWidth {
  height: number;
  width: number;
}

/**
 * Hugging Face's preprocessor_config.json for CLIP-style processors. Both shapes HF has used are accepted:
 * `size: { shortest_edge: 224 }` / `crop_size: { height: 224, width: 224 }` and the older flat numbers
 * (`size: 224`, `crop_size: 224`). `size: { height, width }` resizes to exactly that size. `shortest_edge`
 * (flat) is a convenience that overrides `size`.
 */
export interface PreprocessorConfig {
  do_resize: boolean;
  size: number | { shortest_edge: number } | HeightWidth;
  shortest_edge?: number;
  do_center_crop: boolean;
  crop_size: number | HeightWidth;
  do_rescale: boolean;
  rescale_factor: number;
  do_normalize: boolean;
  image_mean: number | number[];
  image_std: number | number[];
  /** Pillow filter code: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming. */
  resample: number;
  /** Always effectively true here: the output has 3 channels. */
  do_convert_rgb?: boolean;
  image_processor_type?: string;
}

/**
 * openai/clip-vit-base-patch32's preprocessor_config.json (the same values for every OpenAI CLIP ViT at 224 px).
 *
 * @example
 *   CLIP_VIT_B32_PREPROCESSOR.image_mean; // [0.48145466, 0.4578275, 0.40821073]
 */
export const CLIP_VIT_B32_PREPROCESSOR: Readonly<PreprocessorConfig> = Object.freeze({
  crop_size: { height: 224, width: 224 },
  do_center_crop: true,
  do_convert_rgb: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_processor_type: 'CLIPImageProcessor',
  image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
  rescale_factor: 0.00392156862745098,
  size: { shortest_edge: 224 },
});

/** The checked, resolved form of a config. */
export interface ResolvedConfig {
  resize: { kind: 'none' } | { kind: 'shortest'; edge: number } | { kind: 'exact'; height: number; width: number };
  crop: HeightWidth | null;
  resample: number;
  /** Per channel: the float32 output for each byte value 0..255 (rescale and normalize folded into a table). */
  lut: Float32Array[];
}

/** A config value for a message: NaN and Infinity as such (JSON.stringify would print null), arrays item by item. */
function shown(v: unknown): string {
  if (Array.isArray(v))
    return `[${v.map((x) => (typeof x === 'number' ? describeValue(x) : JSON.stringify(x))).join(', ')}]`;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${typeof x === 'number' ? describeValue(x) : JSON.stringify(x)}`)
      .join(', ')} }`;
  }
  return describeValue(v);
}

/** A resize or crop side: an integer from 1 to MAX_PREPROCESS_SIZE (4096) pixels. */
function positiveInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_PREPROCESS_SIZE) {
    throw new PreprocessorConfigError(
      `Preprocessor config: ${name} must be an integer from 1 to ${MAX_PREPROCESS_SIZE} (pixels), got ${shown(v)}. Fix it (CLIP uses 224; larger CLIPs 336 or 448).`,
    );
  }
  return v;
}

function threeNumbers(v: unknown, name: string): number[] {
  const arr = typeof v === 'number' ? [v, v, v] : v;
  if (!Array.isArray(arr) || arr.length !== 3 || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new PreprocessorConfigError(
      `Preprocessor config: ${name} must be one number or three (R, G, B), got ${shown(v)}. CLIP's is ${JSON.stringify(CLIP_VIT_B32_PREPROCESSOR[name as 'image_mean'])}.`,
    );
  }
  return arr as number[];
}

export function resolveConfig(partial: Partial<PreprocessorConfig> = {}): ResolvedConfig {
  if (partial === null || typeof partial !== 'object') {
    throw new PreprocessorConfigError(
      `Preprocessor config must be an object like preprocessor_config.json, got ${shown(partial)}.`,
    );
  }
  const c = { ...CLIP_VIT_B32_PREPROCESSOR, ...partial } as PreprocessorConfig;
  let resize: ResolvedConfig['resize'] = { kind: 'none' };
  if (c.do_resize) {
    if (partial.shortest_edge !== undefined)
      resize = { kind: 'shortest', edge: positiveInt(partial.shortest_edge, 'shortest_edge') };
    else if (typeof c.size === 'number') resize = { kind: 'shortest', edge: positiveInt(c.size, 'size') };
    else if (c.size && typeof c.size === 'object' && 'shortest_edge' in c.size)
      resize = { kind: 'shortest', edge: positiveInt(c.size.shortest_edge, 'size.shortest_edge') };
    else if (c.size && typeof c.size === 'object' && 'height' in c.size && 'width' in c.size) {
      resize = {
        kind: 'exact',
        height: positiveInt(c.size.height, 'size.height'),
        width: positiveInt(c.size.width, 'size.width'),
      };
    } else {
      throw new PreprocessorConfigError(
        `Preprocessor config: size must be a number, { shortest_edge } or { height, width }, got ${shown(c.size)}.`,
      );
    }
  }
  let crop: HeightWidth | null = null;
  if (c.do_center_crop) {
    if (typeof c.crop_size === 'number') crop = { height: positiveInt(c.crop_size, 'crop_size'), width: c.crop_size };
    else if (c.crop_size && typeof c.crop_size === 'object')
      crop = {
        height: positiveInt(c.crop_size.height, 'crop_size.height'),
        width: positiveInt(c.crop_size.width, 'crop_size.width'),
      };
    else
      throw new PreprocessorConfigError(
        `Preprocessor config: crop_size must be a number or { height, width }, got ${shown(c.crop_size)}.`,
      );
  }
  if (!Number.isInteger(c.resample) || c.resample < 0 || c.resample > 5) {
    throw new PreprocessorConfigError(
      `Preprocessor config: resample must be a Pillow filter code 0..5 (3 = bicubic), got ${shown(c.resample)}.`,
    );
  }
  if (c.do_rescale && !(typeof c.rescale_factor === 'number' && Number.isFinite(c.rescale_factor))) {
    throw new PreprocessorConfigError(
      `Preprocessor config: rescale_factor must be a finite number (1/255 = 0.00392156862745098), got ${shown(c.rescale_factor)}.`,
    );
  }
  const mean = threeNumbers(c.image_mean, 'image_mean');
  const std = threeNumbers(c.image_std, 'image_std');
  if (c.do_normalize && std.some((s) => s === 0))
    throw new PreprocessorConfigError(
      `Preprocessor config: image_std ${JSON.stringify(std)} contains 0; dividing by it is undefined.`,
    );
  // Hugging Face: rescale = float64 multiply then cast to float32; normalize = (x − mean) / std in float32.
  const lut = [0, 1, 2].map((ch) => {
    const table = new Float32Array(256);
    const meanF = Math.fround(mean[ch]);
    const stdF = Math.fround(std[ch]);
    for (let v = 0; v < 256; v++) {
      let x = c.do_rescale ? Math.fround(v * c.rescale_factor) : v;
      if (c.do_normalize) x = Math.fround(Math.fround(x - meanF) / stdF);
      table[v] = x;
    }
    return table;
  });
  return { resize, crop, resample: c.resample, lut };
}

/**
 * Reads a Hugging Face preprocessor_config.json (or a model folder that contains one) and checks it.
 *
 * @example
 *   const cfg = await loadPreprocessorConfig('models/clip/preprocessor_config.json');
 *   cfg.size; // { shortest_edge: 224 }
 *   await preprocessImage('assets/images/chelsea.png', cfg);
 */
export async function loadPreprocessorConfig(pathToJson: string): Promise<PreprocessorConfig> {
  let file = pathToJson;
  let text: string;
  try {
    if ((await fsp.stat(file)).isDirectory()) file = path.join(file, 'preprocessor_config.json');
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new PreprocessorConfigError(
      `Cannot read preprocessor config ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Pass the path of a preprocessor_config.json or of the model folder that holds it.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new PreprocessorConfigError(
      `Preprocessor config ${JSON.stringify(file)} is not valid JSON (${(e as Error).message}). Re-download it or fix the syntax.`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PreprocessorConfigError(
      `Preprocessor config ${JSON.stringify(file)} must hold a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}.`,
    );
  }
  const cfg = { ...CLIP_VIT_B32_PREPROCESSOR, ...(parsed as Partial<PreprocessorConfig>) };
  resolveConfig(parsed as Partial<PreprocessorConfig>); // throws PreprocessorConfigError when a value cannot work
  return cfg;
}
