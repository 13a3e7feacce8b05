/**
 * "From Bayes to the mean loss" (loss-math.md section 1): why the loss is what it is, as a chain
 * of entries the derivation panel shows above the sample's own steps. Bayes' rule and MAP use the
 * textbook numbers (P(D|h) = 0.95, P(h) = 0.2, P(D) = 0.3); from the likelihood on, the sample's
 * own numbers are substituted, and the data set's mean closes the chain when the caller has it.
 *
 * The sample's likelihood here is the model's, before the preset's clipping, smoothing, weights or
 * focal factors; the last entries say so when those change the number.
 */
import type { Derivation, DerivationStep } from '../../core/derivation';
import { softplus } from '../../core/math';
import { abbreviate, makeCtx, unit, type Ctx, type RenderOptions } from './context';
import { formatter, powBase, type Fmt } from './format';
import { textName } from './text';
import { texName, texText, type TexEntry } from './tex';

export interface DatasetSummary {
  /** The data set's mean loss in the derivation's base (sum of losses / sum of weights). */
  mean: number;
  /** N, the number of samples the mean is over. */
  count: number;
}

/** The textbook example of loss-math.md section 3. */
/** As in tex.ts: the panel may wrap a row after the separator. */
const SEP = ',\\quad\\allowbreak';

export const BAYES_EXAMPLE = { likelihood: 0.95, prior: 0.2, evidence: 0.3, h2Likelihood: 0.1, h2Prior: 0.8 } as const;

/** One label's (or the sample's) log-likelihood under the model, before any preset or option. */
interface SampleLikelihood {
  /** Factors of the product, as TeX and text, with their values. */
  factorsTex: string[];
  factorsText: string[];
  /** ln P(y | x), in nats. */
  lnP: number;
}

function likelihoodOf(d: Derivation, ctx: Ctx, tex: Fmt, txt: Fmt): SampleLikelihood | null {
  if (d.ignored) return null;
  const softmax = d.steps.find((s): s is Extract<DerivationStep, { kind: 'softmax' }> => s.kind === 'softmax');
  // ln p and ln(1-p) of a binary outcome: exact from the logit, as the evaluator's logits path.
  const binaryLogs = (x: number): { p: number; lnP: number; ln1mP: number } => ctx.input === 'logits'
    ? { p: 1 / (1 + Math.exp(-x)), lnP: -softplus(-x), ln1mP: -softplus(x) }
    : { p: x, lnP: Math.log(x), ln1mP: Math.log1p(-x) };
  // 0 ln 0 = 0: a zero exponent removes the factor.
  const xlog = (t: number, lnv: number): number => (t === 0 ? 0 : t * lnv);
  if (ctx.kind === 'ce') {
    const K = ctx.target.length;
    const lnp = (k: number): number => (softmax ? (ctx.prediction[k] ?? 0) - softmax.logSumExp : Math.log(ctx.prediction[k] ?? 0));
    const p = (k: number): number => ctx.probs?.[k] ?? Number.NaN;
    const active = Array.from({ length: K }, (_, k) => k).filter((k) => (ctx.target[k] ?? 0) !== 0);
    let lnP = 0;
    for (const k of active) lnP += xlog(ctx.target[k] ?? 0, lnp(k));
    const hard = active.length === 1 && ctx.target[active[0] as number] === 1;
    const { shown, hidden } = abbreviate(ctx, active, (k) => ctx.target[k] ?? 0);
    const ks = shown.map((j) => active[j] as number);
    const factorsTex = ks.map((k) => (hard ? `p_{${texName(ctx, k)}}` : `${powBase(tex(p(k)), 'tex')}^{${tex(ctx.target[k] ?? 0)}}`));
    const factorsText = ks.map((k) => (hard ? `p_${textName(ctx, k)}` : `${powBase(txt(p(k)), 'text')}^${txt(ctx.target[k] ?? 0)}`));
    if (hidden > 0) {
      factorsTex.push(`\\ldots\\ ${texText(`(${hidden} more)`)}`);
      factorsText.push(`... (${hidden} more)`);
    }
    return { factorsTex, factorsText, lnP };
  }
  const factorsTex: string[] = [];
  const factorsText: string[] = [];
  let lnP = 0;
  const L = ctx.prediction.length;
  for (let l = 0; l < L; l++) {
    const y = ctx.target[l] ?? Number.NaN;
    const b = binaryLogs(ctx.prediction[l] ?? Number.NaN);
    lnP += xlog(y, b.lnP) + xlog(1 - y, b.ln1mP);
    if (l >= ctx.maxEntries) continue;
    factorsTex.push(`${powBase(tex(b.p), 'tex')}^{${tex(y)}}\\,(1-${tex(b.p)})^{${tex(1 - y)}}`);
    factorsText.push(`${powBase(txt(b.p), 'text')}^${txt(y)} (1-${txt(b.p)})^${txt(1 - y)}`);
  }
  if (L > ctx.maxEntries) {
    factorsTex.push(`\\ldots\\ ${texText(`(${L - ctx.maxEntries} more labels)`)}`);
    factorsText.push(`... (${L - ctx.maxEntries} more labels)`);
  }
  return { factorsTex, factorsText, lnP };
}

/**
 * The chain Bayes, MAP, MLE, Bernoulli / categorical likelihood, iid product, log, negation,
 * mean over N, with this sample's numbers substituted, as TeX entries with their plain text.
 */
export function renderPreamble(d: Derivation, dataset?: DatasetSummary, options: RenderOptions = {}): TexEntry[] {
  const ctx = makeCtx(d, options);
  const tex = formatter('tex', ctx.digits);
  const txt = formatter('text', ctx.digits);
  const bits = ctx.base === '2';
  const logTex = bits ? '\\log_2' : '\\ln';
  const logTxt = bits ? 'log2' : 'ln';
  const u = unit(ctx.base);
  const B = BAYES_EXAMPLE;
  const posterior = (B.likelihood * B.prior) / B.evidence;
  const h1 = B.likelihood * B.prior;
  const h2 = B.h2Likelihood * B.h2Prior;
  const yv = ctx.kind === 'ce' ? 't' : 'y';
  const entries: TexEntry[] = [
    {
      kind: 'preamble',
      title: "Bayes' rule",
      tex: `P(h \\mid D) = \\frac{P(D \\mid h)\\,P(h)}{P(D)}${SEP} ${texText('e.g.')}\\ \\frac{${tex(B.likelihood)} \\cdot ${tex(B.prior)}}{${tex(B.evidence)}} = ${tex(posterior)}`,
      text: `Bayes' rule: P(h | D) = P(D | h) P(h) / P(D); for example ${txt(B.likelihood)} × ${txt(B.prior)} / ${txt(B.evidence)} = ${txt(posterior)}.`,
    },
    {
      kind: 'preamble',
      title: 'Most probable hypothesis (MAP)',
      tex: `h_{\\text{MAP}} = \\arg\\max_h P(D \\mid h)\\,P(h)\\ ${texText('(P(D) does not depend on h)')}${SEP} `
        + `h_1: ${tex(B.likelihood)} \\cdot ${tex(B.prior)} = ${tex(h1)} > h_2: ${tex(B.h2Likelihood)} \\cdot ${tex(B.h2Prior)} = ${tex(h2)} \\Rightarrow h_1`,
      text: `MAP: pick the h that maximises P(D | h) P(h); P(D) does not depend on h. For example h1: ${txt(B.likelihood)} × ${txt(B.prior)} = ${txt(h1)} beats h2: ${txt(B.h2Likelihood)} × ${txt(B.h2Prior)} = ${txt(h2)}.`,
    },
    {
      kind: 'preamble',
      title: 'Uniform prior: maximum likelihood',
      tex: `P(h) = ${texText('const')} \\Rightarrow h_{\\text{ML}} = \\arg\\max_h P(D \\mid h)`,
      text: 'With a uniform prior P(h) is constant too, and MAP becomes maximum likelihood: maximise P(D | h).',
    },
  ];

  const lk = likelihoodOf(d, ctx, tex, txt);
  const lnToBase = (x: number): number => (bits ? x / Math.LN2 : x);
  if (ctx.kind === 'ce') {
    const sub = lk ? ` = ${lk.factorsTex.join(' \\cdot ')} = ${tex(Math.exp(lk.lnP))}` : '';
    entries.push({
      kind: 'preamble',
      title: 'Categorical likelihood',
      tex: `P(t \\mid x) = \\prod_k p_k^{t_k}${sub}`,
      text: `The label is one draw from a categorical distribution (a die roll); t is one-hot, or a soft target: P(t | x) = product over k of p_k^t_k${lk ? ` = ${lk.factorsText.join(' × ')} = ${txt(Math.exp(lk.lnP))}` : ''}.`,
    });
  } else {
    const perLabel = ctx.kind === 'multilabel';
    const sub = lk ? ` = ${lk.factorsTex.join(' \\cdot ')} = ${tex(Math.exp(lk.lnP))}` : '';
    entries.push({
      kind: 'preamble',
      title: perLabel ? 'Bernoulli likelihood per label' : 'Bernoulli likelihood',
      tex: perLabel ? `P(y \\mid x) = \\prod_l p_l^{y_l}\\,(1-p_l)^{1-y_l}${sub}` : `P(y \\mid x) = p^{y}\\,(1-p)^{1-y}${sub}`,
      text: `${perLabel ? 'Each label is an independent Bernoulli draw' : 'The label is a Bernoulli draw'} with p = P(y=1 | x): P(y | x) = ${perLabel ? 'product over l of p_l^y_l (1-p_l)^(1-y_l)' : 'p^y (1-p)^(1-y)'}${lk ? ` = ${lk.factorsText.join(' × ')} = ${txt(Math.exp(lk.lnP))}` : ''}.`,
    });
  }
  entries.push({
    kind: 'preamble',
    title: 'Independent samples',
    tex: `L = \\prod_{i=1}^{N} P(${yv}_i \\mid x_i)`,
    text: `Samples are independent and identically distributed, so the likelihood of the data set is the product L = product over i of P(${yv}_i | x_i).`,
  });
  const lnP = lk ? lnToBase(lk.lnP) : null;
  entries.push({
    kind: 'preamble',
    title: `Take the log (${bits ? 'log2, bits' : 'ln, nats'})`,
    tex: `${logTex} L = \\sum_i ${logTex} P(${yv}_i \\mid x_i)${lnP === null ? '' : `${SEP} ${texText('this sample:')}\\ ${logTex} P = ${tex(lnP)}`}`,
    text: `The log is monotonic, so maximising ${logTxt} L picks the same model and turns the product into a sum: ${logTxt} L = sum over i of ${logTxt} P(${yv}_i | x_i)${lnP === null ? '' : `; this sample: ${logTxt} P = ${txt(lnP)}`}.`,
  });
  const nll = lnP === null ? null : lnP === 0 ? 0 : -lnP;
  // A multi-label sample's loss is the mean over its L labels, not the sum -log P.
  const L = ctx.kind === 'multilabel' ? ctx.prediction.length : 1;
  const perLabel = nll !== null && L > 1 ? nll / L : null;
  const modelLoss = perLabel ?? nll;
  const differs = modelLoss !== null && txt(modelLoss) !== txt(d.value);
  entries.push({
    kind: 'preamble',
    title: 'Negate',
    tex: `-${logTex} L = \\sum_i -${logTex} P(${yv}_i \\mid x_i)${nll === null ? '' : `${SEP} ${texText('this sample:')}\\ -${logTex} P = ${tex(nll)}\\ ${texText(u)}`}`
      + (perLabel === null ? '' : `${SEP} ${texText('mean over')}\\ L = ${L}\\ ${texText('labels:')}\\ ${tex(perLabel)}`)
      + (differs ? `${SEP} ${texText('with the preset and options:')}\\ \\ell = ${tex(d.value)}` : ''),
    text: `Multiply by -1 to turn maximisation into the minimisation gradient descent does${nll === null ? '' : `; this sample: -${logTxt} P = ${txt(nll)} ${u}`}`
      + (perLabel === null ? '' : `, mean over L = ${L} labels: ${txt(perLabel)}`)
      + (differs ? `; with the preset and options its loss is ${txt(d.value)} ${u}.` : '.'),
  });
  const meanTex = ctx.kind === 'ce'
    ? `-\\frac{1}{N}\\sum_{i=1}^{N}\\sum_k t_{ik} ${logTex} p_{ik}`
    : ctx.kind === 'bce'
      ? `-\\frac{1}{N}\\sum_{i=1}^{N}\\bigl[y_i ${logTex} p_i + (1-y_i) ${logTex}(1-p_i)\\bigr]`
      : `-\\frac{1}{N}\\sum_{i=1}^{N}\\frac{1}{L}\\sum_l \\bigl[y_{il} ${logTex} p_{il} + (1-y_{il}) ${logTex}(1-p_{il})\\bigr]`;
  const name = ctx.kind === 'ce' ? 'CE' : 'BCE';
  entries.push({
    kind: 'preamble',
    title: 'Mean over N samples',
    tex: `\\mathrm{${name}} = ${meanTex}${dataset ? ` = ${tex(dataset.mean)}\\ ${texText(u)}${SEP} N = ${tex(dataset.count)}` : ''}`,
    text: `Divide by N for a mean: ${name} = -(1/N) × the sum of the log-likelihoods${dataset ? ` = ${txt(dataset.mean)} ${u} over N = ${txt(dataset.count)} samples` : ''}.`,
  });
  return entries;
}

/** The chain as plain text, one "Title: sentence" line per entry (for the CLI's --explain). */
export function renderPreambleText(d: Derivation, dataset?: DatasetSummary, options: RenderOptions = {}): string {
  return renderPreamble(d, dataset, options).map((e) => e.text).join('\n');
}
