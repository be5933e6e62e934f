/**
 * npm run train:mini-clip [-- --seed 1 --epochs 6 --images 8000 --out assets/models/mini-clip --baseline]
 *
 * Trains the course's mini-CLIP with clipLoss on the shapes world (held-out colour/shape pairs never shown), prints
 * progress (epoch, loss, zero-shot accuracy on seen and held-out pairs, colour and shape separately), and exports it
 * in the transformers.js layout. Deterministic in --seed. With --baseline it first trains the 'centred' variant
 * (the same patch-MLP, shape and colour from the same pixels) to show the shortcut the factored encoder avoids.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../lib/course/backend';
import { exportMiniClip, MINI_CLIP_DIR } from '../lib/mini-clip/export';
import { trainMiniClip, TrainMiniClipResult } from '../lib/mini-clip/train';
import type { VisionVariant } from '../lib/mini-clip/model';
import { CourseError } from '../lib/course/errors';

/** Raised for a command-line argument the script does not understand. */
class TrainArgumentError extends CourseError {}

function parseArgs(argv: string[]): {
  seed: number;
  epochs: number;
  images: number;
  out: string;
  baseline: boolean;
  variant: VisionVariant;
} {
  const args = {
    seed: 1,
    epochs: 6,
    images: 8000,
    out: MINI_CLIP_DIR,
    baseline: false,
    variant: 'factored' as VisionVariant,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new TrainArgumentError(`${a} needs a value, e.g. ${a} 3.`);
      return v;
    };
    const int = (name: string) => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0) throw new TrainArgumentError(`${name} must be a whole number ≥ 0.`);
      return v;
    };
    if (a === '--seed') args.seed = int('--seed');
    else if (a === '--epochs') args.epochs = int('--epochs');
    else if (a === '--images') args.images = int('--images');
    else if (a === '--out') args.out = value();
    else if (a === '--baseline') args.baseline = true;
    else if (a === '--variant') args.variant = value() as VisionVariant;
    else
      throw new TrainArgumentError(
        `unknown argument ${a}; use --seed N, --epochs N, --images N, --out DIR, --variant factored|centred|plain, --baseline.`,
      );
  }
  return args;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function summary(label: string, r: TrainMiniClipResult): string {
  const { seen, heldOut } = r.final;
  return (
    `${label}: seen pairs ${pct(seen.accuracy)} (colour ${pct(seen.colourAccuracy)}, shape ${pct(seen.shapeAccuracy)}), ` +
    `held-out pairs ${pct(heldOut.accuracy)} (colour ${pct(heldOut.colourAccuracy)}, shape ${pct(heldOut.shapeAccuracy)}); chance 1/24 = 4.2%`
  );
}

/**
 * The `baseline_centred_variant` block of the config.json already in `out`, when that run had the same seed, data
 * size, epochs and batch (so the baseline it describes is this run's): retraining without --baseline keeps
 * config.json whole instead of dropping what an earlier --baseline run measured.
 */
function earlierBaseline(out: string, options: TrainMiniClipResult['options']): unknown {
  let previous: { course_training?: Record<string, unknown> };
  try {
    previous = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const t = previous.course_training;
  if (!t || t.baseline_centred_variant === undefined) return undefined;
  const same = (['seed', 'trainImages', 'epochs', 'batchSize', 'learningRate', 'evalImages'] as const).every(
    (k) => t[k] === options[k],
  );
  if (!same) {
    console.log(
      `note: the earlier config.json's baseline_centred_variant was measured with other settings; it is not kept (add --baseline to measure it again).`,
    );
    return undefined;
  }
  console.log(
    `kept the earlier config.json's baseline_centred_variant (same seed and budget; --baseline measures it again)`,
  );
  return t.baseline_centred_variant;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await initBackend();
  console.log(
    `backend ${backend}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const wall0 = Date.now();
  const cpu0 = process.cpuUsage();
  const common = {
    seed: args.seed,
    epochs: args.epochs,
    trainImages: args.images,
    log: (line: string) => console.log('  ' + line),
  };
  let baseline: TrainMiniClipResult | undefined;
  if (args.baseline) {
    console.log(
      `baseline: the 'centred' variant (shape and colour read from the same pixels), ${args.images} images × ${args.epochs} epochs`,
    );
    baseline = await trainMiniClip({ ...common, variant: 'centred' });
    baseline.model.dispose();
  }
  console.log(
    `mini-CLIP '${args.variant}': ${args.images} training images (held-out pairs excluded) × ${args.epochs} epochs, seed ${args.seed}`,
  );
  const run = await trainMiniClip({ ...common, variant: args.variant });
  const keptBaseline = baseline ? undefined : earlierBaseline(args.out, run.options);
  const sizes = exportMiniClip(run.model, run.tokenizer, args.out, {
    course_training: {
      script: 'npm run train:mini-clip',
      ...run.options,
      final_logit_scale: run.history[run.history.length - 1].logitScale,
      zero_shot_template: 'a photo of a {colour} {shape}',
      final: run.final,
      ...(baseline
        ? {
            baseline_centred_variant: {
              note: "the 'centred' variant, same data and budget: shape and colour read from the same pixels (the shortcut)",
              final: baseline.final,
            },
          }
        : {}),
      ...(keptBaseline ? { baseline_centred_variant: keptBaseline } : {}),
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(
    `exported to ${args.out}: ${Object.entries(sizes)
      .map(([f, n]) => `${f} ${(n / 1024).toFixed(0)} KiB`)
      .join(', ')}; total ${(total / 1024 / 1024).toFixed(2)} MiB`,
  );
  if (baseline) console.log(summary("baseline 'centred' (shortcut)", baseline));
  console.log(summary(`mini-CLIP '${args.variant}'`, run));
  console.log(
    `time: ${((Date.now() - wall0) / 1000).toFixed(1)} s wall, ${(cpu.user / 1e6).toFixed(1)} s user CPU, ${(cpu.system / 1e6).toFixed(1)} s system CPU; load average now ${os.loadavg()[0].toFixed(2)}`,
  );
}

main().catch((err: Error) => {
  console.error(`${err.name}: ${err.message}`);
  process.exit(1);
});
