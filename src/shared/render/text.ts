/**
 * A derivation as plain text: for the CLI, and as the words a screen reader speaks for each
 * KaTeX formula (aria-label). The hover Markdown reuses these sentences (escaped) with its own
 * number style, so the three renderings never drift apart.
 *
 * Notation: ln is the natural log; intermediate numbers are in nats, the base step converts to
 * bits (log2) at the end, as the evaluator does.
 */
import type { Derivation, DerivationStep } from '../../core/derivation';
import { PRESETS } from '../../core/presets';
import {
  abbreviate, groupBlocks, kindLabel, labelRow, makeCtx, pickLabels, unit,
  type Ctx, type LabelStep, type RenderOptions,
} from './context';
import { assertNever, formatter, type Fmt, type NumberStyle } from './format';

export interface TextStep {
  kind: DerivationStep['kind'] | 'labels';
  title: string;
  lines: string[];
  /** The per-label table's cells, for renderers with real tables. */
  table?: LabelTable;
}

export interface LabelTable {
  header: string[];
  rows: string[][];
  /** The label index of each row. */
  index: number[];
  /** Labels left out (the table keeps the highest losses). */
  hidden: number;
}

/** Words and symbols that differ between plain text and Markdown. */
export interface TextStyle {
  fmt: Fmt;
  /** "becomes" reads well aloud; Markdown has room for an arrow. */
  arrow: string;
  more: (n: number, what: string) => string;
}

export function textStyle(style: NumberStyle, digits: number): TextStyle {
  const fmt = formatter(style, digits);
  return {
    fmt,
    arrow: style === 'text' ? ' becomes ' : ' → ',
    more: (n, what) => (style === 'text' ? `... ${n} more ${what}` : `… ${n} more ${what}`),
  };
}

/** A class or label name inside a symbol: p_cat, or p_"big dog" when it is not a plain word. */
export function textName(ctx: Ctx, k: number): string {
  const raw = ctx.name(k).replace(/\s+/g, ' ');
  return /^[\p{L}\p{N}_.+-]+$/u.test(raw) ? raw : `"${raw}"`;
}

/** Symbols of one outcome: binary outcomes are 1 (p, y) and 0 (1-p, 1-y); classes are p_k, t_k. */
function sym(ctx: Ctx, i: number): { p: string; t: string; ln: string } {
  if (ctx.kind === 'ce') {
    const n = textName(ctx, i);
    return { p: `p_${n}`, t: `t_${n}`, ln: `ln p_${n}` };
  }
  return i === 1 ? { p: 'p', t: 'y', ln: 'ln p' } : { p: '1-p', t: '(1-y)', ln: 'ln(1-p)' };
}

function neg(fmt: Fmt, x: number): string {
  return x < 0 ? `(${fmt(x)})` : fmt(x);
}

/** "a = 1, b = 2, ... 3 more classes" over the chosen entries of a class-indexed list. */
function list(ctx: Ctx, st: TextStyle, classes: readonly number[], entry: (k: number, j: number) => string, what: string): string {
  const { shown, hidden } = abbreviate(ctx, classes);
  const parts = shown.map((j) => entry(classes[j] as number, j));
  if (hidden > 0) parts.push(st.more(hidden, what));
  return parts.join(', ');
}

function all(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

export function textStepLines(step: DerivationStep, ctx: Ctx, st: TextStyle): TextStep {
  const { fmt } = st;
  const binary = ctx.kind !== 'ce';
  const t = (title: string, ...lines: string[]): TextStep => ({ kind: step.kind, title, lines });
  switch (step.kind) {
    case 'likelihood':
      if (step.model === 'bernoulli') return t('Model', 'y is a Bernoulli draw with P(y=1 | x) = p, so P(y | x) = p^y (1-p)^(1-y).');
      if (step.model === 'categorical') {
        return t('Model', `t is one draw from a categorical distribution over K = ${step.outcomes} classes, so P(t | x) = product over k of p_k^t_k.`);
      }
      return t('Model', `each of the L = ${step.outcomes} labels is an independent Bernoulli draw, so P(y | x) = product over l of p_l^y_l (1-p_l)^(1-y_l).`);
    case 'formula': {
      const logits = step.input === 'logits';
      let f: string;
      if (step.loss === 'bce') {
        f = step.focal ? 'loss = alpha_t (1-p_t)^gamma × BCE, BCE = -[y ln p + (1-y) ln(1-p)]' : 'loss = -ln P(y | x) = -[y ln p + (1-y) ln(1-p)]';
        if (logits) f += ', p = sigmoid(z)';
      } else if (step.loss === 'ce') {
        f = step.focal ? 'loss = alpha × sum over k of (1-p_k)^gamma (-t_k ln p_k)' : 'loss = -ln P(t | x) = -sum over k of t_k ln p_k';
        if (logits) f += ', p = softmax(z)';
      } else {
        f = 'loss = mean over labels l of -[y_l ln p_l + (1-y_l) ln(1-p_l)]';
        if (step.focal) f += ', each times alpha_t (1-p_t)^gamma';
        if (logits) f += ', p_l = sigmoid(z_l)';
      }
      const bits = ctx.base === '2' ? '; converted to bits (log2) at the end' : '';
      return t('Formula', f, `Preset: ${PRESETS[step.preset].label}. ln is the natural log (nats)${bits}.`);
    }
    case 'values': {
      const lines: string[] = [];
      const sw = step.sampleWeight === 1 ? '' : `, sample weight = ${fmt(step.sampleWeight)}`;
      if (ctx.kind === 'bce') {
        const y = step.target[0] ?? Number.NaN;
        const named = (y === 0 || y === 1) && ctx.name(y) !== String(y) ? ` (${ctx.name(y)})` : '';
        lines.push(`y = ${fmt(y)}${named}, ${ctx.input === 'logits' ? 'z' : 'p'} = ${fmt(step.prediction[0] ?? Number.NaN)}${sw}`);
      } else if (ctx.kind === 'multilabel') {
        const L = step.prediction.length;
        const shown = Math.min(L, ctx.maxEntries);
        const vec = (v: number[]): string => `[${v.slice(0, shown).map(fmt).join(', ')}${L > shown ? `, ${st.more(L - shown, 'labels')}` : ''}]`;
        lines.push(`y = ${vec(step.target)}, ${ctx.input === 'logits' ? 'z' : 'p'} = ${vec(step.prediction)}${sw}`);
      } else {
        const K = step.prediction.length;
        const hard = step.label !== null || isOneHot(step.target);
        const truth = ctx.trueClass < 0 ? `label ${fmt(step.label ?? Number.NaN)}` : hard ? `true class ${textName(ctx, ctx.trueClass)}` : `t: ${list(ctx, st, nonzero(step.target), (k) => `t_${textName(ctx, k)} = ${fmt(step.target[k] ?? 0)}`, 'classes')}`;
        lines.push(`${truth}; predicted class ${textName(ctx, ctx.predictedClass)}${sw}`);
        const v = ctx.input === 'logits' ? 'z' : 'p';
        lines.push(list(ctx, st, all(K), (k) => `${v}_${textName(ctx, k)} = ${fmt(step.prediction[k] ?? Number.NaN)}`, 'classes'));
      }
      return t('Values', ...lines);
    }
    case 'temperature': {
      const v = step.input === 'logits' ? 'z' : 'p';
      const how = step.input === 'logits' ? 'each logit divided by T' : binary ? 'p^(1/T) / (p^(1/T) + (1 - p)^(1/T)), i.e. sigmoid(logit(p) / T)' : 'each probability raised to 1/T, then the row renormalised';
      const values = step.after.length === 1 ? `${v} = ${fmt(step.after[0] ?? Number.NaN)}` : list(ctx, st, all(step.after.length), (k) => `${v}_${textName(ctx, k)} = ${fmt(step.after[k] ?? Number.NaN)}`, binary ? 'labels' : 'classes');
      return t(`Temperature T = ${fmt(step.temperature)} (what-if)`, `${how}: ${values}`);
    }
    case 'ignored':
      return t('Ignored', `the label ${fmt(step.label)} equals ignore_index ${fmt(step.ignoreIndex)}: the sample is left out of the loss and of the mean's denominator.`);
    case 'sigmoid':
      return t('Sigmoid', `p = 1 / (1 + e^(-z)) = 1 / (1 + e^(-${neg(fmt, step.z)})) = ${fmt(step.p)}; 1 - p = sigmoid(-z) = ${fmt(step.oneMinusP)}`);
    case 'softmax': {
      const m = fmt(step.max);
      return t(
        'Softmax via log-sum-exp',
        `max z = ${m}; sum over k of e^(z_k - ${neg(fmt, step.max)}) = ${fmt(step.sumExp)}; logsumexp(z) = ${m} + ln ${fmt(step.sumExp)} = ${fmt(step.logSumExp)}`,
        `p_k = e^(z_k - ${neg(fmt, step.logSumExp)}): ${list(ctx, st, all(step.p.length), (k) => `p_${textName(ctx, k)} = ${fmt(step.p[k] ?? Number.NaN)}`, 'classes')}`,
      );
    }
    case 'renormalise':
      return t(
        step.by === 'preset' ? 'Renormalise (Keras)' : 'Renormalise (rows renormalised on read)',
        `the probabilities sum to ${fmt(step.sum)}, so each is divided by it: ${list(ctx, st, all(step.after.length), (k) => `p_${textName(ctx, k)} = ${fmt(step.after[k] ?? Number.NaN)}`, 'classes')}`,
      );
    case 'label-smoothing': {
      const a = fmt(step.alpha);
      if (step.classes === 2 && binary) {
        const y = step.before[0] ?? Number.NaN;
        return t('Label smoothing', `alpha = ${a}: y' = y (1 - alpha) + alpha/2 = ${fmt(y)} × ${fmt(1 - step.alpha)} + ${fmt(step.alpha / 2)} = ${fmt(step.after[0] ?? Number.NaN)}`);
      }
      return t(
        'Label smoothing',
        `alpha = ${a}, K = ${step.classes}: t'_k = (1 - alpha) t_k + alpha/K = ${fmt(1 - step.alpha)} t_k + ${fmt(step.alpha / step.classes)}`,
        list(ctx, st, all(step.after.length), (k) => `t'_${textName(ctx, k)} = ${fmt(step.after[k] ?? Number.NaN)}`, 'classes'),
      );
    }
    case 'clip':
      return t(
        `Clip (${PRESETS[step.preset].label}, eps = ${fmt(step.eps)})`,
        `probabilities are clipped to [eps, 1 - eps]: ${list(ctx, st, step.index, (k, j) => `${sym(ctx, k).p} = ${fmt(step.before[j] ?? Number.NaN)}${st.arrow}${fmt(step.after[j] ?? Number.NaN)}`, 'classes')}`,
      );
    case 'log': {
      const entry = (k: number, j: number): string => {
        const s = sym(ctx, k);
        const lp = fmt(step.logP[j] ?? Number.NaN);
        if (step.via === 'log') return `${s.ln} = ln ${fmt(step.p[j] ?? Number.NaN)} = ${lp}`;
        if (step.via === 'log-sigmoid') {
          const z = ctx.prediction[0] ?? Number.NaN;
          return k === 1 ? `ln p = -ln(1 + e^(-z)) = -ln(1 + e^(-${neg(fmt, z)})) = ${lp}` : `ln(1-p) = -ln(1 + e^z) = -ln(1 + e^(${fmt(z)})) = ${lp}`;
        }
        return `${s.ln} = z_${textName(ctx, k)} - logsumexp(z) = ${fmt(ctx.prediction[k] ?? Number.NaN)} - ${neg(fmt, ctx.logSumExp ?? Number.NaN)} = ${lp}`;
      };
      const title = step.via === 'log' ? 'Log (ln)' : `Log (ln, exact from the logit${ctx.kind === 'ce' ? 's' : ''})`;
      return t(title, list(ctx, st, step.index, entry, 'classes'));
    }
    case 'log-floor':
      return t(
        `Log floor (PyTorch BCELoss, ${fmt(step.floor)})`,
        `each log is clamped at ${fmt(step.floor)}: ${step.index.map((k, j) => `${sym(ctx, k).ln} = ${fmt(step.before[j] ?? Number.NaN)}${st.arrow}${fmt(step.after[j] ?? Number.NaN)}`).join(', ')}`,
      );
    case 'focal-factor':
      return t(
        `Focal factor (gamma = ${fmt(step.gamma)})`,
        list(ctx, st, step.index, (k, j) => `(1 - ${sym(ctx, k).p})^${fmt(step.gamma)} = (1 - ${fmt(step.p[j] ?? Number.NaN)})^${fmt(step.gamma)} = ${fmt(step.factor[j] ?? Number.NaN)}`, 'classes'),
      );
    case 'weights': {
      const entry = (k: number, j: number): string => {
        const cw = step.classWeight[j] ?? 1;
        const pw = step.posWeight[j] ?? 1;
        if (ctx.kind === 'ce') return `w_${textName(ctx, k)} = ${fmt(cw)}`;
        const w = ctx.kind === 'multilabel' ? 'label weight' : `w_${k}`;
        const term = k === 1 ? 'positive term' : 'negative term';
        if (pw === 1) return `${term} w = ${w} = ${fmt(cw)}`;
        if (cw === 1) return `${term} w = pos_weight = ${fmt(pw)}`;
        return `${term} w = ${w} × pos_weight = ${fmt(cw)} × ${fmt(pw)} = ${fmt(cw * pw)}`;
      };
      return t(ctx.kind === 'ce' ? 'Class weight' : 'Weights', list(ctx, st, step.index, entry, 'classes'));
    }
    case 'sum':
      return t('Negative log-likelihood', sumLine(step, ctx, st));
    case 'focal':
      return t(
        `Focal (gamma = ${fmt(step.gamma)})`,
        `1 - p_t = ${fmt(step.oneMinusPt)}, (1 - p_t)^${fmt(step.gamma)} = ${fmt(step.factor)}: ${fmt(step.before)} × ${fmt(step.factor)} = ${fmt(step.after)}`,
      );
    case 'focal-alpha':
      return t(
        'Focal alpha',
        binary
          ? `alpha_t = y alpha + (1-y)(1-alpha) = ${fmt(step.factor)} (alpha = ${fmt(step.alpha)}): ${fmt(step.before)} × ${fmt(step.factor)} = ${fmt(step.after)}`
          : `alpha = ${fmt(step.alpha)}: ${fmt(step.before)} × ${fmt(step.alpha)} = ${fmt(step.after)}`,
      );
    case 'label':
      return textLabels([step], ctx, st);
    case 'label-mean': {
      const L = step.labelLosses.length;
      const body = L <= ctx.maxEntries
        ? `(${step.labelLosses.map(fmt).join(' + ')}) / ${L}`
        : `${fmt(step.labelLosses.reduce((a, b) => a + b, 0))} / ${L}`;
      return t('Mean over labels', `${body} = ${fmt(step.value)}`);
    }
    case 'sample-weight':
      return t('Sample weight', `${fmt(step.before)} × ${fmt(step.weight)} = ${fmt(step.after)}`);
    case 'base':
      return t('To bits', `${fmt(step.before)} nats / ln 2 = ${fmt(step.after)} bits (log2)`);
    case 'result': {
      const w = step.weight === 1 ? '' : `; weight ${fmt(step.weight)} in the mean's denominator`;
      return t('Loss', `${fmt(step.value)} ${unit(step.base)}${w}`);
    }
    default:
      return assertNever(step);
  }
}

function isOneHot(t: readonly number[]): boolean {
  return t.filter((v) => v !== 0).length === 1 && t.includes(1);
}

function nonzero(t: readonly number[]): number[] {
  const out: number[] = [];
  t.forEach((v, k) => {
    if (v !== 0) out.push(k);
  });
  return out;
}

/** "y (-ln p) = 1 × 0.2231 = 0.2231": each term's coefficients (shown when they matter) times its surprisal. */
function sumLine(step: Extract<DerivationStep, { kind: 'sum' }>, ctx: Ctx, st: TextStyle): string {
  const { fmt } = st;
  const hardCe = ctx.kind === 'ce' && step.index.length === 1 && step.target[0] === 1;
  const symbolic: string[] = [];
  const numeric: string[] = [];
  const pick = abbreviate(ctx, step.index, (_, j) => step.terms[j] ?? 0);
  for (const j of pick.shown) {
    const k = step.index[j] as number;
    const s = sym(ctx, k);
    const w = step.weight[j] ?? 1;
    const f = step.factor[j] ?? 1;
    const coeffSym: string[] = [];
    const coeffNum: string[] = [];
    if (w !== 1) {
      coeffSym.push(ctx.kind === 'ce' ? `w_${textName(ctx, k)}` : 'w');
      coeffNum.push(fmt(w));
    }
    if (f !== 1) {
      coeffSym.push(`(1-${s.p})^gamma`);
      coeffNum.push(fmt(f));
    }
    if (!hardCe) {
      coeffSym.push(s.t);
      coeffNum.push(fmt(step.target[j] ?? Number.NaN));
    }
    symbolic.push(coeffSym.length === 0 ? `-${s.ln}` : [...coeffSym, `(-${s.ln})`].join(' '));
    numeric.push([...coeffNum, fmt(step.surprisal[j] ?? Number.NaN)].join(' × '));
  }
  if (pick.hidden > 0) {
    symbolic.push(st.more(pick.hidden, 'terms'));
    numeric.push(st.more(pick.hidden, 'terms'));
  }
  const parts = [`loss = ${symbolic.join(' + ')}`];
  if (!(hardCe && (step.weight[0] ?? 1) === 1 && (step.factor[0] ?? 1) === 1)) parts.push(numeric.join(' + '));
  if (pick.shown.length > 1 && pick.hidden === 0) parts.push(step.terms.map(fmt).join(' + '));
  parts.push(fmt(step.value));
  return parts.join(' = ');
}

/** A note for a label's table row for each step beyond the plain log and sum. */
export function labelNote(step: DerivationStep, fmt: Fmt): string {
  switch (step.kind) {
    case 'clip':
      return `clipped to eps ${fmt(step.eps)}`;
    case 'log-floor':
      return `log clamped at ${fmt(step.floor)}`;
    case 'weights':
      return step.index
        .map((k, j) => ({ k, w: (step.classWeight[j] ?? 1) * (step.posWeight[j] ?? 1) }))
        .filter(({ w }) => w !== 1)
        .map(({ k, w }) => `${k === 1 ? 'positive' : 'negative'} term weight ${fmt(w)}`)
        .join('; ');
    case 'focal':
      return `focal factor ${fmt(step.factor)}`;
    case 'focal-alpha':
      return `alpha_t ${fmt(step.factor)}`;
    case 'likelihood': case 'formula': case 'values': case 'temperature': case 'ignored': case 'sigmoid': case 'softmax': case 'renormalise':
    case 'label-smoothing': case 'log': case 'focal-factor': case 'sum': case 'label': case 'label-mean':
    case 'sample-weight': case 'base': case 'result':
      // Shown in the table's own columns, or never inside a label.
      return '';
    default:
      return assertNever(step);
  }
}

/** The per-label table as header and rows of cells (shared by text, Markdown and TeX). */
export function labelTable(labels: readonly LabelStep[], ctx: Ctx, fmt: Fmt): LabelTable {
  const rowsData = labels.map((l) => labelRow(ctx, l));
  const smoothed = rowsData.some((r) => r.ySmoothed !== null);
  const logits = ctx.input === 'logits';
  const notes = rowsData.some((r) => r.extra.length > 0);
  const header = ['label', 'y', ...(smoothed ? ["y'"] : []), ...(logits ? ['z'] : []), 'p', 'loss', ...(notes ? ['notes'] : [])];
  const { shown, hidden } = pickLabels(ctx, labels);
  const rows = shown.map((l) => {
    const r = labelRow(ctx, l);
    return [
      ctx.name(r.label), fmt(r.y), ...(smoothed ? [fmt(r.ySmoothed ?? r.y)] : []), ...(logits ? [fmt(r.z ?? Number.NaN)] : []),
      fmt(r.p), fmt(r.loss), ...(notes ? [r.extra.map((s) => labelNote(s, fmt)).filter((s) => s !== '').join('; ')] : []),
    ];
  });
  return { header, rows, index: shown.map((l) => l.label), hidden };
}

function textLabels(labels: readonly LabelStep[], ctx: Ctx, st: TextStyle): TextStep {
  const table = labelTable(labels, ctx, st.fmt);
  const { header, rows, hidden } = table;
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((s, c) => s.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (hidden > 0) lines.push(st.more(hidden, 'labels'));
  return { kind: 'labels', title: 'Per label (nats)', lines, table };
}

export interface TextRenderOptions extends RenderOptions {
  /** A multi-label sample's table is followed by each label's own steps. */
  labelDetail?: boolean;
}

/** Each step as a title and lines, a multi-label sample's labels grouped into one table. */
export function textSteps(d: Derivation, options: TextRenderOptions = {}, style: NumberStyle = 'text'): TextStep[] {
  const ctx = makeCtx(d, options);
  const st = textStyle(style, ctx.digits);
  const out: TextStep[] = [];
  for (const block of groupBlocks(d.steps)) {
    if (block.type === 'step') {
      out.push(textStepLines(block.step, ctx, st));
      continue;
    }
    out.push(textLabels(block.labels, ctx, st));
    if (options.labelDetail) {
      for (const l of block.labels) {
        const sub: Ctx = { ...ctx, prediction: [ctx.prediction[l.label] ?? Number.NaN], target: [ctx.target[l.label] ?? Number.NaN] };
        for (const s of l.steps) {
          const r = textStepLines(s, sub, st);
          out.push({ ...r, title: `Label ${textName(ctx, l.label)}: ${r.title}` });
        }
      }
    }
  }
  return out;
}

/** The header line: "Loss 0.2231 nats · binary cross-entropy · preset Classic log loss · ln". */
export function headerText(d: Derivation, fmt: Fmt): string {
  const o = d.options;
  const base = o.base === '2' ? 'log2 (bits)' : 'ln (nats)';
  const ignored = d.ignored ? ' (ignored)' : '';
  return `Loss ${fmt(d.value)} ${unit(o.base)}${ignored} · ${kindLabel(o.kind)}${o.input === 'logits' ? ' from logits' : ''} · preset ${PRESETS[o.preset].label} · ${base}`;
}

/** The whole derivation as plain text: the header, then each step's title and indented lines. */
export function renderText(d: Derivation, options: TextRenderOptions = {}): string {
  const fmt = formatter('text', options.digits);
  const out = [headerText(d, fmt)];
  for (const s of textSteps(d, options)) {
    out.push(`${s.title}:`);
    for (const l of s.lines) out.push(`  ${l}`);
  }
  return out.join('\n');
}

/** One step as a single sentence (the aria-label of its formula). */
export function flatText(s: TextStep): string {
  return `${s.title}: ${s.lines.join('; ')}`;
}
