/** The CLI's readable report: summary, per-class table, worst samples, how the file was read. */
import type { Analysis } from '../../core/analyze';
import { FORMAT_NAMES, isBinaryFormat } from '../../core/formats';
import { assumptionMessage, formatProblems } from '../../core/parse';
import { PRESETS } from '../../core/presets';
import { sharedFolder } from '../../core/shards';
import { cliSpeaker, type Speaker } from '../speak';
import { confusedPairsTable } from './confused-pairs';
import { clippingLines } from './presets-line';

const KIND_NAMES = { bce: 'binary cross-entropy', ce: 'categorical cross-entropy', multilabel: 'multi-label binary cross-entropy' } as const;

/** Losses and scores with 4 significant decimals; tiny values in scientific notation. */
export function num(n: number, digits = 4): string {
  if (Number.isNaN(n)) return '-';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n !== 0 && Math.abs(n) < 10 ** -digits) return n.toExponential(2);
  return n.toFixed(digits);
}

const int = (n: number) => n.toLocaleString('en-US');
/** An estimate with its 95% interval as a half-width: symmetric intervals (a mean loss) read best so. */
const plusMinus = (x: number, ci: readonly [number, number]) => (Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? `${num(x)} ± ${num((ci[1] - ci[0]) / 2)}` : num(x));
/** An estimate with its 95% interval as bounds: Wilson intervals are not symmetric. */
const within = (x: number, ci: readonly [number, number]) => (Number.isFinite(ci[0]) ? `${num(x)} (${num(ci[0], 2)}-${num(ci[1], 2)})` : num(x));
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '-');

/** Left-aligns the first column, right-aligns the rest. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}

/**
 * Classes listed one a row, at most: above it the text report lists the CLASS_ROWS classes with
 * the largest share of the loss and folds the rest into "(other)", as the dashboard folds its
 * confusion matrix (a 1000-class table is a thousand lines nobody reads); --json lists them all.
 */
export const MAX_CLASS_ROWS = 30;
export const CLASS_ROWS = 20;

/** The classes the per-class table lists: all of them up to MAX_CLASS_ROWS, else the CLASS_ROWS with the largest share (ties by index), largest first. */
export function classesListed<C extends { index: number; share: number }>(classes: readonly C[]): C[] {
  if (classes.length <= MAX_CLASS_ROWS) return [...classes];
  // An undefined share (NaN: no loss at all) sorts last.
  const key = (c: C) => (Number.isNaN(c.share) ? -Infinity : c.share);
  return [...classes].sort((x, y) => key(y) - key(x) || x.index - y.index).slice(0, CLASS_ROWS);
}

/** Files of a data set listed in the text report; --json lists them all. */
const MAX_FILES_LISTED = 50;

/** The report; `speak` puts the ways out (flags) in the words of the interface showing it. */
export function renderTextReport(a: Analysis, speak: Speaker = cliSpeaker): string {
  const b = a.breakdown;
  const unit = a.options.base === '2' ? 'bits' : 'nats';
  const preset = PRESETS[a.preset];
  const out: string[] = [];
  out.push(`Loss Lens: ${a.file} (${FORMAT_NAMES[a.format]}, ${int(a.rows)} rows)`);
  out.push(`  ${KIND_NAMES[a.layout.kind]} from ${a.layout.input === 'logits' ? 'logits' : 'probabilities'}, preset ${a.preset}: ${preset.description}`);
  for (const as of a.layout.assumptions ?? []) out.push(`  ${speak(assumptionMessage(as))}`);
  out.push('');
  const label = a.options.reduction === 'sum' ? 'sum loss' : 'mean loss';
  out.push(`  ${label.padEnd(12)} ${num(a.value, 6)} ${unit}`);
  out.push(`  ${'count'.padEnd(12)} ${int(b.count)}${b.ignoredCount ? ` (${int(b.ignoredCount)} ignored)` : ''}${a.skipped ? ` (${int(a.skipped)} invalid rows skipped)` : ''}`);
  if (a.options.reduction !== 'sum') out.push(`  ${'sum'.padEnd(12)} ${num(b.sum, 4)}`);
  out.push(`  ${'accuracy'.padEnd(12)} ${num(b.accuracy)}${a.layout.kind === 'multilabel' ? ` (exact match; per label ${num(b.hammingAccuracy)})` : ''}`);
  const cal = b.calibration;
  out.push(`  ${'ECE'.padEnd(12)} ${num(cal.ece)} (${cal.bins.length} equal-width bins, ${cal.definition}); equal-mass ${num(cal.adaptive.ece)}; class-wise ${num(cal.classwise.ece)}`);
  const brier = a.layout.kind === 'ce' ? 'mean of sum_k (p_k - y_k)^2' : a.layout.kind === 'bce' ? 'mean of (p - y)^2' : 'mean of (p - y)^2 over samples and labels';
  out.push(`  ${'Brier'.padEnd(12)} ${num(b.brier)} (${brier})`);
  out.push(`  ${'perplexity'.padEnd(12)} ${num(b.perplexity)}`);
  out.push(`  ${'entropy'.padEnd(12)} ${num(b.meanEntropy)} ${unit} (mean, of the predictions)`);
  const h = a.hardAgreement;
  if (h !== undefined && h.compared > 0) {
    out.push(`  ${'agreement'.padEnd(12)} ${num(h.agree / h.compared)} (highest score vs column ${a.layout.hardPredictionColumn}, ${int(h.agree)} of ${int(h.compared)} rows)`);
  }
  if (b.infiniteCount > 0) out.push(`  ${int(b.infiniteCount)} sample(s) have an infinite loss (a probability of exactly 0 on the truth)`);
  const clipping = clippingLines(b.clipping, b.kind);
  if (clipping !== null) out.push(`  ${'presets'.padEnd(12)} ${clipping.means}`, `  ${''.padEnd(12)} ${clipping.why}`);

  const perClass = a.layout.kind === 'multilabel' ? 'Per label' : 'Per class';
  const listed = classesListed(b.classes);
  const noun = a.layout.kind === 'multilabel' ? 'labels' : 'classes';
  out.push('', listed.length === b.classes.length ? perClass
    : `${perClass} (the ${listed.length} of ${int(b.classes.length)} ${noun} carrying the largest share of the loss, then the other ${int(b.classes.length - listed.length)} as one row; --json lists every one)`);
  const rows = listed.map((c) => [c.name, int(c.support), plusMinus(c.meanLoss, c.meanLossCi), pct(c.share), within(c.precision, c.precisionCi), within(c.recall, c.recallCi), num(c.f1), num(c.meanConfidence), num(c.ece)]);
  if (listed.length < b.classes.length) {
    const rest = b.classes.filter((c) => !listed.includes(c));
    // Their support and share add up; a mean, an interval or a rate of the rest together would need their weights: not shown.
    rows.push([`(other: ${int(rest.length)} ${noun})`, int(rest.reduce((s, c) => s + c.support, 0)), '-', pct(rest.reduce((s, c) => s + c.share, 0)), '-', '-', '-', '-', '-']);
  }
  out.push(...table(['class', 'support', 'mean loss ± 95%', 'share', 'precision (95%)', 'recall (95%)', 'F1', 'confidence', 'ECE'], rows));

  const pairs = confusedPairsTable(b.confusion, b.classNames);
  if (pairs !== null) out.push('', pairs.title, ...table(pairs.header, pairs.rows));

  // The reliability bins with their counts: a gap in a bin of 12 samples is not a gap in one of 12,000.
  const shown = cal.bins.filter((x) => x.count > 0);
  if (shown.length > 0) {
    const what = cal.definition === 'top-label' ? 'accuracy' : 'freq. y=1';
    out.push('', `Calibration (${cal.bins.length} equal-width bins, ${cal.definition}; 95% Wilson intervals)`);
    out.push(...table(['bin', 'count', 'confidence', `${what} (95%)`], shown.map((x) => [`${num(x.lower, 2)}-${num(x.upper, 2)}`, int(x.count), num(x.meanConfidence), within(x.accuracy, x.accuracyCi)])));
  }

  const op = b.operatingPoints;
  if (op !== null) {
    out.push('', `Operating points (scores in ${int(op.scheme.buckets)} buckets, ${op.scheme.bucketsPerOctave} per factor of 2 of min(p, 1 - p); exact values within the bounds)`);
    out.push(
      ...table(
        [b.kind === 'multilabel' ? 'label' : 'positive class', 'ROC AUC', 'AP (bounds)', 'at 0.5: precision', 'recall', 'F1', 'TP', 'FP', 'FN', 'TN'],
        op.curves.map((c) => {
          const half = c.points.find((p) => p.threshold === 0.5);
          const at = half ? [num(half.precision), num(half.recall), num(half.f1), int(half.tp), int(half.fp), int(half.fn), int(half.tn)] : ['-', '-', '-', '-', '-', '-', '-'];
          return [c.name, `${num(c.auc)} ± ${num(c.aucError)}`, `${num(c.ap)} (${num(c.apRange[0])}-${num(c.apRange[1])})`, ...at];
        }),
      ),
    );
  }

  // Several files (shards): named without the folder they share.
  const files = a.files;
  const dir = files === undefined ? '' : sharedFolder(files.map((f) => f.name));
  const short = (name: string | undefined) => (name ?? '-').slice(dir.length);
  if (b.worst.length > 0) {
    const name = (k: number) => (k >= 0 ? (b.classNames[k] ?? String(k)) : '-');
    out.push('', `Worst ${b.worst.length} samples`);
    // A binary file has rows only (0-based, as NumPy indexes them); a text file has lines too.
    const lines = files === undefined ? !isBinaryFormat(a.format) : files.some((f) => !isBinaryFormat(f.format));
    out.push(
      ...table(
        ['rank', ...(files ? ['file'] : []), 'row', ...(lines ? ['line'] : []), 'loss', 'true', 'predicted', 'p(true)', 'confidence'],
        b.worst.map((w, i) => [String(i + 1), ...(files ? [short(w.file)] : []), String(w.row), ...(lines ? [String(w.line)] : []), num(w.loss), name(w.trueClass), name(w.predictedClass), num(w.trueProb), num(w.confidence)]),
      ),
    );
  }

  if (files !== undefined) {
    out.push('', `Files (${files.length}${dir === '' ? '' : ` in ${dir}`})`);
    const listed = files.slice(0, MAX_FILES_LISTED);
    out.push(...table(['file', 'rows', ...(a.skipped > 0 ? ['skipped'] : [])], listed.map((f) => [short(f.name), int(f.rows), ...(a.skipped > 0 ? [int(f.skipped)] : [])])));
    if (files.length > listed.length) out.push(`  ... and ${int(files.length - listed.length)} more (--json lists every file)`);
  }

  out.push('', 'How the file was read');
  for (const e of a.layout.evidence) out.push(`  - ${speak(e)}`);
  if (a.warningCount > 0) {
    out.push('', `Warnings (${a.warningCount})`);
    out.push(...formatProblems(a.file, a.warnings, a.warningCount - a.warnings.length).map((l) => `  ${speak(l)}`));
  }
  return out.join('\n') + '\n';
}
