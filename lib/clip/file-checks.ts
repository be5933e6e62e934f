/**
 * What a good file of a CLIP folder looks like, so that a download is checked before it is put in place and a
 * bad file in the cache (an HTML page from a captive portal, a truncated model) is found, named and moved aside
 * instead of failing every later load.
 *
 * - JSON files must parse and hold the keys the course reads (config.json: `model_type`, `text_config`,
 *   `vision_config`; tokenizer.json: `model`; preprocessor_config.json: an object; tokenizer_config.json: an object).
 * - ONNX files must parse as an ONNX model with lib/mini-clip/onnx.ts's reader (`checkFile`, after a download),
 *   or, for the quick check on every load (`quickCheckFile`), start like one and have the size the download
 *   recorded in the folder's manifest (`.course-downloads.json`).
 *
 * @example
 *   checkFileBytes('config.json', Buffer.from('<html>Login</html>'));
 *   // 'it is an HTML page (starts "<html>Login</html>"), not JSON: a captive portal or proxy login page answered instead of the hub'
 *   checkFileBytes('config.json', Buffer.from('{"model_type":"clip","text_config":{},"vision_config":{}}'));   // undefined (good)
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseOnnxModel, type ParsedModel } from '../mini-clip/onnx';

/** The keys each JSON file of a CLIP folder must have for the course to use it. */
export const REQUIRED_JSON_KEYS: Record<string, string[]> = {
  'config.json': ['model_type', 'text_config', 'vision_config'],
  'tokenizer.json': ['model'],
  'tokenizer_config.json': [],
  'preprocessor_config.json': [],
};

/** The manifest a download writes into the model folder: each file's size and, when the hub gave one, sha256. */
export const MANIFEST_FILE = '.course-downloads.json';

export interface ManifestEntry {
  size: number;
  sha256?: string;
}

function looksLikeHtml(head: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml|<!--)/i.test(head);
}

function headOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 40)).toString('latin1').replace(/\s+/g, ' ');
}

/**
 * Checks the full contents of one file of a CLIP folder. Returns what is wrong, or undefined when it is good.
 * `file` is its path inside the folder (e.g. 'onnx/text_model.onnx'), which decides the kind of check;
 * `onModel` receives an ONNX file's parsed model (the download reads the logit scale from it, parsing once).
 */
export function checkFileBytes(
  file: string,
  bytes: Uint8Array,
  onModel?: (model: ParsedModel) => void,
): string | undefined {
  if (bytes.length === 0) return 'it is empty (0 bytes)';
  const head = headOf(bytes);
  if (looksLikeHtml(head)) {
    return `it is an HTML page (starts ${JSON.stringify(head)}), not ${file.endsWith('.json') ? 'JSON' : 'a model'}: a captive portal or proxy login page answered instead of the hub`;
  }
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      return `it is not valid JSON (${(err as Error).message}; starts ${JSON.stringify(head)})`;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'it is JSON but not an object';
    const missing = (REQUIRED_JSON_KEYS[path.basename(file)] ?? []).filter((k) => !(k in (parsed as object)));
    if (missing.length) return `it is JSON but lacks ${missing.map((k) => `"${k}"`).join(', ')}`;
    return undefined;
  }
  if (file.endsWith('.onnx')) {
    try {
      const model = parseOnnxModel(bytes);
      onModel?.(model);
    } catch (err) {
      return `it is not an ONNX model (${(err as Error).message.split('\n')[0]})`;
    }
  }
  return undefined;
}

/** Reads and checks one file of a folder (see `checkFileBytes`); a missing file is reported as such. */
export function checkFile(dir: string, file: string): string | undefined {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) return 'it is missing';
  return checkFileBytes(file, fs.readFileSync(full));
}

export function readManifest(dir: string): Record<string, ManifestEntry> {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
    return m && typeof m === 'object' ? (m as Record<string, ManifestEntry>) : {};
  } catch {
    return {};
  }
}

/** Records a finished download in the folder's manifest (written to a temporary name, then renamed). */
export function recordInManifest(dir: string, file: string, entry: ManifestEntry): void {
  const manifest = readManifest(dir);
  manifest[file] = entry;
  const tmp = path.join(dir, `${MANIFEST_FILE}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 1));
  fs.renameSync(tmp, path.join(dir, MANIFEST_FILE));
}

/**
 * The check made on every load of a cached file, cheap even for a 600 MB model: JSON files fully; ONNX files by
 * their first bytes (an ONNX model starts with its ir_version field, byte 0x08; an HTML page with '<') and by
 * the size the download recorded in the manifest. Returns what is wrong, or undefined.
 */
export function quickCheckFile(dir: string, file: string): string | undefined {
  const full = path.join(dir, file);
  if (file.endsWith('.json')) return checkFile(dir, file);
  const size = fs.statSync(full).size;
  if (size === 0) return 'it is empty (0 bytes)';
  const fd = fs.openSync(full, 'r');
  const head = Buffer.alloc(Math.min(64, size));
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (looksLikeHtml(headOf(head))) return checkFileBytes(file, head);
  if (file.endsWith('.onnx') && head[0] !== 0x08)
    return `it does not start like an ONNX model (first bytes ${JSON.stringify(headOf(head))})`;
  const recorded = readManifest(dir)[file];
  if (recorded && recorded.size !== size)
    return `it has ${size} bytes, but its download had ${recorded.size} (changed or truncated since)`;
  return undefined;
}

/**
 * Moves a bad file aside (to `<file>.bad-<time>`, kept for inspection) so that it is neither used nor trusted
 * again; returns the new path.
 */
export function moveAside(dir: string, file: string): string {
  const from = path.join(dir, file);
  const to = `${from}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(from, to);
  return to;
}
