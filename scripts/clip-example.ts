/**
 * `npm run example -- [image path or URL] [label …]`: the chapter's main_clip_example, in TypeScript.
 *
 * Loads CLIP (localDir → CLIP_MODEL_DIR → the hub model Xenova/clip-vit-base-patch32, cached in .cache/huggingface),
 * embeds one image and the candidate labels, and prints the versions, the model, the labels, the embedding shapes,
 * a probability per label (softmax of logit scale × cosine) and the predicted label.
 *
 * Offline with nothing cached it falls back to the course's emoji-CLIP (trained on emoji drawn by six artists) and
 * says so; then, unless you name an image and labels yourself, it classifies an emoji cat drawn in a style the model
 * never saw, with the chapter's labels, because the emoji-CLIP has never seen a photo.
 *
 * Examples:
 *   npm run example
 *   npm run example -- assets/images/coffee.png "a cup of coffee" "a rocket" "a cat"
 *   CLIP_MODEL_DIR=/models/clip npm run example -- https://example.org/photo.jpg "a dog" "a cat"
 */
import {
  CHAPTER_IMAGE,
  CHAPTER_LABELS,
  COURSE_ROOT,
  demoInputs,
  loadCourseClip,
  type ImageSource,
} from '../lib/clip/loader';
import { packageVersion } from '../lib/course/environment';
import * as path from 'path';

function usage(): string {
  return (
    'usage: npm run example -- [image path or URL] [label …]\n' +
    `  defaults: ${path.relative(COURSE_ROOT, CHAPTER_IMAGE)} and the labels ${CHAPTER_LABELS.map((l) => JSON.stringify(l)).join(', ')}`
  );
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return 0;
  }
  const [imageArg, ...labelArgs] = argv;

  console.log('versions:');
  console.log(`  Node.js                     ${process.version}`);
  for (const name of ['@huggingface/transformers', 'onnxruntime-node', 'sharp'])
    console.log(`  ${name.padEnd(27)} ${packageVersion(name)}`);

  const clip = await loadCourseClip();
  const demo = await demoInputs(clip);
  const image: ImageSource = imageArg ?? demo.image;
  const imageName = imageArg ?? demo.imageName;
  const labels = labelArgs.length ? labelArgs : demo.labels;
  if (!clip.pretrained) {
    console.log(
      imageArg === undefined && labelArgs.length === 0
        ? '(the emoji-CLIP knows everyday concepts only as emoji: the demo uses an emoji cat instead of the cat photo)'
        : '(warning: the emoji-CLIP has never seen a photo; on photos its answers are close to guessing, see notebook 04)',
    );
  }

  console.log(
    `model: ${clip.modelId} (${clip.pretrained ? 'pretrained CLIP' : "the course's emoji-CLIP, not pretrained on photos"}; from ${clip.source.kind}: ${clip.source.dir})`,
  );
  console.log(
    `  dtype ${clip.dtype}, device ${clip.device}, logit scale ${clip.logitScale.toFixed(2)} (${clip.logitScaleSource})`,
  );
  console.log(`image: ${imageName}`);
  console.log('candidate labels:');
  labels.forEach((l, i) => console.log(`  ${i}: ${l}`));

  const imageEmbeds = await clip.embedImages([image]);
  const textEmbeds = await clip.embedLabels(labels);
  console.log(`image embedding shape: [${imageEmbeds.rows}, ${imageEmbeds.cols}]`);
  console.log(`text embeddings shape: [${textEmbeds.rows}, ${textEmbeds.cols}]`);

  const [ranking] = await clip.zeroShot([image], labels);
  const byLabel = new Map(ranking.map((r) => [r.label, r.score]));
  console.log('probabilities (softmax of logit scale × cosine):');
  for (const l of labels)
    console.log(
      `  ${l.padEnd(Math.max(...labels.map((x) => x.length)))}  ${(byLabel.get(l)! * 100).toFixed(2).padStart(6)} %`,
    );
  console.log(`predicted label: ${ranking[0].label} (${(ranking[0].score * 100).toFixed(2)} %)`);
  await clip.dispose();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`${err.name}: ${err.message}`);
    if (err.name === 'ClipLabelError' || err.name === 'ImageInputError') console.error(usage());
    process.exit(1);
  },
);
