/**
 * `loss-lens compare A B`'s report as text and as Markdown (a CI job summary, a pull request
 * comment), from the comparison's statistics; free of `vscode` and `node:*`.
 */
import { formatP, type ChangedCorrectness, type CompareStats } from '../../core/compare';
import { fmt } from './report-export';

const int = (n: number) => n.toLocaleString('en-US');
const sgn = (n: number) => (Number.isFinite(n) && n > 0 ? `+${fmt(n)}` : fmt(n));
const interval = (iv: readonly [number, number]) => (Number.isNaN(iv[0]) ? '-' : `${sgn(iv[0])} to ${sgn(iv[1])}`);
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '-');

export interface CompareNames {
  a: string;
  b: string;
}

/** The statements a reader needs first: matching, the mean's verdict, correctness's. */
function verdicts(s: CompareStats): string[] {
  const out = [s.mean.text];
  if (s.correctness !== null) out.push(s.correctness.text);
  return out;
}

function method(s: CompareStats): string {
  return `${int(s.resamples)} paired resamples (${s.method}, seed ${s.seed}); McNemar's exact test (two-sided binomial test on the samples right in one file only).`;
}

function leftOut(s: CompareStats, n: CompareNames): string | undefined {
  const f = s.leftOut.first;
  if (s.leftOut.count === 0 || f === null) return undefined;
  return `${int(s.leftOut.count)} row${s.leftOut.count === 1 ? ' was' : 's were'} read in one file only (skipped as unreadable in the other) and left out; the first is row ${f.row + 1}, line ${f.lineA || '-'} of ${n.a}, line ${f.lineB || '-'} of ${n.b}.`;
}

function listLines(list: ChangedCorrectness[], total: number, top: number): string {
  const shown = list.slice(0, top).map((x) => (x.lineA === x.lineB ? String(x.lineA) : `${x.lineA}/${x.lineB}`));
  return shown.length === 0 ? 'none' : `lines ${shown.join(', ')}${total > shown.length ? `, and ${int(total - shown.length)} more` : ''}`;
}

export function compareText(s: CompareStats, n: CompareNames, top = 10): string {
  const lines = [`Loss Lens compare: A = ${n.a}, B = ${n.b} (differences are B minus A)`, '', ...verdicts(s), ''];
  lines.push(s.matching);
  const lo = leftOut(s, n);
  if (lo !== undefined) lines.push(lo);
  lines.push(`Paired samples: ${int(s.paired)}. ${method(s)}`, '');
  lines.push(`Mean loss (${s.unit}): ${fmt(s.mean.a)} -> ${fmt(s.mean.b)}, difference ${sgn(s.mean.delta)} (95% interval ${interval(s.mean.interval)})`);
  const c = s.correctness;
  if (c !== null) {
    lines.push(`Accuracy: ${pct(c.accuracyA)} -> ${pct(c.accuracyB)}`);
    lines.push(`Fixed (wrong in A, right in B): ${int(c.fixed)}; broken (right in A, wrong in B): ${int(c.broken)}; McNemar's exact p = ${formatP(c.p, c.log10p)}`);
    lines.push(`  fixed: ${listLines(s.fixed, c.fixed, top)}`);
    lines.push(`  broken: ${listLines(s.broken, c.broken, top)}`);
  }
  if (s.perClass.length > 0) {
    lines.push('', `Per class: mean loss (${s.unit}) and its difference`);
    const rows = s.perClass.map((p) => [p.name, int(p.support), fmt(p.a), fmt(p.b), sgn(p.delta), interval(p.interval), p.withinNoise ? 'within noise' : '']);
    const head = ['class', 'samples', 'A', 'B', 'difference', '95% interval', ''];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmtRow = (r: string[]) => r.map((x, i) => (i === 0 || i === r.length - 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
    lines.push(fmtRow(head), ...rows.map(fmtRow));
  }
  return lines.join('\n') + '\n';
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function compareMarkdown(s: CompareStats, n: CompareNames, top = 10): string {
  const lines = [`# Loss Lens compare: ${cell(n.a)} → ${cell(n.b)}`, '', ...verdicts(s).map((v) => `**${v}**`), ''];
  lines.push(`${s.matching} Paired samples: ${int(s.paired)}. ${method(s)}`);
  const lo = leftOut(s, n);
  if (lo !== undefined) lines.push('', lo);
  lines.push('', `| | ${cell(n.a)} | ${cell(n.b)} | difference | 95% interval |`, '| --- | ---: | ---: | ---: | --- |');
  lines.push(`| mean loss (${s.unit}) | ${fmt(s.mean.a)} | ${fmt(s.mean.b)} | ${sgn(s.mean.delta)} | ${interval(s.mean.interval)} |`);
  const c = s.correctness;
  if (c !== null) {
    lines.push(`| accuracy | ${pct(c.accuracyA)} | ${pct(c.accuracyB)} | ${sgn(c.accuracyB - c.accuracyA)} | |`);
    lines.push('', `Fixed (wrong in ${cell(n.a)}, right in ${cell(n.b)}): ${int(c.fixed)} (${listLines(s.fixed, c.fixed, top)}). Broken: ${int(c.broken)} (${listLines(s.broken, c.broken, top)}). McNemar's exact p = ${formatP(c.p, c.log10p)}.`);
  }
  if (s.perClass.length > 0) {
    lines.push('', '## Per class', '', `| class | samples | ${cell(n.a)} | ${cell(n.b)} | difference | 95% interval | |`, '| --- | ---: | ---: | ---: | ---: | --- | --- |');
    for (const p of s.perClass) lines.push(`| ${cell(p.name)} | ${int(p.support)} | ${fmt(p.a)} | ${fmt(p.b)} | ${sgn(p.delta)} | ${interval(p.interval)} | ${p.withinNoise ? 'within noise' : ''} |`);
  }
  return lines.join('\n') + '\n';
}
