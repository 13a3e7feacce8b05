/**
 * The numeric conventions of each framework, selectable by name. Each preset reproduces what one
 * library computes for probabilities of exactly 0 or 1 (see README, "Numeric conventions").
 */
import { FLOAT64_EPS } from './math';
import type { PresetName } from './types';

export interface PresetParams {
  /** Probabilities are clipped to [clipEps, 1 - clipEps] before the log; 0 = never clipped. */
  clipEps: number;
  /**
   * BCE / multi-label from probabilities: each log term is clamped from below at this value
   * (PyTorch's BCELoss: -100). -Infinity = no clamp. Categorical CE is never clamped.
   */
  bceLogFloor: number;
  /** Categorical probabilities are divided by their row sum before clipping (Keras). */
  renormalise: boolean;
  /**
   * 'exact': logits go through log-sigmoid / log-softmax, never through a rounded probability.
   * 'via-probabilities': sigmoid / softmax first, then the probability path with its clipping
   * (what scikit-learn's log_loss(y, softmax(z)) does).
   */
  logits: 'exact' | 'via-probabilities';
  /**
   * Categorical focal loss from logits: 'exact' through log-softmax as `logits` says, or
   * 'via-probabilities': softmax, then clipped to [clipEps, 1 - clipEps] for both the log and the
   * focal factor, as Keras's CategoricalFocalCrossentropy(from_logits=True) computes it on every
   * backend. (Its binary focal loss recovers the logits on TensorFlow, Keras's default backend.)
   */
  categoricalFocalLogits: 'exact' | 'via-probabilities';
  /**
   * What a mean of sample-weighted losses divides by: 'weights', sum(w l) / sum(w) (np.average,
   * scikit-learn's log_loss); 'count', sum(w l) / N (Keras's default reduction,
   * sum_over_batch_size, where a weight of 0 still counts in N). Class weights keep PyTorch's
   * w_y in the denominator either way.
   */
  sampleWeightMean: 'weights' | 'count';
}

export interface Preset {
  name: PresetName;
  /** Human label for pickers. */
  label: string;
  /** One line for the UI's preset picker. */
  description: string;
  params: Readonly<PresetParams>;
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  classic: {
    name: 'classic',
    label: 'Classic log loss',
    description: 'Clip probabilities to [1e-15, 1 - 1e-15] (the textbook log-loss eps); logits exact.',
    params: { clipEps: 1e-15, bceLogFloor: -Infinity, renormalise: false, logits: 'exact', categoricalFocalLogits: 'exact', sampleWeightMean: 'weights' },
  },
  pytorch: {
    name: 'pytorch',
    label: 'PyTorch',
    description: 'BCELoss clamps each log at -100; cross_entropy exact; CE from probabilities is nll_loss(log p), unclipped.',
    params: { clipEps: 0, bceLogFloor: -100, renormalise: false, logits: 'exact', categoricalFocalLogits: 'exact', sampleWeightMean: 'weights' },
  },
  keras: {
    name: 'keras',
    label: 'Keras',
    description: 'Clip to [1e-7, 1 - 1e-7] (backend epsilon); categorical rows renormalised to sum 1 first; logits exact (categorical focal: softmax, then clip); a sample-weighted mean divides by N.',
    params: { clipEps: 1e-7, bceLogFloor: -Infinity, renormalise: true, logits: 'exact', categoricalFocalLogits: 'via-probabilities', sampleWeightMean: 'count' },
  },
  sklearn: {
    name: 'sklearn',
    label: 'scikit-learn',
    description: 'log_loss (1.5+): clip to float64 eps 2.22e-16, no renormalisation; logits go through sigmoid/softmax first.',
    params: { clipEps: FLOAT64_EPS, bceLogFloor: -Infinity, renormalise: false, logits: 'via-probabilities', categoricalFocalLogits: 'via-probabilities', sampleWeightMean: 'weights' },
  },
  none: {
    name: 'none',
    label: 'No clipping',
    description: 'Exact math: a probability of 0 on the true class is an infinite loss (never NaN); logits exact.',
    params: { clipEps: 0, bceLogFloor: -Infinity, renormalise: false, logits: 'exact', categoricalFocalLogits: 'exact', sampleWeightMean: 'weights' },
  },
};

export function getPreset(name: PresetName): Preset {
  const preset = PRESETS[name];
  if (!preset) throw new RangeError(`unknown preset '${String(name)}'`);
  return preset;
}
