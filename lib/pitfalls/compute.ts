/**
 * Computational cost, measured live: the same zero-shot workload at several image batch sizes and dtypes, with the
 * model's size on disk, the process's memory (RSS), and how far the probabilities move from fp32.
 *
 * @example
 *   const rows = await measureZeroShotCost({
 *     load: ({ dtype, imageBatchSize }) => loadClip({ localDir: 'build/mini-clip-dtypes', dtype, imageBatchSize }),
 *     dtypes: ['fp32', 'q8'], batchSizes: [1, 8, 32], images, labels,
 *   });
 *   rows[0];   // { dtype: 'fp32', batchSize: 1, msPerImage: 2.1, imagesPerSecond: 476, rssMiB: 612, maxProbabilityShift: 0, top1Agreement: 1 }
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Clip, ClipDtype, LabelScore } from '../clip/loader';
import type { ImageSource } from '../image/preprocess';
import { DTYPE_FILE_SUFFIX } from '../mini-clip/quantize';
import { CourseError } from '../course/errors';

/** Raised for a cost measurement that cannot run as asked; the message names the option, the cause and the fix. */
export class ComputeMeasureError extends CourseError {}

/**
 * The dtypes whose text and vision ONNX files are both in `dir` (transformers.js names: model.onnx, model_fp16.onnx,
 * model_quantized.onnx).
 *
 * @example
 *   availableDtypes('assets/models/mini-clip');   // ['fp32', 'fp16', 'q8']
 *   availableDtypes('/tmp/fp32-only-model');      // ['fp32']
 */
export function availableDtypes(dir: string): ClipDtype[] {
  return (Object.keys(DTYPE_FILE_SUFFIX) as ClipDtype[]).filter((d) =>
    ['text_model', 'vision_model'].every((m) => fs.existsSync(path.join(dir, 'onnx', `${m}${DTYPE_FILE_SUFFIX[d]}.onnx`))),
  );
}

/**
 * Bytes on disk of the text and vision models of one dtype in `dir` (what `loadClip` reads for that dtype).
 *
 * @example
 *   modelBytesOnDisk('assets/models/mini-clip', 'fp32');   // 790874
 */
export function modelBytesOnDisk(dir: string, dtype: ClipDtype): number {
  let total = 0;
  for (const m of ['text_model', 'vision_model']) {
    const file = path.join(dir, 'onnx', `${m}${DTYPE_FILE_SUFFIX[dtype]}.onnx`);
    if (!fs.existsSync(file)) throw new ComputeMeasureError(`${file} does not exist: ${dir} has no ${dtype} model. Use availableDtypes(dir) to see which dtypes it has.`);
    total += fs.statSync(file).size;
    // Large hub models keep their weights next to the graph (model.onnx_data).
    if (fs.existsSync(`${file}_data`)) total += fs.statSync(`${file}_data`).size;
  }
  return total;
}

/** Resident memory of this process in MiB (everything: Node, ONNX Runtime sessions, tensors). */
export function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

export interface CostRow {
  dtype: ClipDtype;
  batchSize: number;
  images: number;
  labels: number;
  /** Median wall time of one full workload (all images through zeroShot), in ms, and per image. */
  workloadMs: number;
  msPerImage: number;
  imagesPerSecond: number;
  /** Process RSS right after the timed runs (MiB). */
  rssMiB: number;
  /** Largest |p − p_fp32| over all images and labels (0 for fp32 itself). */
  maxProbabilityShift: number;
  /** Fraction of images whose top label equals fp32's top label. */
  top1Agreement: number;
}

export interface MeasureCostOptions {
  /** Loads the model for a dtype and an image batch size (e.g. with `loadClip`). */
  load: (options: { dtype: ClipDtype; imageBatchSize: number }) => Promise<Clip>;
  dtypes: ClipDtype[];
  batchSizes: number[];
  images: ImageSource[];
  labels: string[];
  /** Timed repeats per (dtype, batch size) after one warm-up run (default 3); the median is reported. */
  repeats?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function byLabel(result: LabelScore[][], labels: string[]): number[][] {
  return result.map((ranking) => labels.map((l) => ranking.find((r) => r.label === l)?.score ?? NaN));
}

/**
 * Times `clip.zeroShot(images, labels)` for every (dtype, batch size), after one untimed warm-up (which also fills
 * the text-embedding cache, so the timed runs measure the image side). The probabilities of each dtype are
 * compared with fp32's (fp32 is measured first, whether or not it is listed).
 */
export async function measureZeroShotCost(options: MeasureCostOptions): Promise<CostRow[]> {
  const repeats = options.repeats ?? 3;
  if (!Number.isInteger(repeats) || repeats < 1) throw new ComputeMeasureError(`repeats is ${repeats}; pass a whole number ≥ 1 (e.g. 3).`);
  if (options.images.length === 0) throw new ComputeMeasureError('images is empty; pass the images of the workload (e.g. 32 of them).');
  if (options.dtypes.length === 0 || options.batchSizes.length === 0) throw new ComputeMeasureError('dtypes and batchSizes must each list at least one value, e.g. dtypes: [\'fp32\'], batchSizes: [1, 8, 32].');
  for (const b of options.batchSizes) if (!Number.isInteger(b) || b < 1) throw new ComputeMeasureError(`batch size ${b} is not a positive whole number.`);
  const dtypes: ClipDtype[] = ['fp32', ...options.dtypes.filter((d) => d !== 'fp32')];
  let reference: number[][] | undefined;
  const rows: CostRow[] = [];
  for (const dtype of dtypes) {
    for (const batchSize of options.batchSizes) {
      const clip = await options.load({ dtype, imageBatchSize: batchSize });
      try {
        const warm = await clip.zeroShot(options.images, options.labels);
        const times: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const t0 = performance.now();
          await clip.zeroShot(options.images, options.labels);
          times.push(performance.now() - t0);
        }
        const probs = byLabel(warm, options.labels);
        if (!reference) reference = probs;
        let shift = 0;
        let agree = 0;
        probs.forEach((row, i) => {
          row.forEach((p, j) => (shift = Math.max(shift, Math.abs(p - reference![i][j]))));
          const top = row.indexOf(Math.max(...row));
          const refTop = reference![i].indexOf(Math.max(...reference![i]));
          if (top === refTop) agree++;
        });
        const workloadMs = median(times);
        if (options.dtypes.includes(dtype)) {
          rows.push({
            dtype, batchSize, images: options.images.length, labels: options.labels.length,
            workloadMs, msPerImage: workloadMs / options.images.length, imagesPerSecond: (1000 * options.images.length) / workloadMs,
            rssMiB: rssMiB(), maxProbabilityShift: shift, top1Agreement: agree / options.images.length,
          });
        }
      } finally {
        await clip.dispose();
      }
    }
  }
  return rows;
}

/**
 * The rows as an aligned text table.
 *
 * @example
 *   console.log(formatCostTable(rows));
 *   // dtype  batch  ms/image  images/s  RSS MiB  max |Δp| vs fp32  top-1 = fp32
 *   // fp32       1      2.10       476      612            0.0000        100%
 */
export function formatCostTable(rows: CostRow[]): string {
  const lines = ['dtype  batch  ms/image  images/s  RSS MiB  max |Δp| vs fp32  top-1 = fp32'];
  for (const r of rows) {
    lines.push(
      `${r.dtype.padEnd(5)}  ${String(r.batchSize).padStart(5)}  ${r.msPerImage.toFixed(2).padStart(8)}  ${r.imagesPerSecond.toFixed(0).padStart(8)}  ` +
        `${r.rssMiB.toFixed(0).padStart(7)}  ${r.maxProbabilityShift.toFixed(4).padStart(16)}  ${(100 * r.top1Agreement).toFixed(0).padStart(11)}%`,
    );
  }
  return lines.join('\n');
}
