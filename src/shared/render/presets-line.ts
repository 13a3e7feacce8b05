/**
 * "PyTorch 100 · Keras 16.12 · scikit-learn 36.04 · Classic log loss 34.54 · No clipping ∞":
 * the same sample under every preset, for when users ask why their framework's number differs.
 */
import { CONTEST_BELOW, type ClippingReport } from '../../core/breakdown/clipping';
import { PRESETS } from '../../core/presets';
import { PRESET_NAMES, type LossKind, type PresetName } from '../../core/types';
import { DEFAULT_DIGITS, formatNumber, type NumberStyle } from './format';

export interface PresetsLineOptions {
  /** 'text' (Infinity) or 'markdown' (∞). */
  style?: Exclude<NumberStyle, 'tex'>;
  digits?: number;
}

/**
 * One line with each preset's value (lossUnderPresets output), or null when every preset gives
 * the same number at the shown precision: the line only appears where the choice matters.
 */
export function presetsLine(values: Readonly<Record<PresetName, number>>, options: PresetsLineOptions = {}): string | null {
  const style = options.style ?? 'text';
  const digits = options.digits ?? DEFAULT_DIGITS;
  const shown = PRESET_NAMES.map((name) => ({ name, value: formatNumber(values[name], style, digits) }));
  if (shown.every((s) => s.value === shown[0]?.value)) return null;
  return shown.map((s) => `${PRESETS[s.name].label} ${s.value}`).join(' · ');
}

/** The file's presets line and the sentence saying which samples make the gap (clippingLines). */
export interface ClippingLines {
  /** Each preset's mean over the file: "Classic log loss 8.6 · PyTorch 24.3 · Keras 1.2 · ...". */
  means: string;
  /** "8.6 vs 1.2 (Keras): 3 samples with p = 0 on the true class hit the classic preset's clip and carry 97.0% of its loss." */
  why: string;
}

/**
 * The file-level counterpart of presetsLine, from the breakdown's clipping report; null when there
 * is none, or when every preset gives the same mean at the shown precision and nothing was clipped.
 */
export function clippingLines(c: ClippingReport | null, kind: LossKind, options: PresetsLineOptions = {}): ClippingLines | null {
  if (c === null) return null;
  const style = options.style ?? 'text';
  const fmt = (x: number): string => formatNumber(x, style, options.digits ?? DEFAULT_DIGITS);
  // Read through the flags: a report that went through JSON has null for Infinity.
  const meanOf = (f: ClippingReport['presets'][PresetName]): number | null => (!f.comparable ? null : f.infinite ? Number.POSITIVE_INFINITY : (f.mean ?? Number.NaN));
  const shown = PRESET_NAMES.map((name) => ({ name, mean: meanOf(c.presets[name]) }));
  const texts = shown.map((s) => (s.mean === null ? null : fmt(s.mean)));
  const given = texts.filter((t): t is string => t !== null);
  if (c.clipped === 0 && given.every((t) => t === given[0])) return null;
  // A mean is not given when the preset renormalises categorical rows otherwise, or (a file with
  // sample weights) divides their weighted sum by something else: N for keras, the weights' sum for the rest.
  const missing = (name: PresetName): string =>
    kind === 'ce' && PRESETS[name].params.renormalise !== PRESETS[c.preset].params.renormalise
      ? 'not given (renormalises the rows otherwise)'
      : `not given (divides the weighted sum by ${PRESETS[name].params.sampleWeightMean === 'count' ? 'N' : 'the sum of the weights'})`;
  const means = shown.map((s, i) => `${PRESETS[s.name].label} ${texts[i] ?? missing(s.name)}`).join(' · ');
  const active = meanOf(c.presets[c.preset]) ?? Number.NaN;
  // The preset furthest from the active one (finite means first): the gap the sentence explains.
  let other: PresetName | null = null;
  let gap = -1;
  for (const s of shown) {
    if (s.name === c.preset || s.mean === null || !Number.isFinite(s.mean)) continue;
    const d = Number.isFinite(active) ? Math.abs(s.mean - active) : s.mean;
    if (d > gap) {
      gap = d;
      other = s.name;
    }
  }
  const truth = kind === 'multilabel' ? "a label's true value" : 'the true class';
  const samples = (n: number): string => `${n.toLocaleString('en-US')} sample${n === 1 ? '' : 's'}`;
  const versus = other === null ? '' : `${fmt(active)} vs ${fmt(meanOf(c.presets[other]) as number)} (${PRESETS[other].label}): `;
  const label = `the ${c.preset} preset`;
  let why: string;
  if (c.clipped > 0) {
    const params = PRESETS[c.preset].params;
    const floor = params.clipEps > 0 ? `p below ${fmt(params.clipEps)}` : `ln p below ${fmt(params.bceLogFloor)}`;
    const which = c.clippedAtZero === c.clipped ? `with p = 0 on ${truth}` : c.clippedAtZero > 0 ? `with ${floor} on ${truth} (${c.clippedAtZero.toLocaleString('en-US')} at p = 0)` : `with ${floor} on ${truth}`;
    why = `${versus}${samples(c.clipped)} ${which} hit ${label}'s clip and carry ${percent(c.share)} of its loss.`;
  } else {
    const infinite = c.presets[c.preset].infinite;
    why = `${versus}${samples(c.contested)} with p below ${fmt(CONTEST_BELOW)} on ${truth} make the gap; ${label} ${infinite ? 'gives an infinite loss where p = 0' : 'clips none of them'}.`;
  }
  return { means, why };
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'an undefined share';
}
