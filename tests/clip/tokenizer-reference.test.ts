/**
 * The real CLIP tokenizer (openai/clip-vit-base-patch32), loaded by transformers.js from a local folder,
 * must give the token ids the Python Hugging Face tokenizer gives (tests/fixtures/clip-tokenizer.json, a copy
 * of ../shared/reference/clip-tokenizer.json), including truncation at 77 tokens.
 *
 * The tokenizer files come from ../shared/models/clip-vit-base-patch32 (developers and CI) or, for a learner who
 * has downloaded the real model once, from the project cache. With neither, the suite is skipped with a note.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AutoTokenizer } from '@huggingface/transformers';
import { encodeTruncated } from '../../lib/clip/labels';
import { DEFAULT_CACHE_DIR, DEFAULT_CLIP_MODEL } from '../../lib/clip/resolve';

const root = path.join(__dirname, '..', '..');
const sharedDir = path.join(root, '..', 'shared');
const candidates = [
  path.join(sharedDir, 'models', 'clip-vit-base-patch32'),
  path.join(DEFAULT_CACHE_DIR, DEFAULT_CLIP_MODEL),
];
const tokenizerDir = candidates.find((d) => fs.existsSync(path.join(d, 'tokenizer.json')));
const fixture: { cases: { text: string; input_ids: number[] }[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'clip-tokenizer.json'), 'utf8'),
);

if (!tokenizerDir) {
  console.warn(
    'tokenizer-reference: SKIPPED — no CLIP tokenizer files here (neither ../shared/models/clip-vit-base-patch32, ' +
      'which developers and CI have, nor a downloaded model in .cache/huggingface). Run `npm run example` online once to get them.',
  );
}

(tokenizerDir ? describe : describe.skip)(
  `real CLIP tokenizer (${tokenizerDir ?? 'absent'}) vs the Python reference`,
  () => {
    let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
    beforeAll(async () => {
      tokenizer = await AutoTokenizer.from_pretrained(tokenizerDir!, { local_files_only: true });
    });

    test('the fixture is the shared reference (when ../shared is here) and covers the chapter labels', () => {
      const shared = path.join(sharedDir, 'reference', 'clip-tokenizer.json');
      if (fs.existsSync(shared)) expect(fixture).toEqual(JSON.parse(fs.readFileSync(shared, 'utf8')));
      expect(fixture.cases.slice(0, 4).map((c) => c.text)).toEqual([
        'a photo of a cat',
        'a photo of a dog',
        'a photo of a remote control',
        'a photo of a bowl of fruit',
      ]);
    });

    test('the chapter labels get exactly the reference ids', () => {
      for (const c of fixture.cases.slice(0, 4)) {
        expect({ text: c.text, ids: tokenizer.encode(c.text) }).toEqual({ text: c.text, ids: c.input_ids });
      }
    });

    test('every reference case (case, punctuation, empty text, emoji and accents, > 77 tokens) matches after encodeTruncated', () => {
      expect(fixture.cases.length).toBeGreaterThanOrEqual(10);
      for (const c of fixture.cases) {
        const { ids } = encodeTruncated(tokenizer, c.text, 77);
        expect({ text: c.text, ids }).toEqual({ text: c.text, ids: c.input_ids });
      }
    });

    test('the long prompt: the reference keeps 75 text tokens and the end token; transformers.js truncation drops the end token', () => {
      const long = fixture.cases.find((c) => c.input_ids.length === 77)!;
      const full = tokenizer.encode(long.text);
      expect(full.length).toBeGreaterThan(77);
      const r = encodeTruncated(tokenizer, long.text, 77);
      expect(r.truncated).toBe(true);
      expect(r.originalLength).toBe(full.length);
      expect(r.ids[76]).toBe(49407);
      // Why encodeTruncated exists: transformers.js 4.3.1 keeps the first 77 ids, so the end token, where CLIP
      // pools its text embedding, is lost. If this starts failing, upstream has fixed it.
      const upstream = (
        tokenizer(long.text, { truncation: true, max_length: 77 }).input_ids.tolist() as bigint[][]
      )[0].map(Number);
      expect(upstream).toHaveLength(77);
      expect(upstream[76]).not.toBe(49407);
      expect(upstream).not.toEqual(long.input_ids);
    });
  },
);
