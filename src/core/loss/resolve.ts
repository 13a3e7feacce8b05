/**
 * LossOptions validated once and turned into the flat, typed form the per-row kernels read, so
 * the hot loop does no option lookups, no defaulting and no allocation.
 */
import { getPreset, type PresetParams } from '../presets';
import type { InputKind, LossKind, LossOptions, PresetName, Reduction } from '../types';
import { checkTemperature } from './temperature';

export interface ResolvedOptions {
  kind: LossKind;
  input: InputKind;
  preset: PresetName;
  params: Readonly<PresetParams>;
  /** Length of a prediction: 1 for bce, K for ce, L for multilabel. */
  width: number;
  /** Logits that go through log-sigmoid / log-softmax (every preset but sklearn, and keras's categorical focal loss). */
  exactLogits: boolean;
  smoothing: number;
  /** ce: K weights; bce: [w0, w1]; null for multilabel (see labelWeights). */
  classWeights: Float64Array | null;
  /** multilabel: L weights, one per label, scaling both of the label's terms. */
  labelWeights: Float64Array | null;
  /** bce: 1 value; multilabel: L values. */
  posWeight: Float64Array | null;
  ignoreIndex: number | null;
  focal: boolean;
  /** Binary terms with no smoothing, weights or focal factor: plainBinaryLoss computes them. */
  plainBinary: boolean;
  gamma: number;
  /** Focal alpha, or null when not given (no class balancing, no scalar factor). */
  alpha: number | null;
  bits: boolean;
  reduction: Reduction;
  /** The scores' temperature; 1 leaves them as written. */
  temperature: number;
}

function weights(name: string, values: readonly number[], expected: number, what: string): Float64Array {
  if (values.length !== expected) {
    throw new RangeError(`${name} needs ${expected} values (${what}), got ${values.length}`);
  }
  for (const w of values) {
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`${name} must be finite and >= 0, got ${w}`);
  }
  return Float64Array.from(values);
}

export function resolveOptions(options: LossOptions, numClasses: number): ResolvedOptions {
  const { kind, input } = options;
  if (kind !== 'bce' && kind !== 'ce' && kind !== 'multilabel') throw new RangeError(`unknown loss kind '${String(kind)}'`);
  if (input !== 'probs' && input !== 'logits') throw new RangeError(`unknown input kind '${String(input)}'`);
  const preset = getPreset(options.preset);
  let width = 1;
  if (kind !== 'bce') {
    const min = kind === 'ce' ? 2 : 1;
    if (!Number.isInteger(numClasses) || numClasses < min) {
      throw new RangeError(`${kind} needs an integer number of ${kind === 'ce' ? 'classes >= 2' : 'labels >= 1'}, got ${numClasses}`);
    }
    width = numClasses;
  }
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError(`labelSmoothing must be in [0, 1), got ${smoothing}`);

  let classWeights: Float64Array | null = null;
  if (options.classWeights !== undefined) {
    classWeights = kind === 'bce'
      ? weights('classWeights', options.classWeights, 2, '[w0, w1]')
      : weights('classWeights', options.classWeights, width, kind === 'ce' ? 'one per class' : 'one per label');
  }

  let posWeight: Float64Array | null = null;
  if (options.posWeight !== undefined) {
    if (kind === 'ce') throw new RangeError('posWeight applies to bce and multilabel only');
    const pw = options.posWeight;
    posWeight = typeof pw === 'number'
      ? weights('posWeight', Array<number>(width).fill(pw), width, 'a number')
      : weights('posWeight', pw, width, kind === 'bce' ? 'one value' : 'one per label');
  }

  let ignoreIndex: number | null = null;
  if (options.ignoreIndex !== undefined) {
    if (kind === 'multilabel') throw new RangeError('ignoreIndex applies to ce and bce labels only');
    if (!Number.isFinite(options.ignoreIndex)) throw new RangeError(`ignoreIndex must be a finite number, got ${options.ignoreIndex}`);
    ignoreIndex = options.ignoreIndex;
  }

  const focal = options.focalGamma !== undefined;
  const gamma = options.focalGamma ?? 0;
  if (focal && !(gamma >= 0 && Number.isFinite(gamma))) throw new RangeError(`focalGamma must be finite and >= 0, got ${gamma}`);
  let alpha: number | null = null;
  if (options.focalAlpha !== undefined) {
    if (!focal) throw new RangeError('focalAlpha needs focalGamma (focal loss)');
    if (!(options.focalAlpha >= 0 && options.focalAlpha <= 1)) throw new RangeError(`focalAlpha must be in [0, 1], got ${options.focalAlpha}`);
    alpha = options.focalAlpha;
  }

  if (options.renormalise !== undefined && typeof options.renormalise !== 'boolean') {
    throw new RangeError(`renormalise must be true or false, got ${String(options.renormalise)}`);
  }
  if (options.base !== 'e' && options.base !== '2') throw new RangeError(`unknown log base '${String(options.base)}'`);
  if (options.reduction !== 'mean' && options.reduction !== 'sum' && options.reduction !== 'none') {
    throw new RangeError(`unknown reduction '${String(options.reduction)}'`);
  }

  return {
    kind,
    input,
    preset: preset.name,
    params: options.renormalise === undefined || options.renormalise === preset.params.renormalise
      ? preset.params
      : { ...preset.params, renormalise: options.renormalise },
    width,
    exactLogits: input === 'logits' && preset.params.logits === 'exact' &&
      !(kind === 'ce' && focal && preset.params.categoricalFocalLogits === 'via-probabilities'),
    smoothing,
    classWeights: kind === 'multilabel' ? null : classWeights,
    labelWeights: kind === 'multilabel' ? classWeights : null,
    posWeight,
    ignoreIndex,
    focal,
    plainBinary: smoothing === 0 && classWeights === null && posWeight === null && !focal,
    gamma,
    alpha,
    bits: options.base === '2',
    reduction: options.reduction,
    temperature: options.temperature === undefined ? 1 : checkTemperature(options.temperature),
  };
}
