/**
 * Writes the emoji-CLIP in the transformers.js CLIP layout with the course's own ONNX writer
 * (lib/mini-clip/onnx.ts) — config.json (model_type "clip"), preprocessor_config.json, the WordPiece tokenizer
 * files, onnx/model.onnx, onnx/text_model.onnx, onnx/vision_model.onnx and the weight-only fp16 / q8 copies of
 * the two encoders — and reads it back into TensorFlow.js (`loadEmojiClipWeights`).
 *
 * @example
 *   exportEmojiClip(run.model, run.tokenizer, 'assets/models/emoji-clip', { course_training: { … } });
 *   // { 'config.json': 3012, 'onnx/model.onnx': 4.1e6, …, 'onnx/vision_model_quantized.onnx': 0.9e6 }
 */
import * as fs from 'fs';
import * as path from 'path';
import { OnnxGraph, parseOnnxModel } from '../../mini-clip/onnx';
import { MiniClipTokenizer } from '../../mini-clip/tokenizer';
import {
  clipConfigJson,
  clipFullModelBytes,
  clipPreprocessorConfig,
  writeClipModelFolder,
} from '../../mini-clip/export';
import { EmojiClip, EmojiClipConfig, Weights, emojiClipParameterShapes, grids } from './model';
import { DEFAULT_TEMPLATE } from './captions';
import { EmojiWorldError } from './errors';

/** Where the course's emoji-CLIP lives, relative to the course root. */
export const EMOJI_CLIP_DIR = 'assets/models/emoji-clip';

function addWeights(g: OnnxGraph, weights: Weights, names: string[]): void {
  for (const name of names) {
    const w = weights[name];
    if (!w)
      throw new EmojiWorldError(`weights: "${name}" is missing.`, {
        fix: 'Export the weights of a complete emoji-CLIP.',
      });
    g.initializer(name, w.data, w.shape);
  }
}

const linear = (g: OnnxGraph, x: string, w: string, b?: string) =>
  b ? g.op('Add', [g.op('MatMul', [x, w]), b]) : g.op('MatMul', [x, w]);

/** The image encoder as ONNX nodes (model.ts `imageFeatures` + projection). */
export function addEmojiVisionGraph(
  g: OnnxGraph,
  c: EmojiClipConfig,
  weights: Weights,
  pixelValues: string,
): { embeds: string; hidden: string } {
  addWeights(
    g,
    weights,
    Object.keys(emojiClipParameterShapes(c)).filter((n) => n.startsWith('vision.') || n === 'visual_projection.weight'),
  );
  const [g1, g2, g3] = grids(c);
  const p = c.patchSize;
  const six = g.op('Reshape', [pixelValues, g.constInt64([-1, 3, g1, p, g1, p])]);
  const patches = g.op('Reshape', [
    g.op('Transpose', [six], { perm: [0, 2, 4, 1, 3, 5] }),
    g.constInt64([-1, g1 * g1, 3 * p * p]),
  ]);
  const h1 = g.op(
    'Relu',
    [g.op('Add', [linear(g, patches, 'vision.stem.weight', 'vision.stem.bias'), 'vision.position'])],
    {},
    'vision_stage1',
  );
  const merge = (x: string, grid: number, ch: number) => {
    const m = g.op('Reshape', [x, g.constInt64([-1, grid / 2, 2, grid / 2, 2, ch])]);
    return g.op('Reshape', [
      g.op('Transpose', [m], { perm: [0, 1, 3, 2, 4, 5] }),
      g.constInt64([-1, (grid / 2) * (grid / 2), 4 * ch]),
    ]);
  };
  const h2 = g.op(
    'Relu',
    [linear(g, merge(h1, g1, c.c1), 'vision.merge1.weight', 'vision.merge1.bias')],
    {},
    'vision_stage2',
  );
  const h3 = g.op(
    'Relu',
    [linear(g, merge(h2, g2, c.c2), 'vision.merge2.weight', 'vision.merge2.bias')],
    {},
    'vision_stage3',
  );
  const flat = g.op(
    'Concat',
    [
      g.op('Reshape', [h3, g.constInt64([-1, g3 * g3 * c.c3])]),
      g.op('ReduceMean', [h1], { axes: [1], keepdims: 0 }),
      g.op('ReduceMean', [h2], { axes: [1], keepdims: 0 }),
    ],
    { axis: 1 },
  );
  const head = g.op('Relu', [linear(g, flat, 'vision.head.weight', 'vision.head.bias')]);
  return { embeds: g.op('MatMul', [head, 'visual_projection.weight'], {}, 'vision_embeds_raw'), hidden: h3 };
}

/** The text encoder as ONNX nodes: Gather → masked mean → MLP with a linear skip. */
export function addEmojiTextGraph(
  g: OnnxGraph,
  c: EmojiClipConfig,
  weights: Weights,
  inputIds: string,
  attentionMask: string,
): { embeds: string; hidden: string } {
  addWeights(g, weights, [
    'text.token_embedding',
    'text.fc.weight',
    'text.fc.bias',
    'text_projection.weight',
    'text.skip.weight',
  ]);
  const tokens = g.op('Gather', ['text.token_embedding', inputIds], { axis: 0 }, 'text_token_hidden');
  const mask = g.op('Cast', [attentionMask], { to: 1 });
  const summed = g.op(
    'ReduceSum',
    [g.op('Mul', [tokens, g.op('Unsqueeze', [mask, g.constInt64([2])])]), g.constInt64([1])],
    { keepdims: 0 },
  );
  const count = g.op('Max', [g.op('ReduceSum', [mask, g.constInt64([1])], { keepdims: 1 }), g.constFloat([1], [])]);
  const pooled = g.op('Div', [summed, count], {}, 'text_pooled');
  const hidden = g.op('Relu', [linear(g, pooled, 'text.fc.weight', 'text.fc.bias')]);
  const embeds = g.op(
    'Add',
    [g.op('MatMul', [hidden, 'text_projection.weight']), g.op('MatMul', [pooled, 'text.skip.weight'])],
    {},
    'text_embeds_raw',
  );
  return { embeds, hidden: tokens };
}

const DOC =
  'The vlm-course-ts emoji-CLIP: trained on emoji art styles (noto, noto-v1, twemoji, emojione, fxemoji, streamline-emojis) with a contrastive loss; written by lib/mini-clip/onnx.ts. See README.md.';

export function emojiVisionModelBytes(c: EmojiClipConfig, weights: Weights): Uint8Array {
  const g = new OnnxGraph('emoji_clip_vision');
  g.input('pixel_values', 'float', ['batch_size', 3, c.imageSize, c.imageSize]);
  const { embeds, hidden } = addEmojiVisionGraph(g, c, weights, 'pixel_values');
  g.output(embeds, 'float', ['batch_size', c.projectionDim], 'image_embeds');
  g.output(hidden, 'float', ['batch_size', grids(c)[2] ** 2, c.c3], 'last_hidden_state');
  return g.toModelBytes({ docString: DOC });
}

export function emojiTextModelBytes(c: EmojiClipConfig, weights: Weights): Uint8Array {
  const g = new OnnxGraph('emoji_clip_text');
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const { embeds, hidden } = addEmojiTextGraph(g, c, weights, 'input_ids', 'attention_mask');
  g.output(embeds, 'float', ['batch_size', c.projectionDim], 'text_embeds');
  g.output(hidden, 'float', ['batch_size', 'sequence_length', c.textEmbed], 'last_hidden_state');
  return g.toModelBytes({ docString: DOC });
}

export function emojiFullModelBytes(c: EmojiClipConfig, weights: Weights): Uint8Array {
  return clipFullModelBytes(
    'emoji_clip',
    c,
    weights,
    {
      text: (g, ids, mask) => addEmojiTextGraph(g, c, weights, ids, mask),
      vision: (g, pixels) => addEmojiVisionGraph(g, c, weights, pixels),
    },
    DOC,
  );
}

/** config.json: the fields transformers.js reads for model_type "clip", plus the course's own. */
export function emojiClipConfigJson(
  c: EmojiClipConfig,
  tokenizer: MiniClipTokenizer,
  learnedLogitScale: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return clipConfigJson(
    { ...c, textHidden: c.textEmbed, visionHidden: c.c3 },
    tokenizer,
    learnedLogitScale,
    { course_default_template: DEFAULT_TEMPLATE },
    { emoji_clip: { ...c }, ...extra },
  );
}

/** preprocessor_config.json: CLIP's processor at the model's input size (a 48×48 render passes unchanged). */
export function emojiClipPreprocessorConfig(c: EmojiClipConfig): Record<string, unknown> {
  return clipPreprocessorConfig(c.imageSize);
}

/**
 * Writes the model folder; returns each file's size in bytes. `extraFiles` (e.g. the training log) are written too.
 */
export function exportEmojiClip(
  model: EmojiClip,
  tokenizer: MiniClipTokenizer,
  dir: string,
  extra: Record<string, unknown> = {},
  extraFiles: Record<string, string> = {},
): Record<string, number> {
  const c = model.config;
  const weights = model.weights();
  const files: Record<string, string | Uint8Array> = {
    'config.json':
      JSON.stringify(emojiClipConfigJson(c, tokenizer, weights['logit_scale'].data[0], extra), null, 2) + '\n',
    'preprocessor_config.json': JSON.stringify(emojiClipPreprocessorConfig(c), null, 2) + '\n',
    ...tokenizer.files(),
    'onnx/model.onnx': emojiFullModelBytes(c, weights),
    'onnx/text_model.onnx': emojiTextModelBytes(c, weights),
    'onnx/vision_model.onnx': emojiVisionModelBytes(c, weights),
    ...extraFiles,
  };
  return writeClipModelFolder(dir, files);
}

/**
 * The config and weights of an exported emoji-CLIP (from config.json and onnx/model.onnx), e.g. to fine-tune it in
 * TensorFlow.js: `EmojiClip.fromWeights(config, weights)`.
 *
 * @example
 *   const { config } = loadEmojiClipWeights('assets/models/emoji-clip');   // config.imageSize === 48
 */
export function loadEmojiClipWeights(dir: string = EMOJI_CLIP_DIR): { config: EmojiClipConfig; weights: Weights } {
  const configFile = path.join(dir, 'config.json');
  const modelFile = path.join(dir, 'onnx', 'model.onnx');
  for (const f of [configFile, modelFile]) {
    if (!fs.existsSync(f))
      throw new EmojiWorldError(`${f} does not exist.`, {
        fix: 'Run `npm run train:emoji-clip` to write the model folder, or pass the folder that holds it.',
      });
  }
  const json = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { emoji_clip?: EmojiClipConfig };
  if (!json.emoji_clip)
    throw new EmojiWorldError(`${configFile} has no "emoji_clip" section: it is not an emoji-CLIP.`, {
      fix: 'Point at a folder written by exportEmojiClip.',
    });
  const parsed = parseOnnxModel(fs.readFileSync(modelFile));
  const weights: Weights = {};
  for (const name of Object.keys(emojiClipParameterShapes(json.emoji_clip))) {
    const t = parsed.initializers.get(name);
    if (!t || !(t.data instanceof Float32Array))
      throw new EmojiWorldError(`${modelFile} lacks the float weight "${name}".`, {
        fix: 'Re-export the model with `npm run train:emoji-clip`.',
      });
    weights[name] = { shape: t.dims.map(Number), data: t.data };
  }
  return { config: json.emoji_clip, weights };
}

export { EmojiClip };
