import { countingVerdict, negationVerdict, wordOrderVerdict } from '../../lib/pitfalls/nuance';
import type { CountingResult, NegationResult, WordOrderResult } from '../../lib/pitfalls/nuance';

const counting = (confusion: number[][]): CountingResult => {
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  const right = confusion.reduce((a, row, i) => a + row[i], 0);
  return {
    prompts: [],
    confusion,
    accuracy: right / total,
    chance: 1 / confusion.length,
    meanCosines: [],
    examples: [],
  };
};

describe('probe verdicts come from the numbers', () => {
  test('counting: guessing, above chance but unreliable, reliable', () => {
    expect(
      countingVerdict(
        counting([
          [6, 5, 5],
          [5, 6, 5],
          [5, 5, 6],
        ]),
      ),
    ).toMatch(/close to guessing \(37\.5% vs chance 33\.3%\)/);
    expect(
      countingVerdict(
        counting([
          [12, 4, 0],
          [4, 8, 4],
          [0, 8, 8],
        ]),
      ),
    ).toBe('verdict: above chance (58.3% vs 33.3%) but unreliable: the count is wrong on 20 of 48 images.');
    expect(
      countingVerdict(
        counting([
          [16, 0, 0],
          [0, 16, 0],
          [1, 0, 15],
        ]),
      ),
    ).toMatch(/counts well on this probe \(97\.9%/);
  });

  test('negation and word order', () => {
    const neg = {
      positivePrompt: 'there is a red circle',
      negatedPrompt: 'there is no red circle',
      negatedCosineWith: 0.5,
      negatedCosineWithout: 0.4,
    } as NegationResult;
    expect(negationVerdict(neg)).toBe(
      'verdict: "there is no red circle" matches images that HAVE a red circle better (by 0.100): the model reads "red circle", not "no".',
    );
    expect(negationVerdict({ ...neg, negatedCosineWith: 0.3 })).toMatch(/negation is handled on this probe/);
    const order = { images: 24, ties: 24, accuracy: 0 } as WordOrderResult;
    expect(wordOrderVerdict(order)).toMatch(/IDENTICAL embeddings/);
    expect(wordOrderVerdict({ ...order, ties: 0, accuracy: 0.6 })).toMatch(/coin flip .*60\.0% right/);
    expect(wordOrderVerdict({ ...order, ties: 0, accuracy: 0.9 })).toMatch(/mostly right/);
  });
});
