/**
 * `npm run bench -- similarity`: similarityMatrix on 10,000×512 against 1,000×512 (the L2 normalisation of both
 * sides included) against
 *  - the best TensorFlow.js path to the same cosines: wasm backend (one thread); b normalised and transposed once
 *    before timing (kept as a tensor, as a cached label matrix would be), a normalised with tf ops inside, then
 *    tf.matMul(â, b̂ᵀ), which takes XNNPACK, read back with dataSync. (With the
 *    transposeB flag tfjs-wasm falls back to a scalar loop ~10× slower; transposing inside each call is slower
 *    still, ~0.5 GFLOP/s here, as XNNPACK re-packs a new weight operand every call.)
 *  - the previous kernel: the same normalisation + the plain-JS blocked loop (lib/embeddings/matmul.ts's
 *    multiplyByTransposeJs, which stays the engine below the crossover).
 * Alternating paired rounds; ratio = median of the per-round ratios of CPU time. Prints GFLOP per CPU-second and the
 * fraction of the machine's peak; then the crossover between the JS kernel and onnxruntime for small products.
 * Writes build/bench/similarity.json.
 */
import { tf, initBackend } from '../lib/course/backend';
import { l2Normalize, similarityMatrix, type Matrix } from '../lib/embeddings/similarity';
import { ENGINE_MIN_WORK, matmulEngine, multiplyByTranspose, multiplyByTransposeJs } from '../lib/embeddings/matmul';
import { pairedRounds, printTargets, round2, target, writeResult } from './harness';

/**
 * The machine's measured peak, GFLOP per CPU-second on one core: a register-blocked AVX2 FMA loop (two FMA units ×
 * 8 float lanes × 2 flops at ~3.6 GHz) reached about 114 on this machine (issue 16); BENCH_PEAK_GFLOPS overrides it.
 */
const PEAK_GFLOPS = Number(process.env.BENCH_PEAK_GFLOPS ?? 114);

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  let s = seed >>> 0;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return { rows, cols, data };
}

/**
 * Smallest n·m·d (over a ladder of zero-shot-like shapes: 24 labels, the mini-CLIP's 64 and CLIP's 512 dimensions)
 * from which onnxruntime beats the JS kernel per call, and stays ahead for every larger product of the ladder.
 */
function crossover(): { rows: Record<string, number>[]; firstWin: number | null } {
  const m = 24;
  const rows: Record<string, number>[] = [];
  const shapes = [
    [1, 64],
    [2, 64],
    [4, 64],
    [8, 64],
    [16, 64],
    [1, 512],
    [32, 64],
    [4, 512],
    [64, 64],
    [8, 512],
    [16, 512],
    [64, 512],
  ];
  for (const [n, d] of shapes) {
    const A = randomMatrix(n, d, n).data;
    const B = randomMatrix(m, d, 99).data;
    const reps = Math.max(20, Math.min(2000, Math.round(2e7 / (n * m * d))));
    const time = (engine: 'js' | 'onnxruntime') => {
      multiplyByTranspose(A, n, B, m, d, { engine });
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) multiplyByTranspose(A, n, B, m, d, { engine });
      return ((performance.now() - t0) / reps) * 1000;
    };
    const js: number[] = [];
    const ort: number[] = [];
    for (let r = 0; r < 5; r++) {
      js.push(time('js'));
      ort.push(time('onnxruntime'));
    }
    const ratios = js.map((t, i) => t / ort[i]).sort((a, b) => a - b);
    const ratio = ratios[2];
    rows.push({
      n,
      m,
      d,
      work: n * m * d,
      'js µs': round2(js.sort((a, b) => a - b)[2]),
      'onnxruntime µs': round2(ort.sort((a, b) => a - b)[2]),
      'js/ort': round2(ratio),
    });
  }
  rows.sort((x, y) => x.work - y.work);
  let firstWin: number | null = null;
  for (let i = rows.length - 1; i >= 0 && rows[i]['js/ort'] > 1; i--) firstWin = rows[i].work;
  return { rows, firstWin };
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const a = randomMatrix(10_000, 512, 1);
  const b = randomMatrix(1_000, 512, 2);
  const ta = tf.tensor2d(a.data, [a.rows, a.cols]);
  const tb = tf.tensor2d(b.data, [b.rows, b.cols]);
  const tbT = tf.tidy(() => tf.transpose(tf.div(tb, tf.norm(tb, 'euclidean', 1, true))));
  const gflop = (2 * a.rows * b.rows * a.cols) / 1e9;
  const engine = matmulEngine();

  const ours = {
    name: `lib/embeddings similarityMatrix (normalise + ${engine.detail})`,
    run: () => similarityMatrix(a, b),
  };
  const tfBest = {
    name: `peer: TensorFlow.js '${backend}': â = a/‖a‖, tf.matMul(â, b̂ᵀ) (XNNPACK; b̂ᵀ prepared once) + dataSync`,
    run: () => tf.tidy(() => tf.matMul(tf.div(ta, tf.norm(ta, 'euclidean', 1, true)), tbT).dataSync().length),
  };
  const previous = {
    name: 'previous kernel: normalise + plain-JS blocked loop (multiplyByTransposeJs)',
    run: () => multiplyByTransposeJs(l2Normalize(a).data, a.rows, l2Normalize(b).data, b.rows, a.cols),
  };
  console.log(
    `similarityMatrix 10,000×512 · (1,000×512)ᵀ = ${gflop.toFixed(2)} GFLOP per call; TensorFlow.js backend '${backend}'; alternating paired rounds, machine shared (timings under load)`,
  );
  const vsTf = await pairedRounds(ours, tfBest, { rounds: Number(process.env.BENCH_ROUNDS ?? 7) });
  const vsJs = await pairedRounds(ours, previous, { rounds: Number(process.env.BENCH_ROUNDS_SLOW ?? 3), warmup: 0 });
  ta.dispose();
  tb.dispose();
  tbT.dispose();

  const perCpuS = (cpuMs: number) => gflop / (cpuMs / 1000);
  const row = (name: string, cpuMs: number, wallMs: number) => ({
    implementation: name,
    'CPU ms': Math.round(cpuMs),
    'wall ms': Math.round(wallMs),
    'GFLOP/CPU-s': round2(perCpuS(cpuMs)),
    'of peak': `${((100 * perCpuS(cpuMs)) / PEAK_GFLOPS).toFixed(0)}%`,
  });
  const table = [
    row(ours.name, vsTf.oursCpuMs, vsTf.oursWallMs),
    row(tfBest.name, vsTf.peerCpuMs, vsTf.peerWallMs),
    row(previous.name, vsJs.peerCpuMs, vsJs.peerWallMs),
  ];
  console.table(table);
  console.log(`peak: ${PEAK_GFLOPS} GFLOP per CPU-second (one core, AVX2 FMA loop; BENCH_PEAK_GFLOPS overrides)`);
  console.log(
    `ratios (median of paired rounds, CPU time): vs TensorFlow.js ${vsTf.cpuRatios.map(round2).join(', ')}; vs previous kernel ${vsJs.cpuRatios.map(round2).join(', ')}`,
  );

  const cross = crossover();
  console.log(`crossover, n × 24 × d (zero-shot shapes), µs per call, median of 5 alternating rounds:`);
  console.table(cross.rows);
  console.log(
    `onnxruntime first wins at ${cross.firstWin ?? 'none of these'} multiply-adds; lib/embeddings/matmul.ts switches at ENGINE_MIN_WORK = ${ENGINE_MIN_WORK}`,
  );

  const targets = [
    target('similarityMatrix vs best TensorFlow.js path', vsTf.cpuRatio, 1.5),
    target('similarityMatrix vs previous kernel', vsJs.cpuRatio, 10),
  ];
  printTargets(targets);
  writeResult('similarity', {
    shape: '10000x512 · (1000x512)^T',
    gflopPerCall: gflop,
    peakGflopsPerCore: PEAK_GFLOPS,
    engine,
    implementations: table,
    vsTensorflow: vsTf,
    vsPrevious: vsJs,
    crossover: { ...cross, engineMinWork: ENGINE_MIN_WORK },
    targets,
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
