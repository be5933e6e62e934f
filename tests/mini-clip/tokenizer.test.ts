import * as fs from 'fs';
import * as path from 'path';
import {
  MiniClipTokenizer,
  buildMiniClipVocab,
  TokenizerFileError,
  MINI_CLIP_MAX_LENGTH,
} from '../../lib/mini-clip/tokenizer';
import { sampleShapes, SHAPES_WORLD_WORDS } from '../../lib/worlds/shapes';
import { zeroShotLabels } from '../../lib/mini-clip/train';

const root = path.join(__dirname, '..', '..');
const shipped = path.join(root, 'assets/models/mini-clip');

describe('mini-CLIP tokenizer', () => {
  const tok = MiniClipTokenizer.default();

  test('special tokens first, every shapes-world word whole, unknown words spelled in pieces', () => {
    expect(tok.vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    for (const w of SHAPES_WORLD_WORDS) expect(tok.tokenize(w)).toEqual([w]);
    expect(tok.tokenize('A Crimson circle!')).toEqual(['a', 'crimson', 'circle', '!']);
    expect(tok.tokenize('zqx')).toEqual(['z', '##q', '##x']);
    expect(tok.tokenize('café')).toEqual(['c', '##a', '##f', '##e']);
    expect(tok.tokenize('日')).toEqual(['[UNK]']);
    const ids = tok.encode('a red star');
    expect(ids[0]).toBe(2);
    expect(ids[ids.length - 1]).toBe(3);
    expect(ids).toHaveLength(5);
    expect(tok.encode('star '.repeat(100))).toHaveLength(MINI_CLIP_MAX_LENGTH);
  });

  test('the shipped tokenizer files hold the same vocabulary the code builds', () => {
    const json = JSON.parse(fs.readFileSync(path.join(shipped, 'tokenizer.json'), 'utf8'));
    expect(MiniClipTokenizer.fromTokenizerJson(json).vocab).toEqual(buildMiniClipVocab());
    expect(fs.readFileSync(path.join(shipped, 'vocab.txt'), 'utf8').trim().split('\n')).toEqual(buildMiniClipVocab());
    const config = JSON.parse(fs.readFileSync(path.join(shipped, 'tokenizer_config.json'), 'utf8'));
    expect(config.tokenizer_class).toBe('BertTokenizer');
    expect(() => MiniClipTokenizer.fromTokenizerJson({ model: { type: 'BPE' } })).toThrow(TokenizerFileError);
    expect(() => new MiniClipTokenizer(['a', 'b', 'c', 'd', 'e'])).toThrow(/id 0 must be \[PAD\]/);
  });

  test('transformers.js AutoTokenizer on the shipped files gives the ids and masks the training code uses', async () => {
    const T = await import('@huggingface/transformers');
    T.env.localModelPath = path.join(root, 'assets/models') + path.sep;
    T.env.allowRemoteModels = false;
    const auto = await T.AutoTokenizer.from_pretrained('mini-clip');
    const texts = [
      ...sampleShapes({ seed: 5, count: 40 }).map((e) => e.caption),
      ...zeroShotLabels().map((l) => l.text),
      'This is a photo of red circle',
      'A PHOTO of an Orange   star.',
      "a dog's crimson frisbee, (blurry)!",
      'zebra-striped hexagons',
      'naïve café',
      'x',
      '',
      'star '.repeat(40),
    ];
    for (const t of texts) {
      const ids = (auto(t, { truncation: true }).input_ids.tolist() as bigint[][])[0].map(Number);
      expect([t, ids]).toEqual([t, tok.encode(t)]);
    }
    const batch = auto(texts.slice(0, 10), { padding: true, truncation: true });
    const mine = tok.batch(texts.slice(0, 10));
    expect((batch.input_ids.tolist() as bigint[][]).map((r) => r.map(Number))).toEqual(mine.inputIds);
    expect((batch.attention_mask.tolist() as bigint[][]).map((r) => r.map(Number))).toEqual(mine.attentionMask);
  });
});
