/**
 * Clipping's share: how many samples the preset's clip (or PyTorch's -100 clamp of the log) caps,
 * what share of the loss they carry, and what every other preset makes of the file.
 *
 * Presets differ only where a probability on a term of the loss is near 0 or 1: below 1e-7
 * (Keras's epsilon, the widest floor) the clip decides the term, and above 1 - 1e-7 the upper clip
 * moves it by up to 1e-7. So the rows with such a probability below CONTEST_BELOW (1e-4, well
 * above every floor even after a renormalisation by a row sum up to 1000) or above
 * 1 - CONTEST_ABOVE (1e-6) are scored under every preset as they are read
 * (core/clip-contest.ts), and their sums kept here; every other row scores the same under every
 * preset, up to rounding. A preset that renormalises categorical rows where the active one does
 * not (or the reverse) changes every row whose sum is not 1: its file mean is not given (null)
 * rather than given wrong.
 */
import { PRESET_NAMES, type PresetName } from '../types';

export const CONTEST_BELOW = 1e-4;
export const CONTEST_ABOVE = 1e-6;

/** Slots of the state's clip arrays. Sums (compensated pairs): the clipped samples' loss, then one per preset. */
export const CLIP_SUM_SLOTS = 2 + 2 * PRESET_NAMES.length;
/** Counts: contested rows, clipped rows, clipped rows with a probability of exactly 0, then one infinite count per preset. */
export const CLIP_COUNT_SLOTS = 3 + PRESET_NAMES.length;

export interface PresetClipFigures {
  /** The contested samples' loss summed as this preset scores them (Infinity when one is infinite). */
  contestedSum: number;
  /** The file's mean under this preset; null when it renormalises categorical rows differently from the active preset. */
  mean: number | null;
  /** Whether `mean` is given, and whether it (and contestedSum) is infinite: said apart because a report through JSON turns Infinity into null. */
  comparable: boolean;
  infinite: boolean;
}

export interface ClippingReport {
  /** The preset the report's loss is under. */
  preset: PresetName;
  /** Samples with a probability below 1e-4 or above 1 - 1e-6 on a term of the loss: the only ones presets score apart. */
  contested: number;
  /** Samples where the active preset's floor bit: a probability on a term of the loss below its eps (or a log below -100). */
  clipped: number;
  /** Of the clipped samples, those whose floored probability is exactly 0. */
  clippedAtZero: number;
  /** The clipped samples' loss, summed (in the loss's base, weighted as the loss is). */
  clippedSum: number;
  /** clippedSum over the total loss (0 when the total is 0; NaN when the total is not finite). */
  share: number;
  presets: Record<PresetName, PresetClipFigures>;
}

export interface ClipTotals {
  preset: PresetName;
  /** Presets whose file mean is comparable (they renormalise as the active one does). */
  comparable: readonly PresetName[];
  finiteSum: number;
  weightSum: number;
  /** The file's total: finiteSum, or Infinity / NaN. */
  sum: number;
}

export function clippingReport(t: ClipTotals, sum: (slot: number) => number, counts: Float64Array): ClippingReport {
  const active = PRESET_NAMES.indexOf(t.preset);
  const activeSum = sum(2 + 2 * active);
  const presets = {} as Record<PresetName, PresetClipFigures>;
  PRESET_NAMES.forEach((name, j) => {
    const infinite = (counts[3 + j] as number) > 0;
    const contestedSum = infinite ? Number.POSITIVE_INFINITY : sum(2 + 2 * j);
    // The rows that are not contested score alike: swap the contested rows' sum for this preset's.
    const mean = !t.comparable.includes(name)
      ? null
      : infinite
        ? Number.POSITIVE_INFINITY
        : Number.isNaN(t.sum)
          ? Number.NaN
          : (t.finiteSum - activeSum + contestedSum) / t.weightSum;
    presets[name] = { contestedSum, mean, comparable: mean !== null, infinite };
  });
  const clippedSum = sum(0);
  return {
    preset: t.preset,
    contested: counts[0] as number,
    clipped: counts[1] as number,
    clippedAtZero: counts[2] as number,
    clippedSum,
    share: !Number.isFinite(t.sum) ? Number.NaN : t.sum > 0 ? clippedSum / t.sum : 0,
    presets,
  };
}
