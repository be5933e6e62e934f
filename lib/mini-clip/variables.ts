/**
 * A small CLIP's weights as TensorFlow.js variables, by name, checked against the shapes its config needs: the
 * plumbing the mini-CLIP (lib/mini-clip/model.ts) and the emoji-CLIP (lib/worlds/emoji/model.ts) share.
 *
 * @example
 *   class TinyModel extends ModelVariables {
 *     constructor(weights: Weights) { super({ w: [2, 2], logit_scale: [] }, weights, 'tiny', (m) => new Error(m)); }
 *   }
 *   new TinyModel({ w: { shape: [2, 2], data: new Float32Array(4) }, logit_scale: { shape: [], data: Float32Array.of(2.66) } })
 *     .weights().w.shape;   // [2, 2]
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../course/backend';
import { seededRandom } from '../course/random';

export type Weights = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * Deterministic initial weights for named shapes: `logit_scale` is `logitScaleInit`; every other parameter, in the
 * order of `shapes`, gets normal draws (Box–Muller on one seeded stream) times `std(name, shape)`, or zeros when
 * that is 0 (no draws are spent on it). The mini-CLIP and the emoji-CLIP differ only in their `std`.
 *
 * @example
 *   initialWeightsFor({ w: [2, 3], b: [3], logit_scale: [] }, 1, 2.66, (name, shape) =>
 *     name === 'b' ? 0 : Math.sqrt(2 / shape[0])).b.data;   // Float32Array [0, 0, 0]
 */
export function initialWeightsFor(
  shapes: Record<string, number[]>,
  seed: number,
  logitScaleInit: number,
  std: (name: string, shape: number[]) => number,
): Weights {
  const r = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const out: Weights = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const s = name === 'logit_scale' ? 0 : std(name, shape);
    if (name === 'logit_scale') data[0] = logitScaleInit;
    else if (s > 0) for (let i = 0; i < n; i++) data[i] = normal() * s;
    out[name] = { shape, data };
  }
  return out;
}

export class ModelVariables {
  readonly variables: Record<string, tfTypes.Variable>;

  /**
   * `shapes`: every parameter the config needs; `weights`: their values; `prefix` names the variables;
   * `problem` builds the model's own error for a missing or mis-sized weight.
   */
  protected constructor(
    shapes: Record<string, number[]>,
    weights: Weights,
    prefix: string,
    problem: (message: string) => Error,
  ) {
    this.variables = {};
    for (const [name, shape] of Object.entries(shapes)) {
      const w = weights[name];
      const n = shape.reduce((a, b) => a * b, 1);
      if (!w || w.data.length !== n)
        throw problem(
          `weights: "${name}" is ${w ? `${w.data.length} values` : 'missing'}; the config needs [${shape.join(', ')}] = ${n}. ` +
            'Load the weights with the config.json saved beside them.',
        );
      this.variables[name] = tf.variable(
        tf.tensor(w.data, shape),
        true,
        `${prefix}/${name}/${Math.random().toString(36).slice(2)}`,
      );
    }
  }

  /** The current weights as plain arrays (a copy). */
  weights(): Weights {
    const out: Weights = {};
    for (const [name, v] of Object.entries(this.variables))
      out[name] = { shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) };
    return out;
  }

  trainableVariables(): tfTypes.Variable[] {
    return Object.values(this.variables);
  }

  get logitScale(): tfTypes.Variable<tfTypes.Rank.R0> {
    return this.variables['logit_scale'] as tfTypes.Variable<tfTypes.Rank.R0>;
  }

  dispose(): void {
    for (const v of Object.values(this.variables)) v.dispose();
  }
}
