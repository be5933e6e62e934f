/**
 * Where a CLIP folder keeps its learned temperature (`logit_scale`, stored in log space like the PyTorch
 * parameter; the model multiplies cosines by exp(logit_scale)), read without running the model:
 *
 * 1. config.json, when it stores the learned value (`course_logit_scale` for the course's own models, or
 *    `logit_scale`; `logit_scale_init_value` is only where training started and is not used);
 * 2. the `logit_scale` initializer of onnx/model.onnx (the combined text+vision model; hub exports keep it only
 *    there), read with the course's ONNX reader (lib/mini-clip/onnx.ts `parseOnnxModel`); when the graph feeds
 *    it through Exp the scale is exp(value), otherwise the value itself. The file is read once: the result is
 *    remembered in `.cache/clip-logit-scales.json`, keyed by the file's path, size and modification time.
 *
 * @example
 *   logitScaleOf('../shared/models/tiny-random-clip', 'fp32');
 *   // { scale: 42.00000369857209, source: 'model', file: '…/tiny-random-clip/onnx/model.onnx' }
 *   logitScaleOf('assets/models/mini-clip', 'fp32');
 *   // { scale: 18.07471651062404, source: 'config', file: '…/mini-clip/config.json' }
 */
import * as fs from 'fs';
import * as path from 'path';
import { PATHS } from '../course/paths';
import { parseOnnxModel, type ParsedModel } from '../mini-clip/onnx';
import { onnxFile, type ClipDtype } from './resolve';
import type { LogitScaleSource } from './types';

/** Where read scales are remembered (git-ignored). */
export const LOGIT_SCALE_MEMO = path.join(PATHS.cache, 'clip-logit-scales.json');

export interface LogitScale {
  scale: number;
  source: LogitScaleSource;
  /** The file it was read from (undefined for 'clip-default'). */
  file?: string;
}

/** exp(learned logit_scale) from a parsed config.json, when it stores one. */
export function logitScaleFromConfig(config: Record<string, unknown>): number | undefined {
  const v = config.course_logit_scale ?? config.logit_scale;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.exp(v);
  return undefined;
}

/**
 * The scale stored in an ONNX CLIP model (see the module comment), or undefined when it has no float
 * `logit_scale` initializer.
 *
 * @example
 *   logitScaleFromOnnx('../shared/models/tiny-random-clip/onnx/model.onnx');   // 42.00000369857209
 */
export function logitScaleFromOnnx(file: string): number | undefined {
  const stat = fs.statSync(file);
  const key = `${fs.realpathSync(file)}|${stat.size}|${stat.mtimeMs}`;
  const memo = readMemo();
  if (key in memo) return memo[key] ?? undefined;
  const scale = logitScaleInModel(parseOnnxModel(fs.readFileSync(file)));
  memo[key] = scale ?? null;
  writeMemo(memo);
  return scale;
}

/** The scale in a parsed ONNX CLIP model: its float `logit_scale` initializer, through Exp when the graph does so. */
export function logitScaleInModel(model: ParsedModel): number | undefined {
  for (const [name, tensor] of model.initializers) {
    if (name !== 'logit_scale' && !/[./]logit_scale$/.test(name)) continue;
    if (tensor.data.length !== 1 || !Number.isFinite(Number(tensor.data[0]))) continue;
    const value = Number(tensor.data[0]);
    const viaExp = model.nodes.some((n) => n.opType === 'Exp' && n.inputs.includes(name));
    return viaExp ? Math.exp(value) : value;
  }
  return undefined;
}

/** Remembers the scale of `file` (e.g. read while a download was checked), so that it is not parsed again. */
export function rememberLogitScale(file: string, scale: number | undefined): void {
  const stat = fs.statSync(file);
  const memo = readMemo();
  memo[`${fs.realpathSync(file)}|${stat.size}|${stat.mtimeMs}`] = scale ?? null;
  writeMemo(memo);
}

function readMemo(): Record<string, number | null> {
  try {
    const m = JSON.parse(fs.readFileSync(LOGIT_SCALE_MEMO, 'utf8'));
    return m && typeof m === 'object' && !Array.isArray(m) ? m : {};
  } catch {
    return {};
  }
}

function writeMemo(memo: Record<string, number | null>): void {
  try {
    fs.mkdirSync(path.dirname(LOGIT_SCALE_MEMO), { recursive: true });
    const tmp = `${LOGIT_SCALE_MEMO}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(memo, null, 1));
    fs.renameSync(tmp, LOGIT_SCALE_MEMO);
  } catch {
    // A read-only course folder only costs a second read next time.
  }
}

/** The full-model files that may hold the scale, for a dtype: that dtype's file, then the fp32 one. */
export function fullModelFiles(dtype: ClipDtype): string[] {
  return [...new Set([onnxFile('model', dtype), onnxFile('model', 'fp32')])];
}

/**
 * The learned scale of a CLIP folder and where it came from: config.json, else onnx/model.onnx (the dtype's
 * file or the fp32 one), else CLIP's 100 as 'clip-default'.
 */
export function logitScaleOf(dir: string, dtype: ClipDtype, config?: Record<string, unknown>): LogitScale {
  const configFile = path.join(dir, 'config.json');
  const cfg = config ?? (JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>);
  const fromConfig = logitScaleFromConfig(cfg);
  if (fromConfig !== undefined) return { scale: fromConfig, source: 'config', file: configFile };
  for (const f of fullModelFiles(dtype)) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) continue;
    const scale = logitScaleFromOnnx(file);
    if (scale !== undefined) return { scale, source: 'model', file };
  }
  return { scale: 100, source: 'clip-default' };
}
