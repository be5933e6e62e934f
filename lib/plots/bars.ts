/** Zero-shot probabilities as horizontal bars, sorted, the winner highlighted. */
import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG, CHART_COLOURS, PlotInputError, finiteNumbers, labelList, titleParts } from './common';
import type { Chart } from './common';

export interface ProbabilityBarsOptions {
  labels: ReadonlyArray<string>;
  /** One probability per label, each in [0, 1] (softmax output, say). */
  probabilities: ArrayLike<number>;
  title?: string;
  valueTitle?: string;
  /** Pixel width of the bar area, default 380. */
  width?: number;
}

/**
 * Zero-shot probabilities as horizontal bars, highest first, the winner in red and every bar labelled with
 * its percentage.
 *
 * ```ts
 * const chart = probabilityBars({ labels: ['a cat', 'a dog', 'a rocket'], probabilities: [0.7, 0.2, 0.1] });
 * chart.title;   // 'Zero-shot probabilities'
 * ```
 */
export function probabilityBars(options: ProbabilityBarsOptions): Chart {
  const { title = 'Zero-shot probabilities', valueTitle = 'probability', width = 380 } = options;
  const probs = finiteNumbers(options.probabilities ?? [], 'probabilityBars: probabilities');
  if (probs.length === 0) throw new PlotInputError('probabilityBars: no probabilities given; pass one per label.');
  const out = probs.findIndex((p) => p < 0 || p > 1);
  if (out >= 0) {
    throw new PlotInputError(
      `probabilityBars: probability ${out} is ${probs[out]}, outside [0, 1]. Apply softmax to similarity scores first.`,
    );
  }
  const labels = labelList(options.labels, probs.length, 'probabilityBars labels', 'probabilities');
  const order = probs.map((_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  const winner = order[0];
  const bars = order.map((i, rank) => ({ label: labels[i], probability: probs[i], winner: i === winner, rank }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: titleParts(title, `winner: ${labels[winner]} (${(probs[winner] * 100).toFixed(1)}%)`),
    data: { values: bars },
    width,
    height: { step: 28 },
    encoding: {
      y: {
        field: 'label',
        type: 'nominal',
        sort: bars.map((b) => b.label),
        title: null,
        axis: { labelLimit: 240, labelFontSize: 13 },
      },
      x: {
        field: 'probability',
        type: 'quantitative',
        title: valueTitle,
        scale: { domain: [0, 1] },
        axis: { format: '.0%', tickCount: 5 },
      },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          color: { condition: { test: 'datum.winner', value: CHART_COLOURS.highlight }, value: CHART_COLOURS.muted },
        },
      },
      ...[false, true].map((isWinner) => ({
        transform: [{ filter: isWinner ? 'datum.winner' : '!datum.winner' }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12, fontWeight: isWinner ? 'bold' : 'normal' },
        encoding: { text: { field: 'probability', type: 'quantitative', format: '.1%' } },
      })),
    ],
    config: BASE_CONFIG,
  } as TopLevelSpec;
  return { kind: 'probability-bars', title, spec };
}
