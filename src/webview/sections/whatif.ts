/**
 * The what-if controls: change the preset, smoothing, weights, focal terms, the temperature or how the file is read,
 * and the host recomputes. Edits are validated here and posted as one `setWhatIf` once typing
 * pauses (DEBOUNCE_MS), so a user typing "0.15" does not start three recomputations.
 */
import type { WhatIf } from '../../shared/protocol';
import { PRESETS } from '../../core/presets';
import { PRESET_NAMES, type InputKind, type LossKind, type PresetName } from '../../core/types';
import type { Ctx } from '../context';

export const DEBOUNCE_MS = 350;

export interface WhatIfFields {
  preset: string;
  labelSmoothing: string;
  classWeights: string;
  posWeight: string;
  focalGamma: string;
  focalAlpha: string;
  input: string;
  kind: string;
  /** Empty: 1 (the scores as written). */
  temperature?: string;
}

function optionalNumber(s: string, name: string, check: (v: number) => boolean, range: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  const v = Number(t);
  if (!Number.isFinite(v) || !check(v)) throw new Error(`${name} must be ${range}.`);
  return v;
}

/** The fields as typed, to a WhatIf; throws an Error whose message names the bad field. */
export function parseWhatIf(f: WhatIfFields): WhatIf {
  if (!(PRESET_NAMES as readonly string[]).includes(f.preset)) throw new Error(`Unknown preset ${f.preset}.`);
  const labelSmoothing = optionalNumber(f.labelSmoothing, 'Label smoothing', (v) => v >= 0 && v < 1, 'a number in [0, 1)') ?? 0;
  const parts = f.classWeights.split(/[\s,;]+/).filter((p) => p !== '');
  const classWeights = parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v) || v < 0) throw new Error(`Class weights must be non-negative numbers ("${p}" is not).`);
    return v;
  });
  const temperature = optionalNumber(f.temperature ?? '', 'Temperature', (v) => v > 0, 'a number > 0');
  return {
    preset: f.preset as PresetName,
    labelSmoothing,
    classWeights,
    posWeight: optionalNumber(f.posWeight, 'pos_weight', (v) => v > 0, 'a positive number'),
    focalGamma: optionalNumber(f.focalGamma, 'Focal gamma', (v) => v >= 0, 'a number >= 0'),
    focalAlpha: optionalNumber(f.focalAlpha, 'Focal alpha', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    input: f.input === 'probs' || f.input === 'logits' ? (f.input as InputKind) : null,
    kind: f.kind === 'bce' || f.kind === 'ce' || f.kind === 'multilabel' ? (f.kind as LossKind) : null,
    ...(temperature === null || temperature === 1 ? {} : { temperature }),
  };
}

export function fieldsOf(w: WhatIf): WhatIfFields {
  const s = (v: number | null) => (v === null ? '' : String(v));
  return {
    preset: w.preset,
    labelSmoothing: String(w.labelSmoothing),
    classWeights: w.classWeights.join(', '),
    posWeight: s(w.posWeight),
    focalGamma: s(w.focalGamma),
    focalAlpha: s(w.focalAlpha),
    input: w.input ?? '',
    kind: w.kind ?? '',
    temperature: s(w.temperature ?? null),
  };
}

export function renderWhatIf(ctx: Ctx, current: WhatIf, numClasses: number): HTMLElement {
  const { dom } = ctx;
  const f = fieldsOf(current);
  const controls: Record<keyof WhatIfFields, HTMLInputElement | HTMLSelectElement> = {} as never;
  const field = (key: keyof WhatIfFields, label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string) => {
    const id = `whatif-${key}`;
    control.id = id;
    control.name = key;
    control.setAttribute('data-testid', id);
    controls[key] = control;
    const hintId = hint ? `${id}-hint` : null;
    if (hintId) control.setAttribute('aria-describedby', hintId);
    return dom.h('div', { class: 'field' }, dom.h('label', { for: id }, label), control, hint ? dom.h('span', { class: 'hint', id: hintId }, hint) : null);
  };
  const select = (value: string, options: [string, string][]) => {
    const s = dom.h('select', {}, ...options.map(([v, l]) => dom.h('option', { value: v }, l)));
    s.value = value;
    return s;
  };
  const input = (value: string, attrs: Record<string, string | number> = {}) => {
    const i = dom.h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', ...attrs });
    i.value = value;
    return i;
  };
  const error = dom.h('p', { class: 'field-error', role: 'alert', 'data-testid': 'whatif-error' });
  const form = dom.h('form', { class: 'whatif', 'aria-label': 'What-if settings', novalidate: true },
    field('preset', 'Preset', select(f.preset, PRESET_NAMES.map((n) => [n, PRESETS[n].label]))),
    field('labelSmoothing', 'Label smoothing', input(f.labelSmoothing, { placeholder: '0' }), '0 to 1'),
    field('classWeights', 'Class weights', input(f.classWeights, { placeholder: 'none', inputmode: 'text' }), `${numClasses} values, comma-separated`),
    field('posWeight', 'pos_weight', input(f.posWeight, { placeholder: 'unset' }), 'binary / multi-label'),
    field('focalGamma', 'Focal γ', input(f.focalGamma, { placeholder: 'off' })),
    field('focalAlpha', 'Focal α', input(f.focalAlpha, { placeholder: 'off' })),
    field('temperature', 'Temperature T', input(f.temperature ?? '', { placeholder: '1' }), 'scores / T before the loss'),
    field('input', 'Predictions are', select(f.input, [['', 'as inferred'], ['probs', 'probabilities'], ['logits', 'logits']])),
    field('kind', 'Loss', select(f.kind, [['', 'as inferred'], ['ce', 'categorical CE'], ['bce', 'binary CE'], ['multilabel', 'multi-label BCE']])),
  );
  let timer: unknown = null;
  let lastPosted = JSON.stringify(current);
  const read = (): WhatIfFields => Object.fromEntries(Object.entries(controls).map(([k, c]) => [k, c.value])) as unknown as WhatIfFields;
  const submit = () => {
    timer = null;
    let w: WhatIf;
    try {
      w = parseWhatIf(read());
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
      form.setAttribute('aria-invalid', 'true');
      return;
    }
    error.textContent = '';
    form.removeAttribute('aria-invalid');
    const key = JSON.stringify(w);
    if (key === lastPosted) return;
    lastPosted = key;
    ctx.post({ type: 'setWhatIf', whatIf: w });
  };
  const schedule = () => {
    if (timer !== null) ctx.clearTimeout(timer);
    timer = ctx.setTimeout(submit, DEBOUNCE_MS);
  };
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (timer !== null) ctx.clearTimeout(timer);
    submit();
  });
  return dom.section('whatif', 'What if', form, error);
}
