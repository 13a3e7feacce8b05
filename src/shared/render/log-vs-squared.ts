/**
 * "Why log loss and not squared error", in sentences with a sample's own numbers (see
 * src/core/log-vs-squared.ts): the derivation panel's note, and the CLI's --explain.
 */
import type { LogVersusSquared } from '../../core/log-vs-squared';
import { formatNumber } from './format';

const f = (x: number) => formatNumber(x, 'text');

/** A ratio as "6.4 times" or "13 times", or undefined when the smaller cost is 0 (a certain, right prediction). */
function times(big: number, small: number): string | undefined {
  if (!(small > 0)) return undefined;
  const r = big / small;
  return `${r >= 10 ? Math.round(r) : r.toFixed(1)} times`;
}

/** The note's sentences, in order. */
export function logVersusSquaredText(c: LogVersusSquared, binary: boolean): string[] {
  const unit = c.base === '2' ? 'bits' : 'nats';
  const what = binary ? 'the outcome that happened' : 'the true class';
  const { sample, other } = c;
  const out = [
    `Here ${what} has probability ${f(sample.trueProb)}: log loss ${f(sample.logLoss)} ${unit}, squared error ${f(sample.squared)} (it is at most ${c.squaredMax}).`,
    `Had the model given it ${f(other.trueProb)}${binary ? '' : ' (the other classes sharing the rest as they do now)'}: log loss ${f(other.logLoss)} ${unit}, squared error ${f(other.squared)}.`,
  ];
  const [sure, unsure] = sample.trueProb >= other.trueProb ? [sample, other] : [other, sample];
  const log = times(unsure.logLoss, sure.logLoss);
  const sq = times(unsure.squared, sure.squared);
  if (log !== undefined && sq !== undefined) {
    out.push(`From ${f(sure.trueProb)} down to ${f(unsure.trueProb)} the log loss grows ${log}, the squared error ${sq}; as the probability goes to 0 the log loss grows without bound, while the squared error stops at ${c.squaredMax}.`);
  }
  out.push('The log loss is the negative log-likelihood: on average only the true probabilities minimise it, and a confident mistake costs as much as it should surprise the model. Squared error rates being sure and wrong barely worse than being unsure.');
  return out;
}
