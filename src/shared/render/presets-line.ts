/**
 * "PyTorch 100 · Keras 16.12 · scikit-learn 36.04 · Classic log loss 34.54 · No clipping ∞":
 * the same sample under every preset, for when users ask why their framework's number differs.
 */
import { PRESETS } from '../../core/presets';
import { PRESET_NAMES, type PresetName } from '../../core/types';
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
