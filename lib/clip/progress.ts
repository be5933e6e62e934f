/**
 * A one-line download progress bar on stderr, fed by transformers.js's `progress_callback` events.
 *
 * @example
 *   const bar = createProgressBar();
 *   await CLIPVisionModelWithProjection.from_pretrained(id, { progress_callback: bar });
 *   // stderr: downloading Xenova/clip-vit-base-patch32 [##########----------]  52%  183.4/352.0 MB  onnx/vision_model.onnx
 */
import type { ProgressInfo } from '@huggingface/transformers';

export type ProgressListener = (info: ProgressInfo) => void;

const WIDTH = 24;

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * Returns a listener that draws one bar for all files of a download (overwritten in place with `\r`,
 * at most every `minIntervalMs`), and ends the line when every started file is done.
 */
export function createProgressBar(
  write: (text: string) => void = (t) => process.stderr.write(t),
  minIntervalMs = 200,
): ProgressListener {
  const files = new Map<string, { loaded: number; total: number; done: boolean }>();
  let lastDraw = 0;
  let drawn = false;
  const draw = (name: string, file: string, force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < minIntervalMs) return;
    lastDraw = now;
    let loaded = 0;
    let total = 0;
    for (const f of files.values()) {
      loaded += f.loaded;
      total += f.total;
    }
    const fraction = total > 0 ? Math.min(1, loaded / total) : 0;
    const filled = Math.round(fraction * WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    write(
      `\rdownloading ${name} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${mb(loaded)}/${mb(total)} MB  ${file}   `,
    );
    drawn = true;
  };
  return (info: ProgressInfo) => {
    if (info.status === 'progress') {
      files.set(info.file, { loaded: info.loaded, total: info.total, done: false });
      draw(info.name, info.file, false);
    } else if (info.status === 'done') {
      const f = files.get(info.file);
      if (f) {
        f.done = true;
        f.loaded = f.total;
      }
      if (drawn && [...files.values()].every((x) => x.done)) {
        draw(info.name, info.file, true);
        write('\n');
        drawn = false;
      }
    }
  };
}
