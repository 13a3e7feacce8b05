/**
 * The text of Loss Lens hovers, as Markdown: a row's loss and its derivation, or a header
 * column's class summary. Free of `vscode`: unit-tested in plain Node against exact text.
 */
import type { Analysis } from '../../core/analyze';
import type { Derivation } from '../../core/derivation';
import type { Layout } from '../../core/parse';
import { PRESETS } from '../../core/presets';
import type { LogBase, PresetName } from '../../core/types';
import { escapeMarkdown, formatNumber, renderHoverMarkdown, type ClippingLines } from '../../shared/render';

export interface RowHover {
  derivation: Derivation;
  /** lossUnderPresets output: a line lists each preset's value when they disagree. */
  presetValues: Readonly<Record<PresetName, number>>;
  /** 1-based line and 0-based row (as in the file). */
  line: number;
  row: number;
  /** Rank among `total` samples (1 = highest loss); omitted while the document is re-indexed. */
  rank?: number;
  total?: number;
  /** `command:` URI opening this sample in the dashboard. */
  openCommandUri?: string;
  /** The file's presets line and what makes the gap (clippingLines of the document index's analysis, Markdown style). */
  filePresets?: ClippingLines | null;
}

export function rowHoverMarkdown(h: RowHover): string {
  return renderHoverMarkdown(h.derivation, {
    sample: `row ${h.row}, line ${h.line}`,
    rank: h.rank,
    total: h.rank === undefined ? undefined : h.total,
    openCommandUri: h.openCommandUri,
    presetValues: h.presetValues,
    filePresets: h.filePresets,
  });
}

/** A `command:` URI with its arguments JSON-encoded, as VS Code's trusted Markdown expects. */
export function commandUri(command: string, args: readonly unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

export function unitLabel(base: LogBase): string {
  return base === '2' ? 'bits (log base 2)' : 'nats (natural log, base e)';
}

export function kindShort(kind: Layout['kind']): string {
  return kind === 'bce' ? 'BCE' : kind === 'ce' ? 'CE' : 'multi-label BCE';
}

/** Which class (ce, multilabel) or classes (bce: 0 and 1) a header column speaks for. */
export function classesOfColumn(layout: Layout, column: string): number[] {
  if (layout.kind === 'bce') {
    return layout.predictionColumns.includes(column) || column === layout.labelColumn ? [1, 0] : [];
  }
  const byPrediction = layout.predictionColumns.length > 1 ? layout.predictionColumns.indexOf(column) : -1;
  if (byPrediction >= 0) return [byPrediction];
  const byTarget = layout.targetColumns?.indexOf(column) ?? -1;
  if (byTarget >= 0) return [byTarget];
  if (column === layout.labelColumn || layout.predictionColumns.includes(column)) {
    return layout.classNames.map((_, k) => k);
  }
  return [];
}

/** The classes a header column stands for: support, mean loss and share of the total loss each. */
export function headerHoverMarkdown(analysis: Analysis, column: string): string | null {
  const classes = classesOfColumn(analysis.layout, column);
  if (classes.length === 0) return null;
  const b = analysis.breakdown;
  const base = b.base;
  const unit = base === '2' ? 'bits' : 'nats';
  const fmt = (x: number): string => formatNumber(x, 'markdown', 4);
  const out = [
    `**Column ${escapeMarkdown(column)}** · mean ${kindShort(b.kind)} ${fmt(b.mean)} ${unit} over ${b.count.toLocaleString('en-US')} samples · preset ${escapeMarkdown(PRESETS[analysis.preset].name)} · ${unitLabel(base)}`,
    '',
    `| ${b.kind === 'multilabel' ? 'label' : 'class'} | support | mean loss (${unit}) | share of the total loss |`,
    '|:--|--:|--:|--:|',
  ];
  for (const k of classes) {
    const c = b.classes.find((x) => x.index === k);
    if (!c) continue;
    const share = Number.isFinite(c.share) ? `${(c.share * 100).toFixed(1)}%` : fmt(c.share);
    out.push(`| ${escapeMarkdown(c.name)} | ${c.support.toLocaleString('en-US')} | ${fmt(c.meanLoss)} | ${share} |`);
  }
  if (b.kind === 'multilabel') out.push('', 'Support: samples where the label is present. Mean loss: the label\'s loss averaged over all samples.');
  return out.join('\n');
}

/**
 * The field of a delimited header line under character `ch` (0-based), honouring quotes: its
 * index, unquoted name and span [start, end). A cursor just after the last character counts.
 */
export function headerFieldAt(line: string, delimiter: string, ch: number): { index: number; name: string; start: number; end: number } | undefined {
  let index = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    const atEnd = i === line.length;
    if (!atEnd && (c !== delimiter || quoted)) continue;
    if (ch >= start && (ch < i || (atEnd && ch === i))) {
      const raw = line.slice(start, i).trim();
      const name = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
      return { index, name, start, end: i };
    }
    index++;
    start = i + 1;
  }
  return undefined;
}
