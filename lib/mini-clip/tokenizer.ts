/**
 * The mini-CLIP's tokenizer: a small lowercase WordPiece (BERT-style) tokenizer whose files (tokenizer.json,
 * tokenizer_config.json, vocab.txt) transformers.js loads with `AutoTokenizer`, and whose TypeScript implementation
 * here (`MiniClipTokenizer`) gives the same ids, synchronously, for training.
 *
 * Vocabulary: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, punctuation, digits, every word of the shapes world, a few
 * hundred common English words, and the letters a–z as word starts and ##a–##z as continuations, so an unknown
 * lowercase word is spelled out in pieces instead of becoming [UNK].
 *
 * @example
 *   const tok = MiniClipTokenizer.default();
 *   tok.encode('A photo of a red circle.');   // [2, id('a'), id('photo'), id('of'), id('a'), id('red'), id('circle'), id('.'), 3]
 *   tok.tokenize('a crimson circle');         // ['a', 'c', '##r', '##i', '##m', '##s', '##o', '##n', 'circle']
 */
import { SHAPES_WORLD_WORDS } from '../worlds/shapes';
import { CourseError } from '../course/errors';

export const PAD_TOKEN = '[PAD]';
export const UNK_TOKEN = '[UNK]';
export const CLS_TOKEN = '[CLS]';
export const SEP_TOKEN = '[SEP]';
export const MASK_TOKEN = '[MASK]';
export const SPECIAL_TOKENS = [PAD_TOKEN, UNK_TOKEN, CLS_TOKEN, SEP_TOKEN, MASK_TOKEN] as const;
/** Longest input in tokens (with [CLS] and [SEP]); longer texts are cut to this length. */
export const MINI_CLIP_MAX_LENGTH = 32;

/** Common English words, so prompts outside the shapes world are not all [UNK]. */
const COMMON_WORDS = `
the be to of and a in that have i it for not on with he as you do at this but his by from they we say her she or
an will my one all would there their what so up out if about who get which go me when make can like time no just
him know take people into year your good some could them see other than then now look only come its over think also
back after use two how our work first well way even new want because any these give day most us is are was were been
has had did does photo photograph picture image drawing painting sketch render rendering icon logo shape shapes object
objects thing things scene background foreground colour color colours colors colored coloured bright dark light pale
deep vivid big small large tiny huge little medium size sized left right top bottom middle center centre corner edge
above below under over next beside near far inside outside around between behind front single double many few several
five six seven eight nine ten zero none black white gray grey pink brown cyan magenta violet gold silver crimson navy
teal maroon lime circle circles square squares triangle triangles star stars rectangle rectangles oval ovals ellipse
hexagon pentagon diamond heart cross line lines dot dots ring disk cube sphere round pointed flat solid empty filled
outline plain simple blurry cat cats dog dogs car cars person man woman child boy girl people face animal animals bird
fish horse tree trees flower flowers house building street city road sky cloud clouds sun moon water sea beach
mountain grass field food cup coffee tea plate table chair room window door book phone computer camera rocket space
astronaut launch robot ball toy game text word letter number art cartoon close view high low quality blur noise
noisy clean some red green blue yellow purple orange
`;

/** Raised when tokenizer files are malformed; the message names the file, the cause and the fix. */
export class TokenizerFileError extends CourseError {}

/** The mini-CLIP's vocabulary in id order: specials, punctuation, digits, words, letters, ##letters. */
export function buildMiniClipVocab(): string[] {
  const punctuation = [...'.,!?\'"-:;()/&'];
  const digits = [...'0123456789'];
  const letters = [...'abcdefghijklmnopqrstuvwxyz'];
  const words = [...SHAPES_WORLD_WORDS, ...COMMON_WORDS.split(/\s+/).filter((w) => w.length > 1)];
  const vocab: string[] = [];
  const seen = new Set<string>();
  for (const t of [
    ...SPECIAL_TOKENS,
    ...punctuation,
    ...digits,
    ...letters,
    ...words,
    ...letters.map((l) => `##${l}`),
    ...digits.map((d) => `##${d}`),
  ]) {
    if (!seen.has(t)) {
      seen.add(t);
      vocab.push(t);
    }
  }
  return vocab;
}

const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKENIZE = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

/** A lowercase WordPiece tokenizer with BERT's normalization and pre-tokenization ([CLS] … [SEP]). */
export class MiniClipTokenizer {
  readonly vocab: readonly string[];
  private readonly ids: Map<string, number>;
  readonly maxLength: number;

  constructor(vocab: readonly string[], maxLength = MINI_CLIP_MAX_LENGTH) {
    for (const [i, t] of SPECIAL_TOKENS.entries()) {
      if (vocab[i] !== t)
        throw new TokenizerFileError(
          `vocab: id ${i} must be ${t} (got ${vocab[i]}); the mini-CLIP expects ${SPECIAL_TOKENS.join(' ')} first.`,
        );
    }
    this.vocab = vocab;
    this.ids = new Map(vocab.map((t, i) => [t, i]));
    this.maxLength = maxLength;
  }

  /** The tokenizer with the course's own vocabulary (`buildMiniClipVocab()`). */
  static default(): MiniClipTokenizer {
    return new MiniClipTokenizer(buildMiniClipVocab());
  }

  /** Reads the vocabulary from a tokenizer.json object (the WordPiece model's vocab). */
  static fromTokenizerJson(json: unknown): MiniClipTokenizer {
    const model = (json as { model?: { type?: string; vocab?: Record<string, number> } }).model;
    if (!model || model.type !== 'WordPiece' || !model.vocab)
      throw new TokenizerFileError(
        'tokenizer.json: expected model.type "WordPiece" with a vocab; write it with miniClipTokenizerFiles().',
      );
    const vocab: string[] = [];
    for (const [t, i] of Object.entries(model.vocab)) vocab[i] = t;
    return new MiniClipTokenizer(vocab);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  idOf(token: string): number {
    return this.ids.get(token) ?? 1;
  }

  /** BERT normalization: drop control characters, whitespace → space, lowercase, strip accents. */
  normalize(text: string): string {
    let out = '';
    for (const ch of text) {
      const cp = ch.charCodeAt(0);
      if (cp === 0 || cp === 0xfffd) continue;
      if (ch !== '\t' && ch !== '\n' && ch !== '\r' && /^\p{Cc}|\p{Cf}|\p{Co}|\p{Cs}$/u.test(ch)) continue;
      out += /^\s$/.test(ch) ? ' ' : ch;
    }
    return out
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{Mn}/gu, '');
  }

  /** Word pieces of a text (no [CLS]/[SEP]). */
  tokenize(text: string): string[] {
    const words = this.normalize(text).trim().match(PRE_TOKENIZE) ?? [];
    const out: string[] = [];
    for (const word of words) {
      const chars = [...word];
      if (chars.length > 100) {
        out.push(UNK_TOKEN);
        continue;
      }
      const pieces: string[] = [];
      let start = 0;
      let unknown = false;
      while (start < chars.length) {
        let end = chars.length;
        let found: string | null = null;
        while (start < end) {
          const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
          if (this.ids.has(piece)) {
            found = piece;
            break;
          }
          end--;
        }
        if (found === null) {
          unknown = true;
          break;
        }
        pieces.push(found);
        start = end;
      }
      if (unknown) out.push(UNK_TOKEN);
      else out.push(...pieces);
    }
    return out;
  }

  /** Ids with [CLS] … [SEP], cut to `maxLength` as transformers.js's `truncation: true` does (a cut text loses its [SEP]). */
  encode(text: string): number[] {
    const ids = [this.idOf(CLS_TOKEN), ...this.tokenize(text).map((p) => this.idOf(p)), this.idOf(SEP_TOKEN)];
    return ids.slice(0, this.maxLength);
  }

  /**
   * A padded batch, as transformers.js's `tokenizer(texts, { padding: true, truncation: true })` gives it: every row as
   * long as the longest, padded with [PAD] (id 0) on the right, attention mask 1 for real tokens.
   *
   * @example
   *   tok.batch(['a red star', 'star']);   // { inputIds: [[2, …, 3], [2, id('star'), 3, 0, 0]], attentionMask: [[1,1,1,1,1], [1,1,1,0,0]], length: 5 }
   */
  batch(
    texts: readonly string[],
    length?: number,
  ): { inputIds: number[][]; attentionMask: number[][]; length: number } {
    const encoded = texts.map((t) => this.encode(t));
    const L = length ?? Math.max(1, ...encoded.map((e) => e.length));
    return {
      inputIds: encoded.map((e) => [...e.slice(0, L), ...new Array(Math.max(0, L - e.length)).fill(0)]),
      attentionMask: encoded.map((e) => [
        ...new Array(Math.min(L, e.length)).fill(1),
        ...new Array(Math.max(0, L - e.length)).fill(0),
      ]),
      length: L,
    };
  }

  /** The tokenizer files transformers.js reads: tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.txt. */
  files(): Record<string, string> {
    const vocabObject: Record<string, number> = {};
    this.vocab.forEach((t, i) => (vocabObject[t] = i));
    const special = (t: string) => ({
      id: this.idOf(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    const tokenizerJson = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL_TOKENS.map(special),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: CLS_TOKEN, type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: SEP_TOKEN, type_id: 0 } },
        ],
        pair: [
          { SpecialToken: { id: CLS_TOKEN, type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: SEP_TOKEN, type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: SEP_TOKEN, type_id: 1 } },
        ],
        special_tokens: Object.fromEntries(
          [CLS_TOKEN, SEP_TOKEN].map((t) => [t, { id: t, ids: [this.idOf(t)], tokens: [t] }]),
        ),
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: UNK_TOKEN,
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: vocabObject,
      },
    };
    const tokenizerConfig = {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      do_basic_tokenize: true,
      strip_accents: null,
      tokenize_chinese_chars: true,
      model_max_length: this.maxLength,
      padding_side: 'right',
      truncation_side: 'right',
      clean_up_tokenization_spaces: true,
      pad_token: PAD_TOKEN,
      unk_token: UNK_TOKEN,
      cls_token: CLS_TOKEN,
      sep_token: SEP_TOKEN,
      mask_token: MASK_TOKEN,
      processor_class: 'CLIPProcessor',
      added_tokens_decoder: Object.fromEntries(
        SPECIAL_TOKENS.map((t) => {
          const { id, ...rest } = special(t);
          return [String(id), rest];
        }),
      ),
    };
    const specialMap = {
      pad_token: PAD_TOKEN,
      unk_token: UNK_TOKEN,
      cls_token: CLS_TOKEN,
      sep_token: SEP_TOKEN,
      mask_token: MASK_TOKEN,
    };
    return {
      'tokenizer.json': JSON.stringify(tokenizerJson, null, 2) + '\n',
      'tokenizer_config.json': JSON.stringify(tokenizerConfig, null, 2) + '\n',
      'special_tokens_map.json': JSON.stringify(specialMap, null, 2) + '\n',
      'vocab.txt': this.vocab.join('\n') + '\n',
    };
  }
}
