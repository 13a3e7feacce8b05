/**
 * A derivation as KaTeX input for the dashboard's derivation panel: one entry per step (the
 * multi-label labels share one table), each with its TeX and the plain-text sentence a screen
 * reader speaks instead (the text renderer's words for the same step).
 *
 * Names go through \text{} with TeX's specials escaped, so a class called "a|b*" or "50%" cannot
 * break the formula. The webview runs KaTeX itself; tests check every string parses.
 */
import type { Derivation, DerivationStep } from '../../core/derivation';
import { PRESETS } from '../../core/presets';
import { abbreviate, groupBlocks, makeCtx, unit, type Ctx, type LabelStep, type RenderOptions } from './context';
import { assertNever, formatter, powBase, type Fmt } from './format';
import { flatText, labelTable, textName, textStepLines, textStyle, type TextStep, type TextStyle } from './text';

export interface TexEntry {
  /** The step kind, or 'labels' for the multi-label table, or 'preamble' for the chain from Bayes. */
  kind: DerivationStep['kind'] | 'labels' | 'preamble';
  title: string;
  /** KaTeX input (display mode). */
  tex: string;
  /**
   * The rows of a formula set on several rows (`tex` stacks them), each a formula of its own:
   * the panel typesets them one by one so each row can wrap in a narrow panel.
   */
  rows?: string[];
  /** The same content as one plain-text sentence (aria-label, screen readers). */
  text: string;
}

const TEXT_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', '$': '\\$', '&': '\\&', '%': '\\%', '#': '\\#',
  '_': '\\_', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}',
};

/** Escapes a string for TeX text mode (inside \text{}). */
export function escapeTexText(s: string): string {
  return s.replace(/\r?\n|\r/g, ' ').replace(/[\\{}$&%#_~^]/g, (c) => TEXT_SPECIALS[c] ?? c);
}

export function texText(s: string): string {
  return `\\text{${escapeTexText(s)}}`;
}

/** A class or label name as a subscript: p_{2}, p_{\text{cat}}. */
export function texName(ctx: Ctx, k: number): string {
  const raw = ctx.name(k);
  return /^-?\d+$/.test(raw) ? raw : texText(raw);
}

function sym(ctx: Ctx, i: number): { p: string; t: string; ln: string } {
  if (ctx.kind === 'ce') {
    const n = texName(ctx, i);
    return { p: `p_{${n}}`, t: `t_{${n}}`, ln: `\\ln p_{${n}}` };
  }
  return i === 1 ? { p: 'p', t: 'y', ln: '\\ln p' } : { p: '(1-p)', t: '(1-y)', ln: '\\ln(1-p)' };
}

function neg(fmt: Fmt, x: number): string {
  return x < 0 ? `(${fmt(x)})` : fmt(x);
}

/**
 * Between the parts of a formula, and between list entries: \allowbreak lets the panel wrap a
 * row there (KaTeX breaks lines only at top-level relations, operators and explicit breaks).
 */
const SEP = ',\\quad\\allowbreak ';
const LIST_SEP = ',\\ \\allowbreak ';

function more(n: number, what: string): string {
  return `\\ldots\\ ${texText(`(${n} more ${what})`)}`;
}

function list(ctx: Ctx, classes: readonly number[], entry: (k: number, j: number) => string, what = 'classes'): string {
  const { shown, hidden } = abbreviate(ctx, classes);
  const parts = shown.map((j) => entry(classes[j] as number, j));
  if (hidden > 0) parts.push(more(hidden, what));
  return parts.join(LIST_SEP);
}

/** A function argument written without parentheses (\ln 0.8) needs them when it is several tokens (\ln(2 \times 10^{-16})). */
function arg(s: string): string {
  return /\s/.test(s) && !s.startsWith('(') ? `(${s})` : s;
}

const GATHERED = ['\\begin{gathered}', '\\end{gathered}'] as const;
const ROW = ' \\\\ ';

function lines(...rows: string[]): string {
  return rows.length === 1 ? (rows[0] as string) : `${GATHERED[0]}${rows.join(ROW)}${GATHERED[1]}`;
}

/** The rows `lines` stacked, or undefined for a one-row formula (rows hold no ROW of their own). */
export function rowsOf(tex: string): string[] | undefined {
  if (!tex.startsWith(GATHERED[0]) || !tex.endsWith(GATHERED[1])) return undefined;
  return tex.slice(GATHERED[0].length, -GATHERED[1].length).split(ROW);
}

function all(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

export function texStep(step: DerivationStep, ctx: Ctx, fmt: Fmt): string {
  const binary = ctx.kind !== 'ce';
  switch (step.kind) {
    case 'likelihood':
      if (step.model === 'bernoulli') return 'P(y \\mid x) = p^{y}\\,(1-p)^{1-y}';
      if (step.model === 'categorical') return `P(t \\mid x) = \\prod_{k=1}^{K} p_k^{t_k}${SEP}K = ${step.outcomes}`;
      return `P(y \\mid x) = \\prod_{l=1}^{L} p_l^{y_l}\\,(1-p_l)^{1-y_l}${SEP}L = ${step.outcomes}`;
    case 'formula': {
      const logits = step.input === 'logits';
      let f: string;
      if (step.loss === 'bce') {
        const bce = '-\\bigl[y \\ln p + (1-y) \\ln(1-p)\\bigr]';
        f = step.focal ? `\\ell = \\alpha_t\\,(1-p_t)^{\\gamma}\\,\\mathrm{BCE},\\ \\mathrm{BCE} = ${bce}` : `\\ell = -\\ln P(y \\mid x) = ${bce}`;
        if (logits) f += `${SEP}p = \\sigma(z) = \\frac{1}{1+e^{-z}}`;
      } else if (step.loss === 'ce') {
        f = step.focal ? '\\ell = \\alpha \\sum_k (1-p_k)^{\\gamma}\\,(-t_k \\ln p_k)' : '\\ell = -\\ln P(t \\mid x) = -\\sum_k t_k \\ln p_k';
        if (logits) f += `${SEP}p = \\operatorname{softmax}(z)`;
      } else {
        f = '\\ell = \\frac{1}{L} \\sum_{l} -\\bigl[y_l \\ln p_l + (1-y_l) \\ln(1-p_l)\\bigr]';
        if (step.focal) f += `\\ \\text{each} \\times \\alpha_t\\,(1-p_t)^{\\gamma}`;
        if (logits) f += `${SEP}p_l = \\sigma(z_l)`;
      }
      return `${f}${SEP}\\ln = \\log_e\\ ${texText('(nats)')}`;
    }
    case 'values': {
      const sw = step.sampleWeight === 1 ? '' : `${SEP}${texText('sample weight')} = ${fmt(step.sampleWeight)}`;
      const v = ctx.input === 'logits' ? 'z' : 'p';
      if (ctx.kind === 'bce') {
        const y = step.target[0] ?? Number.NaN;
        const named = (y === 0 || y === 1) && ctx.name(y) !== String(y) ? `\\ (${texText(ctx.name(y))})` : '';
        return `y = ${fmt(y)}${named}${SEP}${v} = ${fmt(step.prediction[0] ?? Number.NaN)}${sw}`;
      }
      if (ctx.kind === 'multilabel') {
        const L = step.prediction.length;
        const n = Math.min(L, ctx.maxEntries);
        const vec = (x: number[]): string => `(${x.slice(0, n).map(fmt).join(', ')}${L > n ? `, ${more(L - n, 'labels')}` : ''})`;
        return `y = ${vec(step.target)}${SEP}${v} = ${vec(step.prediction)}${sw}`;
      }
      const hard = step.label !== null || (step.target.filter((x) => x !== 0).length === 1 && step.target.includes(1));
      const nonzero = all(step.target.length).filter((k) => step.target[k] !== 0);
      const truth = ctx.trueClass < 0
        ? `${texText('label')} = ${fmt(step.label ?? Number.NaN)}`
        : hard ? `${texText('true class')} = ${texName(ctx, ctx.trueClass)}` : list(ctx, nonzero, (k) => `t_{${texName(ctx, k)}} = ${fmt(step.target[k] ?? 0)}`);
      return lines(
        `${truth}${SEP}${texText('predicted class')} = ${texName(ctx, ctx.predictedClass)}${sw}`,
        list(ctx, all(step.prediction.length), (k) => `${v}_{${texName(ctx, k)}} = ${fmt(step.prediction[k] ?? Number.NaN)}`),
      );
    }
    case 'temperature': {
      const v = step.input === 'logits' ? 'z' : 'p';
      const how = step.input === 'logits' ? `${v} \\leftarrow \\frac{${v}}{T}` : binary ? 'p \\leftarrow \\frac{p^{1/T}}{p^{1/T} + (1-p)^{1/T}}' : 'p_k \\leftarrow \\frac{p_k^{1/T}}{\\sum_j p_j^{1/T}}';
      const values = step.after.length === 1 ? `${v} = ${fmt(step.after[0] ?? Number.NaN)}` : list(ctx, all(step.after.length), (k) => `${v}_{${texName(ctx, k)}} = ${fmt(step.after[k] ?? Number.NaN)}`);
      return `T = ${fmt(step.temperature)}${SEP}${how}:\\ ${values}`;
    }
    case 'ignored':
      return `${texText('label')}\\ ${fmt(step.label)} = ${texText('ignore_index')}\\ ${fmt(step.ignoreIndex)}:\\ ${texText("left out of the loss and of the mean's denominator")}`;
    case 'sigmoid':
      return `p = \\sigma(z) = \\frac{1}{1+e^{-${neg(fmt, step.z)}}} = ${fmt(step.p)}${SEP}1-p = \\sigma(-z) = ${fmt(step.oneMinusP)}`;
    case 'softmax':
      return lines(
        `\\max_k z_k = ${fmt(step.max)}${SEP}\\sum_k e^{z_k - ${neg(fmt, step.max)}} = ${fmt(step.sumExp)}${SEP}\\operatorname{logsumexp}(z) = ${fmt(step.max)} + \\ln ${arg(fmt(step.sumExp))} = ${fmt(step.logSumExp)}`,
        `p_k = e^{z_k - ${neg(fmt, step.logSumExp)}}:\\ ${list(ctx, all(step.p.length), (k) => `p_{${texName(ctx, k)}} = ${fmt(step.p[k] ?? Number.NaN)}`)}`,
      );
    case 'renormalise':
      return `\\sum\\nolimits_k p_k = ${fmt(step.sum)}${SEP}p_k \\leftarrow \\frac{p_k}{${fmt(step.sum)}}:\\ ${list(ctx, all(step.after.length), (k) => `p_{${texName(ctx, k)}} = ${fmt(step.after[k] ?? Number.NaN)}`)}`;
    case 'label-smoothing':
      if (step.classes === 2 && binary) {
        return `y' = y\\,(1-\\alpha) + \\frac{\\alpha}{2} = ${fmt(step.before[0] ?? Number.NaN)} \\cdot ${fmt(1 - step.alpha)} + ${fmt(step.alpha / 2)} = ${fmt(step.after[0] ?? Number.NaN)}${SEP}\\alpha = ${fmt(step.alpha)}`;
      }
      return lines(
        `t'_k = (1-\\alpha)\\,t_k + \\frac{\\alpha}{K} = ${fmt(1 - step.alpha)}\\,t_k + ${fmt(step.alpha / step.classes)}${SEP}\\alpha = ${fmt(step.alpha)},\\ K = ${step.classes}`,
        list(ctx, all(step.after.length), (k) => `t'_{${texName(ctx, k)}} = ${fmt(step.after[k] ?? Number.NaN)}`),
      );
    case 'clip':
      return `p \\in [\\epsilon, 1-\\epsilon],\\ \\epsilon = ${fmt(step.eps)}\\ ${texText(`(${PRESETS[step.preset].label})`)}:\\quad ${list(ctx, step.index, (k, j) => `${sym(ctx, k).p} = ${fmt(step.before[j] ?? Number.NaN)} \\to ${fmt(step.after[j] ?? Number.NaN)}`)}`;
    case 'log':
      return list(ctx, step.index, (k, j) => {
        const s = sym(ctx, k);
        const lp = fmt(step.logP[j] ?? Number.NaN);
        if (step.via === 'log') return `${s.ln} = \\ln ${arg(fmt(step.p[j] ?? Number.NaN))} = ${lp}`;
        if (step.via === 'log-sigmoid') {
          const z = ctx.prediction[0] ?? Number.NaN;
          return k === 1 ? `\\ln p = -\\ln(1+e^{-z}) = -\\ln(1+e^{-${neg(fmt, z)}}) = ${lp}` : `\\ln(1-p) = -\\ln(1+e^{z}) = -\\ln(1+e^{${fmt(z)}}) = ${lp}`;
        }
        return `${s.ln} = z_{${texName(ctx, k)}} - \\operatorname{logsumexp}(z) = ${fmt(ctx.prediction[k] ?? Number.NaN)} - ${neg(fmt, ctx.logSumExp ?? Number.NaN)} = ${lp}`;
      });
    case 'log-floor':
      return step.index.map((k, j) => `\\max(${sym(ctx, k).ln}, ${fmt(step.floor)}):\\ ${fmt(step.before[j] ?? Number.NaN)} \\to ${fmt(step.after[j] ?? Number.NaN)}`).join(SEP);
    case 'focal-factor':
      return list(ctx, step.index, (k, j) => `(1-${sym(ctx, k).p})^{${fmt(step.gamma)}} = (1-${fmt(step.p[j] ?? Number.NaN)})^{${fmt(step.gamma)}} = ${fmt(step.factor[j] ?? Number.NaN)}`);
    case 'weights':
      return list(ctx, step.index, (k, j) => {
        const cw = step.classWeight[j] ?? 1;
        const pw = step.posWeight[j] ?? 1;
        if (ctx.kind === 'ce') return `w_{${texName(ctx, k)}} = ${fmt(cw)}`;
        const w = k === 1 ? 'w_{+}' : 'w_{-}';
        const cwSym = ctx.kind === 'multilabel' ? `w_{${texText('label')}}` : `w_{${k}}`;
        if (pw === 1) return `${w} = ${cwSym} = ${fmt(cw)}`;
        if (cw === 1) return `${w} = ${texText('pos_weight')} = ${fmt(pw)}`;
        return `${w} = ${cwSym} \\cdot ${texText('pos_weight')} = ${fmt(cw)} \\cdot ${fmt(pw)} = ${fmt(cw * pw)}`;
      });
    case 'sum':
      return texSum(step, ctx, fmt);
    case 'focal':
      return `(1-p_t)^{\\gamma} = ${powBase(fmt(step.oneMinusPt), 'tex')}^{${fmt(step.gamma)}} = ${fmt(step.factor)}:\\quad ${fmt(step.before)} \\cdot ${fmt(step.factor)} = ${fmt(step.after)}`;
    case 'focal-alpha':
      return binary
        ? `\\alpha_t = y\\alpha + (1-y)(1-\\alpha) = ${fmt(step.factor)}\\ (\\alpha = ${fmt(step.alpha)}):\\quad ${fmt(step.before)} \\cdot ${fmt(step.factor)} = ${fmt(step.after)}`
        : `\\alpha = ${fmt(step.alpha)}:\\quad ${fmt(step.before)} \\cdot ${fmt(step.alpha)} = ${fmt(step.after)}`;
    case 'label':
      return texLabels([step], ctx, fmt);
    case 'label-mean': {
      const L = step.labelLosses.length;
      const body = L <= ctx.maxEntries
        ? `\\frac{1}{${L}}(${step.labelLosses.map(fmt).join(' + ')})`
        : `\\frac{${fmt(step.labelLosses.reduce((a, b) => a + b, 0))}}{${L}}`;
      return `\\ell = \\frac{1}{L}\\sum_l \\ell_l = ${body} = ${fmt(step.value)}`;
    }
    case 'sample-weight':
      return `\\ell \\cdot w = ${fmt(step.before)} \\cdot ${fmt(step.weight)} = ${fmt(step.after)}`;
    case 'base':
      return `\\ell_{\\text{bits}} = \\frac{\\ell_{\\text{nats}}}{\\ln 2} = \\frac{${fmt(step.before)}}{\\ln 2} = ${fmt(step.after)}`;
    case 'result': {
      const w = step.weight === 1 ? '' : `${SEP}${texText("weight in the mean's denominator")} = ${fmt(step.weight)}`;
      return `\\ell = ${fmt(step.value)}\\ ${texText(unit(step.base))}${w}`;
    }
    default:
      return assertNever(step);
  }
}

function texSum(step: Extract<DerivationStep, { kind: 'sum' }>, ctx: Ctx, fmt: Fmt): string {
  const hardCe = ctx.kind === 'ce' && step.index.length === 1 && step.target[0] === 1;
  const symbolic: string[] = [];
  const numeric: string[] = [];
  const pick = abbreviate(ctx, step.index, (_, j) => step.terms[j] ?? 0);
  for (const j of pick.shown) {
    const k = step.index[j] as number;
    const s = sym(ctx, k);
    const cs: string[] = [];
    const cn: string[] = [];
    if ((step.weight[j] ?? 1) !== 1) {
      cs.push(ctx.kind === 'ce' ? `w_{${texName(ctx, k)}}` : k === 1 ? 'w_{+}' : 'w_{-}');
      cn.push(fmt(step.weight[j] ?? 1));
    }
    if ((step.factor[j] ?? 1) !== 1) {
      cs.push(`(1-${s.p})^{\\gamma}`);
      cn.push(fmt(step.factor[j] ?? 1));
    }
    if (!hardCe) {
      cs.push(s.t);
      cn.push(fmt(step.target[j] ?? Number.NaN));
    }
    symbolic.push(cs.length === 0 ? `-${s.ln}` : `${cs.join('\\,')}\\,(-${s.ln})`);
    numeric.push([...cn, fmt(step.surprisal[j] ?? Number.NaN)].join(' \\cdot '));
  }
  if (pick.hidden > 0) {
    symbolic.push(more(pick.hidden, 'terms'));
    numeric.push('\\ldots');
  }
  const parts = [`\\ell = ${symbolic.join(' + ')}`];
  if (!(hardCe && (step.weight[0] ?? 1) === 1 && (step.factor[0] ?? 1) === 1)) parts.push(numeric.join(' + '));
  if (pick.shown.length > 1 && pick.hidden === 0) parts.push(step.terms.map(fmt).join(' + '));
  parts.push(fmt(step.value));
  return parts.join(' = ');
}

const HEADER_TEX: Record<string, string> = { label: texText('label'), y: 'y', "y'": "y'", z: 'z', p: 'p', loss: '\\ell', notes: texText('notes') };

function texLabels(labels: readonly LabelStep[], ctx: Ctx, fmt: Fmt): string {
  const table = labelTable(labels, ctx, fmt);
  // Notes are words with numbers: built with plain-text numbers, then set as \text{}.
  const notes = labelTable(labels, ctx, formatter('text', ctx.digits));
  const hasNotes = table.header[table.header.length - 1] === 'notes';
  const rows = table.rows.map((r, i) => {
    const cells = [...r];
    cells[0] = texName(ctx, table.index[i] ?? -1);
    if (hasNotes) cells[cells.length - 1] = texText(notes.rows[i]?.[cells.length - 1] ?? '');
    return cells.join(' & ');
  });
  const cols = table.header.map((h) => (h === 'label' || h === 'notes' ? 'l' : 'r')).join('');
  const body = [table.header.map((h) => HEADER_TEX[h] ?? texText(h)).join(' & ') + ' \\\\ \\hline', ...rows.map((r) => `${r} \\\\`)];
  if (table.hidden > 0) body.push(`\\multicolumn{${table.header.length}}{l}{${texText(`... ${table.hidden} more labels`)}} \\\\`);
  return `\\begin{array}{${cols}}${body.join(' ')}\\end{array}`;
}

export interface TexRenderOptions extends RenderOptions {
  /** A multi-label sample's table is followed by each label's own steps. */
  labelDetail?: boolean;
}

/** One entry per step (labels grouped into one table), each with its TeX and its plain text. */
export function renderTexSteps(d: Derivation, options: TexRenderOptions = {}): TexEntry[] {
  const ctx = makeCtx(d, options);
  const fmt = formatter('tex', ctx.digits);
  const st = textStyle('text', ctx.digits);
  const entry = (t: TextStep, tex: string, kind: TexEntry['kind'] = t.kind): TexEntry => {
    const rows = rowsOf(tex);
    return { kind, title: t.title, tex, ...(rows ? { rows } : {}), text: flatText(t) };
  };
  const out: TexEntry[] = [];
  for (const block of groupBlocks(d.steps)) {
    if (block.type === 'step') {
      out.push(entry(textStepLines(block.step, ctx, st), texStep(block.step, ctx, fmt)));
      continue;
    }
    const text: TextStep = { kind: 'labels', title: 'Per label (nats)', lines: labelSentences(block.labels, ctx, st) };
    out.push(entry(text, texLabels(block.labels, ctx, fmt)));
    if (options.labelDetail) {
      for (const l of block.labels) {
        const sub: Ctx = { ...ctx, prediction: [ctx.prediction[l.label] ?? Number.NaN], target: [ctx.target[l.label] ?? Number.NaN] };
        for (const s of l.steps) {
          const ts = textStepLines(s, sub, st);
          out.push(entry({ ...ts, title: `Label ${textName(ctx, l.label)}: ${ts.title}` }, texStep(s, sub, fmt)));
        }
      }
    }
  }
  return out;
}

/** The table as sentences, one per label, for screen readers (a table read aloud cell by cell is hard to follow). */
function labelSentences(labels: readonly LabelStep[], ctx: Ctx, st: TextStyle): string[] {
  const table = labelTable(labels, ctx, st.fmt);
  const sentences = table.rows.map((r) => table.header.map((h, c) => `${h} ${r[c] ?? ''}`).join(', '));
  if (table.hidden > 0) sentences.push(`${table.hidden} more labels`);
  return sentences;
}
