/**
 * npm run train:emoji-clip [-- --seed 1 --steps N --batch N --augment outline=0.5,flat=0.3 --out assets/models/emoji-clip]
 *
 * Trains the course's emoji-CLIP on the training styles of the emoji world (lib/worlds/emoji), with a progress bar
 * (step, loss, zero-shot top-1 on the eval list in the unseen styles and on held-out icons of the seen ones), then
 * measures it (eval list and all concepts in ≥ 6 sets) and exports it in the transformers.js layout with the
 * training log. Deterministic in --seed and --steps: the ONNX files come out byte-identical.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../lib/course/backend';
import {
  AUGMENT,
  type AugmentProbabilities,
  EMOJI_CLIP_DIR,
  EMOJI_TRAINING_DEFAULTS,
  STYLE_SPLIT,
  EMOJI_SETS,
  DEFAULT_TEMPLATE,
  exportEmojiClip,
  formatQuality,
  measureEmojiClip,
  tfEmbedder,
  trainEmojiClip,
} from '../lib/worlds/emoji';

class TrainArgumentError extends Error {
  override name = 'TrainArgumentError';
}

function parseArgs(argv: string[]) {
  const args: { seed: number; steps: number; batch: number; out: string; augment: Partial<AugmentProbabilities> } = {
    seed: EMOJI_TRAINING_DEFAULTS.seed,
    steps: EMOJI_TRAINING_DEFAULTS.steps,
    batch: EMOJI_TRAINING_DEFAULTS.batchSize,
    out: EMOJI_CLIP_DIR,
    augment: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new TrainArgumentError(`${a} needs a value, e.g. ${a} 3.`);
      return v;
    };
    const int = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v <= 0) throw new TrainArgumentError(`${a} must be a whole number > 0.`);
      return v;
    };
    if (a === '--seed') args.seed = int();
    else if (a === '--steps') args.steps = int();
    else if (a === '--batch') args.batch = int();
    else if (a === '--out') args.out = value();
    else if (a === '--augment') {
      for (const pair of value().split(',')) {
        const [name, p] = pair.split('=');
        if (!(name in AUGMENT) || !(Number(p) >= 0 && Number(p) <= 1))
          throw new TrainArgumentError(
            `--augment ${pair}: write name=probability (0–1) with a name from ${Object.keys(AUGMENT).join(', ')}.`,
          );
        args.augment[name as keyof AugmentProbabilities] = Number(p);
      }
    } else
      throw new TrainArgumentError(
        `unknown argument ${a}; use --seed N, --steps N, --batch N, --augment outline=0.5,… , --out DIR.`,
      );
  }
  return args;
}

function progressBar(step: number, steps: number, loss: number, evalLine: string, t0: number): string {
  const width = 24;
  const done = Math.round((width * step) / steps);
  const elapsed = (Date.now() - t0) / 1000;
  const eta = step ? (elapsed / step) * (steps - step) : 0;
  return `[${'#'.repeat(done)}${'-'.repeat(width - done)}] step ${step}/${steps}  loss ${loss.toFixed(3)}  ${evalLine ? `top-1/top-5 ${evalLine}  ` : ''}${elapsed.toFixed(0)} s, ~${eta.toFixed(0)} s left`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await initBackend();
  const load0 = os.loadavg()[0];
  console.log(
    `backend ${backend}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `emoji-CLIP: seed ${args.seed}, ${args.steps} steps × batch ${args.batch}; training styles ${STYLE_SPLIT.train.join(', ')}; unseen test styles ${STYLE_SPLIT.test.join(', ')}`,
  );
  const wall0 = Date.now();
  const cpu0 = process.cpuUsage();
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const run = await trainEmojiClip({
    seed: args.seed,
    steps: args.steps,
    batchSize: args.batch,
    augment: args.augment,
    log: (line) => {
      if (tty) process.stderr.write('\r\x1b[K');
      console.log('  ' + line);
    },
    onStep: (step, loss, evalLine) => {
      const line = progressBar(step, args.steps, loss, evalLine, wall0);
      if (tty) process.stderr.write('\r\x1b[K' + line);
      else if (Date.now() - lastLine > 15000) {
        lastLine = Date.now();
        console.log('  ' + line);
      }
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  const trainSeconds = (Date.now() - wall0) / 1000;
  const trainCpu = process.cpuUsage(cpu0);
  console.log('measuring (eval list and all concepts in ≥ 6 sets) …');
  const quality = await measureEmojiClip(tfEmbedder(run.model, run.tokenizer), { seed: args.seed });
  for (const line of formatQuality(quality)) console.log('  ' + line);
  const summary = (r: typeof quality.evalList) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { n: v.n, top1: v.top1, top5: v.top5 }]));
  const log = {
    script: 'npm run train:emoji-clip',
    options: run.options,
    train_items: run.trainItems,
    train_concepts: run.trainConcepts,
    styles: { train: STYLE_SPLIT.train, test: STYLE_SPLIT.test, unused: STYLE_SPLIT.unused },
    default_template: DEFAULT_TEMPLATE,
    timing: {
      train_wall_seconds: Math.round(trainSeconds * 10) / 10,
      train_cpu_user_seconds: Math.round(trainCpu.user / 1e5) / 10,
      cpus: os.cpus().length,
      load_average_at_start: Math.round(load0 * 100) / 100,
      load_average_at_end: Math.round(os.loadavg()[0] * 100) / 100,
      backend,
    },
    history: run.history,
    losses: run.losses.map((l) => Math.round(l * 1e4) / 1e4),
    final: { eval_list: summary(quality.evalList), shared6: summary(quality.shared6) },
    per_concept: Object.fromEntries(
      Object.entries(quality.evalList).map(([k, v]) => [
        k,
        Object.fromEntries(
          Object.entries(v.perConcept).map(([c, h]) => [c, { top1: h.top1, top5: h.top5, predicted: h.predicted[0] }]),
        ),
      ]),
    ),
  };
  const sizes = exportEmojiClip(
    run.model,
    run.tokenizer,
    args.out,
    {
      course_training: {
        script: 'npm run train:emoji-clip',
        ...run.options,
        default_template: DEFAULT_TEMPLATE,
        styles: log.styles,
        licences: Object.fromEntries([...STYLE_SPLIT.train].map((s) => [s, EMOJI_SETS[s].licence])),
        final: log.final,
      },
    },
    { 'training-log.json': JSON.stringify(log) + '\n' },
  );
  const total = Object.entries(sizes)
    .filter(([f]) => f.startsWith('onnx/'))
    .reduce((a, [, b]) => a + b, 0);
  const all = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(
    `exported to ${path.resolve(args.out)}: ${Object.entries(sizes)
      .filter(([f]) => f.startsWith('onnx/'))
      .map(([f, n]) => `${f} ${(n / 1024 / 1024).toFixed(2)} MiB`)
      .join(', ')}; ONNX ${(total / 1024 / 1024).toFixed(2)} MiB, folder ${(all / 1024 / 1024).toFixed(2)} MiB`,
  );
  console.log(
    `time: training ${trainSeconds.toFixed(1)} s wall, ${(trainCpu.user / 1e6).toFixed(1)} s user CPU; load average at start ${load0.toFixed(2)}, now ${os.loadavg()[0].toFixed(2)}`,
  );
  if (!fs.existsSync(path.join(args.out, 'README.md')))
    console.log(`note: ${args.out} has no README.md (model card); copy it from ${EMOJI_CLIP_DIR}.`);
}

main().catch((err: Error) => {
  console.error(`${err.name}: ${err.message}`);
  process.exit(1);
});
