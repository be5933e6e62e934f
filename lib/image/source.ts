/**
 * Reads the bytes of an image from a file path, a `file:`/`http:`/`https:` URL or a Buffer, with limits so that
 * nothing hangs: a timeout on the whole HTTP transfer and a cap on the body size.
 *
 * @example
 *   const { bytes, label } = await readImageBytes('assets/images/chelsea.png');
 *   bytes.length; // 240512 ; label: '"assets/images/chelsea.png"'
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { ImageInputError } from './errors';
import { describeValue } from './options';

/** Where an image comes from: a file path, a URL (string or `URL`), or the encoded bytes. */
export type ImageSource = string | URL | Buffer | Uint8Array;

/** Limits for reading images. Every field is optional; the defaults are below. */
export interface ImageReadOptions {
  /** Whole-transfer time limit for http(s) sources, in milliseconds (default 15000). */
  timeoutMs?: number;
  /** Largest accepted encoded size in bytes, for URL bodies and files (default 50 MiB). */
  maxBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** A short, printable name for a source, used in error messages. */
export function describeSource(source: ImageSource): string {
  if (typeof source === 'string') return JSON.stringify(source.length > 200 ? source.slice(0, 200) + '…' : source);
  if (source instanceof URL) return JSON.stringify(source.href);
  if (source instanceof Uint8Array) return `<buffer of ${source.length} bytes>`;
  return `<${describeValue(source)}>`;
}

/**
 * Returns the encoded bytes of an image source and a label for messages. Strings that start with a scheme
 * (`https://…`, `file:…`, `ftp:…`) are URLs; other strings are file paths. Only http(s) and file URLs are read.
 */
export async function readImageBytes(
  source: ImageSource,
  options: ImageReadOptions = {},
): Promise<{ bytes: Uint8Array; label: string }> {
  const label = describeSource(source);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (source instanceof Uint8Array) {
    if (source.length === 0)
      throw new ImageInputError(
        label,
        'empty',
        'the buffer has zero bytes',
        'Pass the encoded file contents (PNG, JPEG, WebP, GIF or TIFF), e.g. fs.readFileSync(path).',
      );
    return { bytes: source, label };
  }
  let url: URL | undefined;
  if (source instanceof URL) url = source;
  else if (typeof source === 'string') {
    // A Windows drive letter ("C:\…") is a path, not a scheme.
    const m = SCHEME.exec(source);
    if (m && m[1].length > 1) {
      try {
        url = new URL(source);
      } catch {
        throw new ImageInputError(
          label,
          'bad-source',
          'it looks like a URL but cannot be parsed',
          'Check the URL for typos, or pass a file path.',
        );
      }
    }
  } else {
    throw new ImageInputError(
      label,
      'bad-source',
      `${describeValue(source)} is not an image source (a path string, a URL, or a Buffer/Uint8Array of encoded bytes)`,
      unsupportedSourceFix(source),
    );
  }
  if (url) {
    if (url.protocol === 'file:') {
      let file: string;
      try {
        file = fileURLToPath(url);
      } catch (e) {
        throw new ImageInputError(
          label,
          'bad-source',
          `this file: URL does not name a local file (${(e as Error).message})`,
          'Use file:///absolute/path (no host, or localhost), or pass the path itself.',
        );
      }
      return { bytes: await readFile(file, label, maxBytes), label };
    }
    if (url.protocol === 'http:' || url.protocol === 'https:')
      return { bytes: await fetchBytes(url, label, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBytes), label };
    throw new ImageInputError(
      label,
      'unsupported-scheme',
      `the URL scheme "${url.protocol}" is not supported (only http:, https: and file:)`,
      'Download the image yourself and pass its path or a Buffer.',
    );
  }
  return { bytes: await readFile(source as string, label, maxBytes), label };
}

/** The fix for a source of a type the library does not read, by type. */
function unsupportedSourceFix(source: unknown): string {
  if (ArrayBuffer.isView(source))
    return 'Pass the encoded file bytes as a Buffer or Uint8Array (e.g. Buffer.from(view.buffer, view.byteOffset, view.byteLength)); decoded pixel arrays are not read.';
  if (source instanceof ArrayBuffer) return 'Wrap it: Buffer.from(arrayBuffer).';
  if (Array.isArray(source))
    return 'Pass one image, not a list (preprocessImages takes a list), or Buffer.from(array) for bytes.';
  if (typeof Blob !== 'undefined' && source instanceof Blob)
    return 'Read it first: Buffer.from(await blob.arrayBuffer()).';
  return 'Pass a file path, an http(s) or file: URL, or a Buffer with the encoded image (PNG, JPEG, WebP, GIF, TIFF).';
}

async function readFile(file: string, label: string, maxBytes: number): Promise<Uint8Array> {
  // Local files are read synchronously: one stat and one read on this thread cost ~20 µs, where the promise API's
  // round trips through libuv's thread pool cost ~170 µs CPU per file (most of the time for small images).
  let stat;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ImageInputError(
        label,
        'missing-file',
        `no such file (looked for ${path.resolve(file)})`,
        `Check the path; relative paths start from ${process.cwd()}.`,
      );
    }
    throw new ImageInputError(
      label,
      'missing-file',
      `the file cannot be opened (${code ?? (e as Error).message})`,
      'Check the path and its permissions.',
    );
  }
  if (!stat.isFile())
    throw new ImageInputError(
      label,
      'not-a-file',
      'it is a directory or a special file, not an image file',
      'Pass the path of an image file inside it.',
    );
  if (stat.size === 0)
    throw new ImageInputError(
      label,
      'empty',
      'the file has zero bytes',
      'The file is empty (an interrupted download or copy?); fetch it again.',
    );
  if (stat.size > maxBytes)
    throw new ImageInputError(
      label,
      'too-large',
      `the file has ${stat.size} bytes, over the limit of ${maxBytes}`,
      'Shrink the image first, or raise the limit with the maxBytes option.',
    );
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new ImageInputError(
      label,
      'missing-file',
      `the file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'Check the path and its permissions.',
    );
  }
}

async function fetchBytes(url: URL, label: string, timeoutMs: number, maxBytes: number): Promise<Uint8Array> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const timeoutError = () =>
    new ImageInputError(
      label,
      'timeout',
      `no complete answer within ${timeoutMs} ms`,
      'Check the address and your network, or raise the limit with the timeoutMs option.',
    );
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (e) {
      if (timedOut) throw timeoutError();
      const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
      throw new ImageInputError(
        label,
        'network',
        `the request failed (${cause?.code ?? cause?.message ?? (e as Error).message})`,
        'Check the address and your network connection.',
      );
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new ImageInputError(
        label,
        'http-status',
        `the server answered HTTP ${res.status} ${res.statusText}`.trimEnd(),
        res.status === 404 ? 'Check the URL: the server has no such file.' : 'Check the URL, or try again later.',
      );
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new ImageInputError(
        label,
        'too-large',
        `the server announces ${declared} bytes, over the limit of ${maxBytes}`,
        'Use a smaller image, or raise the limit with the maxBytes option.',
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.length;
          if (total > maxBytes) {
            controller.abort();
            throw new ImageInputError(
              label,
              'too-large',
              `the body exceeded the limit of ${maxBytes} bytes`,
              'Use a smaller image, or raise the limit with the maxBytes option.',
            );
          }
          chunks.push(value);
        }
      } catch (e) {
        if (e instanceof ImageInputError) throw e;
        if (timedOut) throw timeoutError();
        throw new ImageInputError(
          label,
          'network',
          `the download broke off (${(e as Error).message})`,
          'Try again, or check the server.',
        );
      }
    }
    if (total === 0)
      throw new ImageInputError(
        label,
        'empty',
        'the server sent an empty body',
        'Check the URL: it does not point at an image file.',
      );
    return Buffer.concat(chunks, total);
  } finally {
    clearTimeout(timer);
  }
}
