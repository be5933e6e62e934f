/**
 * transformers.js's own `zero-shot-image-classification` pipeline and `CLIPModel` on the same model as a `Clip`,
 * for the chapter's step-by-step cells. Both need the combined text+vision model (onnx/model.onnx): present in the
 * course's models and complete local exports, downloaded into the cache (checked, resumable) for a hub model.
 *
 * @example
 *   const classify = await loadZeroShotPipeline(clip);
 *   await classify('assets/images/chelsea.png', ['a photo of a cat', 'a photo of a dog'], { hypothesis_template: '{}' });
 *   // [ { score: 0.99, label: 'a photo of a cat' }, { score: 0.01, label: 'a photo of a dog' } ]
 */
import * as fs from 'fs';
import * as path from 'path';
import { CLIPModel, pipeline } from '@huggingface/transformers';
import type { PreTrainedModel, ZeroShotImageClassificationPipeline } from '@huggingface/transformers';
import { downloadModelFiles, downloadOptionsFor } from './download';
import { ModelUnavailableError, wrapLoadError } from './errors';
import { checkLoadClipOptions } from './options';
import { hubUrlFor, onnxFile, probeHub } from './resolve';
import type { Clip, LoadClipOptions } from './types';

export type FullModelOptions = Pick<
  LoadClipOptions,
  'onProgress' | 'hubUrl' | 'hubTimeoutMs' | 'downloadIdleTimeoutMs' | 'signal'
>;

/**
 * Makes sure the combined model of `clip` is in its folder (downloading it for a hub model, after the preflight)
 * and returns the folder and the load options.
 */
async function fullModelLocation(
  clip: Clip,
  what: string,
  options: FullModelOptions,
): Promise<{ from: string; loadOptions: Record<string, unknown> }> {
  const o = checkLoadClipOptions(options);
  const { source, dtype, device } = clip;
  const file = onnxFile('model', dtype);
  const loadOptions = { local_files_only: true, dtype, device };
  if (fs.existsSync(path.join(source.dir, file))) return { from: source.dir, loadOptions };
  if (!(source.kind === 'hub' || source.kind === 'hub-cache')) {
    throw new ModelUnavailableError(
      `${what} needs ${file} (the combined text+vision model), which ${source.dir} does not have.`,
      'export the full CLIPModel into that folder, or use clip.zeroShot (which needs only the text and vision models).',
    );
  }
  const hubUrl = hubUrlFor(options.hubUrl);
  const probe = await probeHub(hubUrl, source.modelId, o.hubTimeoutMs);
  if (!probe.ok) {
    throw new ModelUnavailableError(
      `${what} needs ${file} of ${source.modelId}, which is not in ${source.dir}, and the hub cannot be reached (${probe.reason}).`,
      'connect once to download it (it is then cached), or use clip.zeroShot, which needs only the text and vision models.',
    );
  }
  await downloadModelFiles([file], downloadOptionsFor(source, hubUrl, o.downloadIdleTimeoutMs, options));
  return { from: source.dir, loadOptions };
}

/**
 * transformers.js's one-line `zero-shot-image-classification` pipeline on the same model as `clip`.
 *
 * @example
 *   const classify = await loadZeroShotPipeline(clip);
 *   await classify('assets/images/chelsea.png', ['a photo of a cat', 'a photo of a dog'], { hypothesis_template: '{}' });
 *   // [ { score: 0.99, label: 'a photo of a cat' }, { score: 0.01, label: 'a photo of a dog' } ]
 */
export async function loadZeroShotPipeline(
  clip: Clip,
  options: FullModelOptions = {},
): Promise<ZeroShotImageClassificationPipeline> {
  const { from, loadOptions } = await fullModelLocation(clip, 'The zero-shot pipeline', options);
  try {
    return (await pipeline('zero-shot-image-classification', from, loadOptions)) as ZeroShotImageClassificationPipeline;
  } catch (err) {
    throw wrapLoadError(err, clip.source, clip.device);
  }
}

/**
 * transformers.js's `CLIPModel` (text and vision towers plus the learned scale, outputs `image_embeds`,
 * `text_embeds`, `logits_per_image`) for the same model as `clip`, as the chapter's step-by-step path uses it.
 *
 * @example
 *   const model = await loadFullClipModel(clip);
 *   const out = await model({ ...clip.tokenizer(labels, { padding: true }), ...(await processor(image)) });
 *   out.image_embeds.dims;   // [1, 512]
 */
export async function loadFullClipModel(clip: Clip, options: FullModelOptions = {}): Promise<PreTrainedModel> {
  const { from, loadOptions } = await fullModelLocation(clip, 'CLIPModel', options);
  try {
    return await CLIPModel.from_pretrained(from, loadOptions);
  } catch (err) {
    throw wrapLoadError(err, clip.source, clip.device);
  }
}
