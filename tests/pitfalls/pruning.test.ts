import { initBackend } from '../../lib/course/backend';
import { loadMiniClip } from '../../lib/mini-clip/export';
import { evaluateZeroShot, evaluationSet } from '../../lib/mini-clip/train';
import {
  compareCost,
  ComputeMeasureError,
  formatCostComparison,
  formatPruningTable,
  magnitudePrune,
  measurePruning,
  type CostRow,
} from '../../lib/pitfalls/compute';

jest.setTimeout(120_000);

const row = (dtype: CostRow['dtype'], batchSize: number, msPerImage: number): CostRow => ({
  dtype,
  batchSize,
  msPerImage,
  images: 32,
  labels: 24,
  workloadMs: 32 * msPerImage,
  imagesPerSecond: 1000 / msPerImage,
  rssMiB: 600,
  maxProbabilityShift: 0,
  top1Agreement: 1,
});

describe('compareCost: dtypes against fp32 at the same batch size, batching per dtype', () => {
  test('ratios and verdicts come from the numbers, with a tolerance', () => {
    const c = compareCost([
      row('fp32', 1, 2),
      row('fp32', 8, 1),
      row('fp16', 1, 2.1),
      row('fp16', 8, 0.5),
      row('q8', 1, 3),
      row('q8', 8, 1.5),
    ]);
    expect(c.dtypes.map((d) => [d.dtype, d.batchSize, d.verdict])).toEqual([
      ['fp16', 1, 'about the same'],
      ['q8', 1, 'slower'],
      ['fp16', 8, 'faster'],
      ['q8', 8, 'slower'],
    ]);
    expect(c.dtypes[0].timeRatio).toBeCloseTo(1.05);
    expect(c.batching.find((b) => b.dtype === 'fp32')).toMatchObject({
      fromBatch: 1,
      toBatch: 8,
      speedup: 2,
      verdict: 'faster',
    });
    const text = formatCostComparison(c);
    expect(text).toMatch(/batch {2}8: fp16 takes 0\.50× fp32's time per image → faster/);
    expect(text).toMatch(/verdict: it depends on the batch size/);
    expect(formatCostComparison(compareCost([row('fp32', 1, 2), row('q8', 1, 2.05)]))).toMatch(
      /verdict: about the same as fp32 at every batch size/,
    );
  });
});

describe('magnitude pruning of the mini-CLIP', () => {
  test('zeroes exactly the smallest share of every weight matrix and leaves the input alone', () => {
    const weights = {
      'a.weight': { shape: [2, 2], data: Float32Array.from([0.1, -3, 0.2, 4]) },
      'a.bias': { shape: [2], data: Float32Array.from([0.01, 0.02]) },
    };
    const pruned = magnitudePrune(weights, 0.5);
    expect(Array.from(pruned.weights['a.weight'].data)).toEqual([0, -3, 0, 4]);
    expect(Array.from(pruned.weights['a.bias'].data)).toEqual(Array.from(weights['a.bias'].data));
    expect(pruned).toMatchObject({ zeroed: 2, total: 4 });
    expect(weights['a.weight'].data[0]).toBeCloseTo(0.1);
    expect(() => magnitudePrune(weights, 1)).toThrow(ComputeMeasureError);
  });

  test('measurePruning: fraction 0 is the model itself; more pruning compresses better', async () => {
    await initBackend();
    const { model, tokenizer } = loadMiniClip();
    const rows = await measurePruning(model, tokenizer, { fractions: [0, 0.9], evalImages: 24 });
    const direct = await evaluateZeroShot(model, tokenizer, await evaluationSet(2024, 24));
    expect(rows[0].seen.accuracy).toBe(direct.seen.accuracy);
    expect(rows[0].heldOut.accuracy).toBe(direct.heldOut.accuracy);
    expect(rows[1].zeroed / rows[1].total).toBeGreaterThan(0.89);
    expect(rows[1].gzipBytes).toBeLessThan(rows[0].gzipBytes);
    expect(rows[1].denseBytes).toBe(rows[0].denseBytes);
    const table = formatPruningTable(rows);
    console.log(table);
    expect(table.split('\n')).toHaveLength(3);
    model.dispose();
  });
});
