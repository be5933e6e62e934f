/**
 * Writes the mini-CLIP in the transformers.js model layout, with the course's own ONNX writer (no Python):
 *
 *   config.json                model_type "clip", text_config, vision_config, projection_dim, the learned scale
 *   preprocessor_config.json   CLIPImageProcessor at the model's input size (48): resize and crop are identities
 *   tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.txt   a WordPiece (BertTokenizer)
 *   onnx/model.onnx            input_ids, attention_mask, pixel_values → logits_per_image, logits_per_text,
 *                              text_embeds, image_embeds (the embeddings L2-normalized, as HF's CLIPModel)
 *   onnx/text_model.onnx       input_ids, attention_mask → text_embeds (not normalized), last_hidden_state
 *   onnx/vision_model.onnx     pixel_values → image_embeds (not normalized), last_hidden_state
 *
 * and reads it back (`loadMiniClip`) into TensorFlow.js from the ONNX weights.
 *
 * @example
 *   exportMiniClip(run.model, run.tokenizer, 'assets/models/mini-clip', { training: {...} });
 *   // then, in transformers.js: env.localModelPath = 'assets/models/'; env.allowRemoteModels = false;
 *   //   await pipeline('zero-shot-image-classification', 'mini-clip')
 */
import * as fs from 'fs';
import * as path from 'path';
import { CLIP_LOGIT_SCALE_MAX } from '../embeddings/contrastive';
import {
  MiniClip,
  MiniClipConfig,
  Weights,
  CLIP_IMAGE_MEAN,
  CLIP_IMAGE_STD,
  CENTRE_EPSILON,
  parameterShapes,
  MiniClipInputError,
} from './model';
import { OnnxGraph, parseOnnxModel } from './onnx';
import { MiniClipTokenizer } from './tokenizer';
import { DTYPE_FILE_SUFFIX, reducedPrecisionModel } from './quantize';
import { MODEL_DIRS } from '../course/paths';
import { CourseError } from '../course/errors';

/** Where the course's trained model lives, relative to the course root. */
export const MINI_CLIP_DIR = MODEL_DIRS.miniClip;

function addWeights(g: OnnxGraph, weights: Weights, names: string[]): void {
  for (const name of names) {
    const w = weights[name];
    if (!w) throw new MiniClipInputError(`weights: "${name}" is missing; export the weights of a complete mini-CLIP.`);
    g.initializer(name, w.data, w.shape);
  }
}

/** The foreground mask (model.ts `foreground`) as ONNX nodes. */
function addForeground(g: OnnxGraph, c: MiniClipConfig, pixelValues: string): { rgb: string; mask: string } {
  const rgb = g.op(
    'Add',
    [
      g.op('Mul', [pixelValues, g.constFloat([...CLIP_IMAGE_STD], [1, 3, 1, 1])]),
      g.constFloat([...CLIP_IMAGE_MEAN], [1, 3, 1, 1]),
    ],
    {},
    'vision_rgb',
  );
  const saturation = g.op('Sub', [
    g.op('ReduceMax', [rgb], { axes: [1], keepdims: 1 }),
    g.op('ReduceMin', [rgb], { axes: [1], keepdims: 1 }),
  ]);
  const scaled = g.op('Mul', [
    g.op('Sub', [saturation, g.constFloat([c.maskThreshold], [])]),
    g.constFloat([c.maskGain], []),
  ]);
  const mask = g.op('Clip', [scaled, g.constFloat([0], []), g.constFloat([1], [])], {}, 'vision_foreground_mask');
  return { rgb, mask };
}

/** Adds the image encoder to `g`; returns the names of the projected (unnormalized) embeddings and patch hiddens. */
export function addVisionGraph(
  g: OnnxGraph,
  c: MiniClipConfig,
  weights: Weights,
  pixelValues: string,
): { embeds: string; hidden: string } {
  const names = Object.keys(parameterShapes(c)).filter(
    (n) => n.startsWith('vision.') || n === 'visual_projection.weight',
  );
  addWeights(g, weights, names);
  const p = c.patchSize;
  const grid = c.imageSize / p;
  const n = grid * grid;
  const patchMlp = (x: string, channels: number) => {
    const six = g.op('Reshape', [x, g.constInt64([-1, channels, grid, p, grid, p])]);
    const moved = g.op('Transpose', [six], { perm: [0, 2, 4, 1, 3, 5] });
    const patches = g.op('Reshape', [moved, g.constInt64([-1, n, channels * p * p])]);
    const projected = g.op('Add', [g.op('MatMul', [patches, 'vision.patch.weight']), 'vision.patch.bias']);
    const hidden = g.op('Relu', [g.op('Add', [projected, 'vision.position'])], {}, 'vision_patch_hidden');
    const flat = g.op('Reshape', [hidden, g.constInt64([-1, n * c.patchHidden])]);
    const h1 = g.op('Relu', [g.op('Add', [g.op('MatMul', [flat, 'vision.fc1.weight']), 'vision.fc1.bias'])]);
    return { features: g.op('Add', [g.op('MatMul', [h1, 'vision.fc2.weight']), 'vision.fc2.bias']), hidden };
  };
  let features: string;
  let hidden: string;
  if (c.variant === 'plain') {
    ({ features, hidden } = patchMlp(pixelValues, 3));
  } else if (c.variant === 'centred') {
    const { mask } = addForeground(g, c, pixelValues);
    ({ features, hidden } = patchMlp(addCentreOn(g, pixelValues, mask, 3, c.imageSize), 3));
  } else {
    const { rgb, mask } = addForeground(g, c, pixelValues);
    const shape = patchMlp(addCentreOn(g, mask, mask, 1, c.imageSize), 1);
    hidden = shape.hidden;
    const axes = g.constInt64([2, 3]);
    const area = g.op('ReduceSum', [mask, axes], { keepdims: 0 });
    const meanColour = g.op(
      'Div',
      [
        g.op('ReduceSum', [g.op('Mul', [mask, rgb]), axes], { keepdims: 0 }),
        g.op('Add', [area, g.constFloat([1], [])]),
      ],
      {},
      'vision_mean_colour',
    );
    const hc = g.op('Relu', [
      g.op('Add', [g.op('MatMul', [meanColour, 'vision.colour1.weight']), 'vision.colour1.bias']),
    ]);
    const colour = g.op('Add', [g.op('MatMul', [hc, 'vision.colour2.weight']), 'vision.colour2.bias']);
    features = g.op('Concat', [shape.features, colour], { axis: 1 });
  }
  return { embeds: g.op('MatMul', [features, 'visual_projection.weight'], {}, 'vision_embeds_raw'), hidden };
}

/** `centreOn` (model.ts) as ONNX nodes: centre of mass of `mask`, then x_c ← A_y · x_c · A_xᵀ with A[i, j] = relu(1 − |j − i − shift|). */
function addCentreOn(g: OnnxGraph, x: string, mask: string, channels: number, s: number): string {
  const m = g.op('Reshape', [mask, g.constInt64([-1, s, s])]);
  const coords = Array.from({ length: s }, (_, i) => i);
  const area = g.op('Add', [
    g.op('ReduceSum', [m, g.constInt64([1, 2])], { keepdims: 1 }),
    g.constFloat([CENTRE_EPSILON], []),
  ]); // [B,1,1]
  const cx = g.op('Div', [
    g.op('ReduceSum', [g.op('Mul', [m, g.constFloat(coords, [1, 1, s])]), g.constInt64([1, 2])], { keepdims: 1 }),
    area,
  ]);
  const cy = g.op('Div', [
    g.op('ReduceSum', [g.op('Mul', [m, g.constFloat(coords, [1, s, 1])]), g.constInt64([1, 2])], { keepdims: 1 }),
    area,
  ]);
  const jMinusI = g.constFloat(
    coords.flatMap((i) => coords.map((j) => j - i)),
    [1, s, s],
  );
  const centre = g.constFloat([(s - 1) / 2], []);
  const one = g.constFloat([1], []);
  // [B, 1, S, S]: broadcast over the channels by MatMul
  const shiftMatrix = (c: string) =>
    g.op('Unsqueeze', [
      g.op('Relu', [g.op('Sub', [one, g.op('Abs', [g.op('Sub', [jMinusI, g.op('Sub', [c, centre])])])])]),
      g.constInt64([1]),
    ]);
  const ay = shiftMatrix(cy);
  const ax = shiftMatrix(cx);
  const centred = g.op('MatMul', [g.op('MatMul', [ay, x]), g.op('Transpose', [ax], { perm: [0, 1, 3, 2] })]);
  return g.op('Reshape', [centred, g.constInt64([-1, channels, s, s])]);
}

/** Adds the text encoder to `g`; returns the names of the projected (unnormalized) embeddings and token hiddens. */
export function addTextGraph(
  g: OnnxGraph,
  c: MiniClipConfig,
  weights: Weights,
  inputIds: string,
  attentionMask: string,
): { embeds: string; hidden: string } {
  addWeights(g, weights, ['text.token_embedding', 'text_projection.weight']);
  const tokens = g.op('Gather', ['text.token_embedding', inputIds], { axis: 0 }, 'text_token_hidden');
  const mask = g.op('Cast', [attentionMask], { to: 1 });
  const masked = g.op('Mul', [tokens, g.op('Unsqueeze', [mask, g.constInt64([2])])]);
  const summed = g.op('ReduceSum', [masked, g.constInt64([1])], { keepdims: 0 });
  const count = g.op('Max', [g.op('ReduceSum', [mask, g.constInt64([1])], { keepdims: 1 }), g.constFloat([1], [])]);
  const pooled = g.op('Div', [summed, count], {}, 'text_pooled');
  return { embeds: g.op('MatMul', [pooled, 'text_projection.weight'], {}, 'text_embeds_raw'), hidden: tokens };
}

const DOC =
  'The vlm-course-ts mini-CLIP, trained on the synthetic shapes world with clipLoss (lib/embeddings/contrastive.ts) and written by lib/mini-clip/onnx.ts.';

/** onnx/vision_model.onnx: pixel_values → image_embeds (not normalized), last_hidden_state. */
export function visionModelBytes(c: MiniClipConfig, weights: Weights): Uint8Array {
  const g = new OnnxGraph('mini_clip_vision');
  g.input('pixel_values', 'float', ['batch_size', 3, c.imageSize, c.imageSize]);
  const { embeds, hidden } = addVisionGraph(g, c, weights, 'pixel_values');
  g.output(embeds, 'float', ['batch_size', c.projectionDim], 'image_embeds');
  g.output(hidden, 'float', ['batch_size', (c.imageSize / c.patchSize) ** 2, c.patchHidden], 'last_hidden_state');
  return g.toModelBytes({ docString: DOC });
}

/** onnx/text_model.onnx: input_ids, attention_mask → text_embeds (not normalized), last_hidden_state. */
export function textModelBytes(c: MiniClipConfig, weights: Weights): Uint8Array {
  const g = new OnnxGraph('mini_clip_text');
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const { embeds, hidden } = addTextGraph(g, c, weights, 'input_ids', 'attention_mask');
  g.output(embeds, 'float', ['batch_size', c.projectionDim], 'text_embeds');
  g.output(hidden, 'float', ['batch_size', 'sequence_length', c.textHidden], 'last_hidden_state');
  return g.toModelBytes({ docString: DOC });
}

/** Rows of `x` scaled to unit length, as ONNX nodes (`name` is the output). */
const normalizeRows = (g: OnnxGraph, x: string, name: string) =>
  g.op(
    'Div',
    [x, g.op('Max', [g.op('ReduceL2', [x], { axes: [-1], keepdims: 1 }), g.constFloat([1e-12], [])])],
    {},
    name,
  );

/** The two encoders of a course CLIP, as functions that add their nodes to a graph. */
export interface ClipEncoders {
  text: (g: OnnxGraph, inputIds: string, attentionMask: string) => { embeds: string };
  vision: (g: OnnxGraph, pixelValues: string) => { embeds: string };
}

/**
 * onnx/model.onnx of a course CLIP (the mini-CLIP and the emoji-CLIP): both encoders, normalized embeddings, and
 * the similarity logits scaled by exp(logit_scale) (capped at ln 100, as CLIP does), with CLIPModel's inputs and
 * outputs.
 */
export function clipFullModelBytes(
  graphName: string,
  c: { imageSize: number; projectionDim: number },
  weights: Weights,
  encoders: ClipEncoders,
  docString: string,
): Uint8Array {
  const g = new OnnxGraph(graphName);
  g.input('input_ids', 'int64', ['text_batch_size', 'sequence_length']);
  g.input('pixel_values', 'float', ['image_batch_size', 3, c.imageSize, c.imageSize]);
  g.input('attention_mask', 'int64', ['text_batch_size', 'sequence_length']);
  const text = encoders.text(g, 'input_ids', 'attention_mask');
  const vision = encoders.vision(g, 'pixel_values');
  const textEmbeds = normalizeRows(g, text.embeds, 'text_embeds');
  const imageEmbeds = normalizeRows(g, vision.embeds, 'image_embeds');
  const scale = Math.min(weights['logit_scale'].data[0], CLIP_LOGIT_SCALE_MAX);
  g.initializer('logit_scale', Float32Array.of(scale), []);
  const logitsPerText = g.op(
    'Mul',
    [g.op('MatMul', [textEmbeds, g.op('Transpose', [imageEmbeds], { perm: [1, 0] })]), g.op('Exp', ['logit_scale'])],
    {},
    'logits_per_text',
  );
  const logitsPerImage = g.op('Transpose', [logitsPerText], { perm: [1, 0] }, 'logits_per_image');
  g.output(logitsPerImage, 'float', ['image_batch_size', 'text_batch_size']);
  g.output(logitsPerText, 'float', ['text_batch_size', 'image_batch_size']);
  g.output(textEmbeds, 'float', ['text_batch_size', c.projectionDim]);
  g.output(imageEmbeds, 'float', ['image_batch_size', c.projectionDim]);
  return g.toModelBytes({ docString });
}

/** onnx/model.onnx: both encoders, normalized embeddings and the scaled similarity logits. */
export function fullModelBytes(c: MiniClipConfig, weights: Weights): Uint8Array {
  return clipFullModelBytes(
    'mini_clip',
    c,
    weights,
    {
      text: (g, ids, mask) => addTextGraph(g, c, weights, ids, mask),
      vision: (g, pixels) => addVisionGraph(g, c, weights, pixels),
    },
    DOC,
  );
}

/** The sizes of a course CLIP that config.json reports. */
export interface ClipConfigSizes {
  projectionDim: number;
  logitScaleInit: number;
  imageSize: number;
  patchSize: number;
  /** text_config.hidden_size: the width the text tower projects from. */
  textHidden: number;
  /** vision_config.hidden_size: the width the vision tower projects from. */
  visionHidden: number;
}

/**
 * config.json of a course model, in the layout transformers.js reads for model_type "clip": `courseFields` follow
 * `course_logit_scale`, `trailing` (the model's own config block and any extra fields) follow vision_config.
 * Shared by the mini-CLIP and the emoji-CLIP.
 *
 * @example
 *   clipConfigJson(sizes, tokenizer, 3.3, {}, { mini_clip: { ...config } }).model_type;   // 'clip'
 */
export function clipConfigJson(
  c: ClipConfigSizes,
  tokenizer: MiniClipTokenizer,
  learnedLogitScale: number,
  courseFields: Record<string, unknown>,
  trailing: Record<string, unknown>,
): Record<string, unknown> {
  return {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: c.projectionDim,
    logit_scale_init_value: Math.round(c.logitScaleInit * 1e4) / 1e4,
    course_logit_scale: Math.min(learnedLogitScale, CLIP_LOGIT_SCALE_MAX),
    ...courseFields,
    initializer_factor: 1.0,
    torch_dtype: 'float32',
    text_config: {
      model_type: 'clip_text_model',
      vocab_size: tokenizer.vocabSize,
      hidden_size: c.textHidden,
      projection_dim: c.projectionDim,
      max_position_embeddings: tokenizer.maxLength,
      num_hidden_layers: 0,
      num_attention_heads: 1,
      pad_token_id: tokenizer.idOf('[PAD]'),
      bos_token_id: tokenizer.idOf('[CLS]'),
      eos_token_id: tokenizer.idOf('[SEP]'),
    },
    vision_config: {
      model_type: 'clip_vision_model',
      image_size: c.imageSize,
      patch_size: c.patchSize,
      num_channels: 3,
      hidden_size: c.visionHidden,
      projection_dim: c.projectionDim,
      num_hidden_layers: 0,
      num_attention_heads: 1,
    },
    ...trailing,
  };
}

/** config.json in the layout transformers.js reads for model_type "clip", plus the course's own fields. */
export function miniClipConfigJson(
  c: MiniClipConfig,
  tokenizer: MiniClipTokenizer,
  learnedLogitScale: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return clipConfigJson(
    { ...c, visionHidden: c.patchHidden },
    tokenizer,
    learnedLogitScale,
    {},
    { mini_clip: { ...c }, ...extra },
  );
}

/**
 * preprocessor_config.json of a course model: CLIP's processor at the model's input size, so that an image of that
 * size passes resize and crop unchanged. Shared by the mini-CLIP and the emoji-CLIP.
 *
 * @example
 *   clipPreprocessorConfig(48).crop_size;   // { height: 48, width: 48 }
 */
export function clipPreprocessorConfig(imageSize: number): Record<string, unknown> {
  return {
    crop_size: { height: imageSize, width: imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [...CLIP_IMAGE_MEAN],
    image_processor_type: 'CLIPImageProcessor',
    image_std: [...CLIP_IMAGE_STD],
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: imageSize },
  };
}

/** preprocessor_config.json of the mini-CLIP (`clipPreprocessorConfig` at its input size). */
export function miniClipPreprocessorConfig(c: MiniClipConfig): Record<string, unknown> {
  return clipPreprocessorConfig(c.imageSize);
}

/**
 * Writes a course model's folder in the transformers.js layout: the given files, plus weight-only fp16 and q8
 * copies of `onnx/text_model.onnx` and `onnx/vision_model.onnx` (named as transformers.js looks for them:
 * `loadClip({ dtype })`; the arithmetic stays fp32, see ./quantize.ts). Returns each file's size in bytes.
 */
export function writeClipModelFolder(dir: string, files: Record<string, string | Uint8Array>): Record<string, number> {
  const all = { ...files };
  for (const part of ['text_model', 'vision_model'] as const) {
    const fp32 = all[`onnx/${part}.onnx`] as Uint8Array;
    for (const dtype of ['fp16', 'q8'] as const)
      all[`onnx/${part}${DTYPE_FILE_SUFFIX[dtype]}.onnx`] = reducedPrecisionModel(fp32, dtype);
  }
  const sizes: Record<string, number> = {};
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const [name, content] of Object.entries(all)) {
    fs.writeFileSync(path.join(dir, name), content);
    sizes[name] = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  }
  return sizes;
}

/**
 * Writes the whole model directory; returns the files written with their sizes in bytes.
 *
 * @example
 *   exportMiniClip(model, tokenizer, 'assets/models/mini-clip');
 *   // { 'config.json': 2210, 'onnx/model.onnx': 812345, …, 'onnx/vision_model_quantized.onnx': 190000 }
 */
export function exportMiniClip(
  model: MiniClip,
  tokenizer: MiniClipTokenizer,
  dir: string,
  extra: Record<string, unknown> = {},
): Record<string, number> {
  const c = model.config;
  const weights = model.weights();
  const files: Record<string, string | Uint8Array> = {
    'config.json':
      JSON.stringify(miniClipConfigJson(c, tokenizer, weights['logit_scale'].data[0], extra), null, 2) + '\n',
    'preprocessor_config.json': JSON.stringify(miniClipPreprocessorConfig(c), null, 2) + '\n',
    ...tokenizer.files(),
    'onnx/model.onnx': fullModelBytes(c, weights),
    'onnx/text_model.onnx': textModelBytes(c, weights),
    'onnx/vision_model.onnx': visionModelBytes(c, weights),
  };
  return writeClipModelFolder(dir, files);
}

/** Raised when a model directory is missing or incomplete; the message names the file and the fix. */
export class MiniClipFilesError extends CourseError {}

/**
 * Loads an exported mini-CLIP back into TensorFlow.js (weights from onnx/model.onnx, config from config.json).
 *
 * @example
 *   const { model, tokenizer, config } = loadMiniClip('assets/models/mini-clip');
 *   config.course_logit_scale;   // the learned log scale, e.g. 3.9
 */
export function loadMiniClip(dir: string = MINI_CLIP_DIR): {
  model: MiniClip;
  tokenizer: MiniClipTokenizer;
  config: Record<string, unknown>;
} {
  const need = (name: string) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file))
      throw new MiniClipFilesError(
        `${file} does not exist; run \`npm run train:mini-clip\` to train and export the mini-CLIP, or check the path (relative to the course root).`,
      );
    return file;
  };
  const config = JSON.parse(fs.readFileSync(need('config.json'), 'utf8')) as Record<string, unknown>;
  const miniConfig = config.mini_clip as MiniClipConfig | undefined;
  if (!miniConfig)
    throw new MiniClipFilesError(
      `${path.join(dir, 'config.json')} has no "mini_clip" section: it is not a course mini-CLIP.`,
    );
  const tokenizer = MiniClipTokenizer.fromTokenizerJson(JSON.parse(fs.readFileSync(need('tokenizer.json'), 'utf8')));
  const parsed = parseOnnxModel(fs.readFileSync(need('onnx/model.onnx')));
  const weights: Weights = {};
  for (const [name, shape] of Object.entries(parameterShapes(miniConfig))) {
    const t = parsed.initializers.get(name);
    if (!t || !(t.data instanceof Float32Array))
      throw new MiniClipFilesError(`onnx/model.onnx has no float weight "${name}"; re-export the model.`);
    weights[name] = { shape, data: t.data };
  }
  return { model: MiniClip.fromWeights(miniConfig, weights), tokenizer, config };
}
