/**
 * Quality of the SHIPPED emoji-CLIP (assets/models/emoji-clip), through transformers.js, on icons rendered now
 * (no cache): zero-shot among the 50 labels of the eval list, written with the model's default template, in the two
 * styles it never saw. The issue's targets (top-1 ≥ 50 % openmoji, ≥ 65 % fluent-emoji-flat, top-5 ≥ 90 % on both) are
 * printed with a met / NOT MET verdict and asserted (the shipped model measures 66 % / 92 % on openmoji and
 * 68 % / 96 % on fluent-emoji-flat).
 * Also printed: the seen-style number (held-out icons of the training styles), the hits per concept, and
 * top-1 / top-5 among all concepts drawn by ≥ 6 sets.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  EMOJI_CLIP_DIR,
  EmojiEmbedder,
  SEEN_STYLES,
  formatQuality,
  measureEmojiClip,
  normalizeRows,
} from '../../../lib/worlds/emoji';
import { toPixelValues } from '../../../lib/worlds/emoji';

const root = path.join(__dirname, '..', '..', '..');
const dir = path.join(root, EMOJI_CLIP_DIR);

async function shippedEmbedder(): Promise<EmojiEmbedder & { template: string }> {
  const T = await import('@huggingface/transformers');
  T.env.localModelPath = path.dirname(dir) + path.sep;
  T.env.allowRemoteModels = false;
  const id = path.basename(dir);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const size = config.vision_config.image_size as number;
  const dim = config.projection_dim as number;
  const tokenizer = await T.AutoTokenizer.from_pretrained(id);
  const textModel = await T.CLIPTextModelWithProjection.from_pretrained(id, { dtype: 'fp32' });
  const visionModel = await T.CLIPVisionModelWithProjection.from_pretrained(id, { dtype: 'fp32' });
  return {
    dim,
    imageSize: size,
    template: config.course_default_template,
    texts: async (texts) => {
      const out = new Float32Array(texts.length * dim);
      for (let i = 0; i < texts.length; i += 512) {
        const part = texts.slice(i, i + 512);
        const { text_embeds } = await textModel(tokenizer(part, { padding: true, truncation: true }));
        out.set(text_embeds.data as Float32Array, i * dim);
      }
      return normalizeRows(out, dim);
    },
    images: async (pixels) => {
      const per = size * size * 3;
      const n = pixels.length / per;
      const out = new Float32Array(n * dim);
      for (let i = 0; i < n; i += 256) {
        const idx = Array.from({ length: Math.min(256, n - i) }, (_, k) => i + k);
        const { image_embeds } = await visionModel({
          pixel_values: new T.Tensor('float32', toPixelValues(pixels, size, idx), [idx.length, 3, size, size]),
        });
        out.set(image_embeds.data as Float32Array, i * dim);
      }
      return normalizeRows(out, dim);
    },
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The targets of issue 12 (eval list, default template). */
const ISSUE_TARGETS = { openmojiTop1: 0.5, fluentTop1: 0.65, top5: 0.9 };

describe('shipped emoji-CLIP zero-shot quality (icons rendered now, styles never seen in training)', () => {
  test('eval list: top-1 ≥ 50 % openmoji, ≥ 65 % fluent-emoji-flat; top-5 ≥ 90 % on both (the targets of issue 12)', async () => {
    const embedder = await shippedEmbedder();
    expect(embedder.template).toBe('an emoji of a {}');
    const q = await measureEmojiClip(embedder, { seed: 1, template: embedder.template, render: { cacheDir: '' } });
    process.stdout.write(formatQuality(q).join('\n') + '\n');
    const om = q.evalList.openmoji;
    const ff = q.evalList['fluent-emoji-flat'];
    expect(om.n).toBe(50);
    expect(ff.n).toBe(50);
    const targets: Array<[string, number, number]> = [
      ['openmoji top-1', om.top1, ISSUE_TARGETS.openmojiTop1],
      ['fluent-emoji-flat top-1', ff.top1, ISSUE_TARGETS.fluentTop1],
      ['openmoji top-5', om.top5, ISSUE_TARGETS.top5],
      ['fluent-emoji-flat top-5', ff.top5, ISSUE_TARGETS.top5],
    ];
    process.stdout.write(
      `issue 12 targets: ${targets.map(([name, v, t]) => `${name} ${pct(v)} (target ${pct(t)}: ${v >= t ? 'met' : 'NOT MET'})`).join(', ')}\n`,
    );
    expect(om.top1).toBeGreaterThanOrEqual(ISSUE_TARGETS.openmojiTop1);
    expect(ff.top1).toBeGreaterThanOrEqual(ISSUE_TARGETS.fluentTop1);
    expect(om.top5).toBeGreaterThanOrEqual(ISSUE_TARGETS.top5);
    expect(ff.top5).toBeGreaterThanOrEqual(ISSUE_TARGETS.top5);
    // the seen-style number, and the harder all-concepts task, are measured and far above chance
    const seen = q.evalList[SEEN_STYLES];
    expect(seen.n).toBe(50);
    expect(seen.top1).toBeGreaterThan(0.3);
    const labels = Object.keys(q.shared6).length ? q.shared6.openmoji.n : 0;
    expect(labels).toBeGreaterThan(900);
    for (const r of Object.values(q.shared6)) expect(r.top5).toBeGreaterThan(20 * (5 / 1217));
    // the numbers agree with what the training script wrote into the model card's log
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'training-log.json'), 'utf8'));
    process.stdout.write(
      `training log: openmoji ${pct(log.final.eval_list.openmoji.top1)}, fluent-emoji-flat ${pct(log.final.eval_list['fluent-emoji-flat'].top1)} top-1\n`,
    );
    expect(Math.abs(log.final.eval_list.openmoji.top1 - om.top1)).toBeLessThanOrEqual(0.04);
    expect(Math.abs(log.final.eval_list['fluent-emoji-flat'].top1 - ff.top1)).toBeLessThanOrEqual(0.04);
  }, 120000);

  test("the model card's template table: eval-list top-1 / top-5 with each training template", async () => {
    const embedder = await shippedEmbedder();
    const rows: string[] = [];
    const top1: number[] = [];
    for (const template of [
      'an emoji of a {}',
      'a photo of a {}',
      'a drawing of a {}',
      'an icon of a {}',
      'a cartoon of a {}',
      '{}',
    ]) {
      const q = await measureEmojiClip(embedder, { seed: 1, template, shared6: false });
      const cell = (k: string) => `${Math.round(100 * q.evalList[k].top1)} / ${Math.round(100 * q.evalList[k].top5)}`;
      rows.push(`| \`${template}\` | ${cell('openmoji')} | ${cell('fluent-emoji-flat')} | ${cell(SEEN_STYLES)} |`);
      top1.push(q.evalList.openmoji.top1);
    }
    process.stdout.write(`template table (model card):\n${rows.join('\n')}\n`);
    // every template is a usable prompt (far above the 2 % chance), and the default is among the ones it was trained on
    for (const t of top1) expect(t).toBeGreaterThan(0.3);
  }, 120000);

  test('the shipped folder is ≤ 20 MB, has the model card and loads in the zero-shot pipeline', async () => {
    const files = (d: string): string[] =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]));
    const total = files(dir).reduce((a, f) => a + fs.statSync(f).size, 0);
    process.stdout.write(`emoji-CLIP folder: ${(total / 1024 / 1024).toFixed(2)} MiB\n`);
    expect(total).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toMatch(/CC-BY-4\.0[\s\S]*Twemoji/);
    const T = await import('@huggingface/transformers');
    T.env.localModelPath = path.dirname(dir) + path.sep;
    T.env.allowRemoteModels = false;
    const classify = await T.pipeline('zero-shot-image-classification', path.basename(dir), { dtype: 'fp32' });
    const { renderIconPng, loadEmojiSet } = await import('../../../lib/worlds/emoji');
    const png = await renderIconPng(loadEmojiSet('fluent-emoji-flat').icons.get('redapple')!, {
      size: 48,
      cacheDir: '',
    });
    const image = await T.RawImage.fromBlob(new Blob([new Uint8Array(png)]));
    const out = (await classify(image, ['a red apple', 'a rocket', 'a bicycle'], {
      hypothesis_template: 'an emoji of {}',
    })) as Array<{ label: string; score: number }>;
    process.stdout.write(
      `pipeline on a fluent-emoji-flat red apple: ${out.map((o) => `${o.label} ${o.score.toFixed(3)}`).join(', ')}\n`,
    );
    expect(out).toHaveLength(3);
    expect(out.reduce((a, o) => a + o.score, 0)).toBeCloseTo(1, 4);
    expect(out[0].label).toBe('a red apple');
  }, 60000);
});
