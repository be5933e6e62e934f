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
 *   console.log(formatCostComparison(compareCost(rows)));   // each dtype against fp32 at the SAME batch size, with verdicts
 *
 *   // Pruning, beside quantization: zero the smallest weights of the TensorFlow.js mini-CLIP and re-measure zero-shot.
 *   const prune = await measurePruning(loadMiniClip().model, loadMiniClip().tokenizer, { fractions: [0, 0.5, 0.9] });
 *   console.log(formatPruningTable(prune));
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Clip, ClipDtype, LabelScore } from '../clip/loader';
import type { ImageSource } from '../image/preprocess';
import * as zlib from 'zlib';
import { DTYPE_FILE_SUFFIX } from '../mini-clip/quantize';
import { MiniClip, Weights } from '../mini-clip/model';
import { MiniClipTokenizer } from '../mini-clip/tokenizer';
import { AccuracyReport, evaluateZeroShot, evaluationSet } from '../mini-clip/train';
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
    ['text_model', 'vision_model'].every((m) =>
      fs.existsSync(path.join(dir, 'onnx', `${m}${DTYPE_FILE_SUFFIX[d]}.onnx`)),
    ),
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
    if (!fs.existsSync(file))
      throw new ComputeMeasureError(
        `${file} does not exist: ${dir} has no ${dtype} model. Use availableDtypes(dir) to see which dtypes it has.`,
      );
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
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new ComputeMeasureError(`repeats is ${repeats}; pass a whole number ≥ 1 (e.g. 3).`);
  if (options.images.length === 0)
    throw new ComputeMeasureError('images is empty; pass the images of the workload (e.g. 32 of them).');
  if (options.dtypes.length === 0 || options.batchSizes.length === 0)
    throw new ComputeMeasureError(
      "dtypes and batchSizes must each list at least one value, e.g. dtypes: ['fp32'], batchSizes: [1, 8, 32].",
    );
  for (const b of options.batchSizes)
    if (!Number.isInteger(b) || b < 1) throw new ComputeMeasureError(`batch size ${b} is not a positive whole number.`);
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
            dtype,
            batchSize,
            images: options.images.length,
            labels: options.labels.length,
            workloadMs,
            msPerImage: workloadMs / options.images.length,
            imagesPerSecond: (1000 * options.images.length) / workloadMs,
            rssMiB: rssMiB(),
            maxProbabilityShift: shift,
            top1Agreement: agree / options.images.length,
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

// ---------------------------------------------------------------------------------------------------------------
// Comparisons at equal batch size

/** One dtype against fp32 at the same batch size: time ratio and a verdict. */
export interface DtypeComparison {
  dtype: ClipDtype;
  batchSize: number;
  /** ms/image of this dtype divided by fp32's at the same batch size (below 1: faster). */
  timeRatio: number;
  verdict: 'faster' | 'slower' | 'about the same';
}

/** Batching, one dtype: ms/image at the smallest batch size divided by ms/image at each larger one. */
export interface BatchingComparison {
  dtype: ClipDtype;
  fromBatch: number;
  toBatch: number;
  /** How many times less time per image the larger batch takes (above 1: batching helps). */
  speedup: number;
  verdict: 'faster' | 'slower' | 'about the same';
}

export interface CostComparison {
  /** Relative difference below which two timings count as "about the same" (default 0.1 = 10%). */
  tolerance: number;
  dtypes: DtypeComparison[];
  batching: BatchingComparison[];
}

const verdictOf = (ratio: number, tolerance: number): 'faster' | 'slower' | 'about the same' =>
  ratio < 1 - tolerance ? 'faster' : ratio > 1 + tolerance ? 'slower' : 'about the same';

/**
 * Separates the two effects in a cost table: each dtype against fp32 at the SAME batch size, and, per dtype, each
 * batch size against the smallest. Timings within `tolerance` of each other (default 10%) are "about the same".
 *
 * @example
 *   compareCost(rows).dtypes[0];   // { dtype: 'fp16', batchSize: 1, timeRatio: 1.03, verdict: 'about the same' }
 */
export function compareCost(rows: CostRow[], tolerance = 0.1): CostComparison {
  const at = (dtype: ClipDtype, batchSize: number) => rows.find((r) => r.dtype === dtype && r.batchSize === batchSize);
  const batchSizes = [...new Set(rows.map((r) => r.batchSize))].sort((a, b) => a - b);
  const dtypes = [...new Set(rows.map((r) => r.dtype))];
  const out: CostComparison = { tolerance, dtypes: [], batching: [] };
  for (const b of batchSizes) {
    const fp32 = at('fp32', b);
    if (!fp32) continue;
    for (const d of dtypes.filter((x) => x !== 'fp32')) {
      const r = at(d, b);
      if (r)
        out.dtypes.push({
          dtype: d,
          batchSize: b,
          timeRatio: r.msPerImage / fp32.msPerImage,
          verdict: verdictOf(r.msPerImage / fp32.msPerImage, tolerance),
        });
    }
  }
  for (const d of dtypes) {
    const first = at(d, batchSizes[0]);
    if (!first) continue;
    for (const b of batchSizes.slice(1)) {
      const r = at(d, b);
      if (r)
        out.batching.push({
          dtype: d,
          fromBatch: batchSizes[0],
          toBatch: b,
          speedup: first.msPerImage / r.msPerImage,
          verdict: verdictOf(r.msPerImage / first.msPerImage, tolerance),
        });
    }
  }
  return out;
}

/** The comparison as lines of text, each with its computed verdict. */
export function formatCostComparison(c: CostComparison): string {
  const tol = `${Math.round(100 * c.tolerance)}%`;
  const lines = [`each dtype against fp32 at the same batch size (within ${tol} counts as about the same):`];
  for (const d of c.dtypes) {
    lines.push(
      `  batch ${String(d.batchSize).padStart(2)}: ${d.dtype.padEnd(4)} takes ${d.timeRatio.toFixed(2)}× fp32's time per image → ${d.verdict}`,
    );
  }
  const verdicts = new Set(c.dtypes.map((d) => d.verdict));
  lines.push(
    `  verdict: ${c.dtypes.length === 0 ? 'no smaller dtype measured' : verdicts.size === 1 ? `${[...verdicts][0]} than fp32 at every batch size measured`.replace('about the same than', 'about the same as') : 'it depends on the batch size (no consistent difference)'}`,
  );
  lines.push('batching, per dtype (time per image at the smallest batch size ÷ at the larger one):');
  for (const b of c.batching) {
    lines.push(
      `  ${b.dtype.padEnd(4)} batch ${b.fromBatch} → ${b.toBatch}: ${b.speedup.toFixed(2)}× ${b.speedup >= 1 ? 'less' : 'more'} time per image → ${b.verdict}`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Pruning

/** The tensors magnitude pruning applies to: the weight matrices and the token embedding (not biases, positions or the scale). */
export function prunableWeightNames(weights: Weights): string[] {
  return Object.keys(weights).filter((n) => n.endsWith('.weight') || n === 'text.token_embedding');
}

/**
 * Magnitude pruning, layer by layer: in every prunable tensor, the `fraction` of entries with the smallest |w| become
 * 0. Returns new weights (the input is not changed) and how many entries were zeroed.
 *
 * @example
 *   const { weights, zeroed, total } = magnitudePrune(model.weights(), 0.5);   // half of every weight matrix is 0
 */
export function magnitudePrune(
  weights: Weights,
  fraction: number,
): { weights: Weights; zeroed: number; total: number } {
  if (!(fraction >= 0 && fraction < 1))
    throw new ComputeMeasureError(`fraction is ${fraction}; pass a share of weights to zero in [0, 1), e.g. 0.5.`);
  const out: Weights = {};
  let zeroed = 0;
  let total = 0;
  const prunable = new Set(prunableWeightNames(weights));
  for (const [name, w] of Object.entries(weights)) {
    const data = Float32Array.from(w.data);
    if (prunable.has(name)) {
      const k = Math.floor(fraction * data.length);
      const order = Array.from(data.keys()).sort((a, b) => Math.abs(data[a]) - Math.abs(data[b]));
      for (let i = 0; i < k; i++) data[order[i]] = 0;
      zeroed += k;
      total += data.length;
    }
    out[name] = { shape: w.shape.slice(), data };
  }
  return { weights: out, zeroed, total };
}

export interface PruningRow {
  /** Share of each weight matrix set to 0. */
  fraction: number;
  zeroed: number;
  total: number;
  seen: AccuracyReport;
  heldOut: AccuracyReport;
  /** All weights as float32: bytes, and bytes after gzip (zeros compress; dense storage does not shrink). */
  denseBytes: number;
  gzipBytes: number;
}

export interface MeasurePruningOptions {
  /** Shares of each weight matrix to zero (default [0, 0.5, 0.7, 0.9]). */
  fractions?: number[];
  /** Seed and size of the fresh evaluation images (default 2024 and 192 seen + 192 held-out). */
  evalSeed?: number;
  evalImages?: number;
}

/**
 * Prunes a copy of the mini-CLIP at each fraction and measures zero-shot accuracy among the 24 labels on the same
 * fresh images (seen and held-out pairs), with the size of the weights before and after gzip. The model passed in
 * is not changed.
 */
export async function measurePruning(
  model: MiniClip,
  tokenizer: MiniClipTokenizer,
  options: MeasurePruningOptions = {},
): Promise<PruningRow[]> {
  const fractions = options.fractions ?? [0, 0.5, 0.7, 0.9];
  const evalSet = await evaluationSet(options.evalSeed ?? 2024, options.evalImages ?? 192, model.config.imageSize);
  const original = model.weights();
  const rows: PruningRow[] = [];
  for (const fraction of fractions) {
    const pruned = magnitudePrune(original, fraction);
    const copy = MiniClip.fromWeights(model.config, pruned.weights);
    try {
      const report = await evaluateZeroShot(copy, tokenizer, evalSet);
      const bytes = Buffer.concat(
        Object.values(pruned.weights).map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)),
      );
      rows.push({
        fraction,
        zeroed: pruned.zeroed,
        total: pruned.total,
        seen: report.seen,
        heldOut: report.heldOut,
        denseBytes: bytes.length,
        gzipBytes: zlib.gzipSync(bytes).length,
      });
    } finally {
      copy.dispose();
    }
  }
  return rows;
}

/** The pruning rows as a text table, accuracy changes against the unpruned row (the first with fraction 0). */
export function formatPruningTable(rows: PruningRow[]): string {
  const base = rows.find((r) => r.fraction === 0) ?? rows[0];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
  const lines = ['zeroed   seen acc. (change)   held-out acc. (change)   weights KiB   gzip KiB'];
  for (const r of rows) {
    lines.push(
      `${pct(r.fraction).padStart(6)}   ${pct(r.seen.accuracy).padStart(6)} (${pts(r.seen.accuracy - base.seen.accuracy).padStart(5)})      ` +
        `${pct(r.heldOut.accuracy).padStart(6)} (${pts(r.heldOut.accuracy - base.heldOut.accuracy).padStart(5)})         ` +
        `${(r.denseBytes / 1024).toFixed(0).padStart(6)}     ${(r.gzipBytes / 1024).toFixed(0).padStart(6)}`,
    );
  }
  return lines.join('\n');
}
