/**
 * From the index's problems to what the Problems panel shows: the exact range of the offending
 * field, a code saying what kind of problem it is, the quick fixes that make sense, and one
 * summary entry for the problems not listed. Free of `vscode`: unit-tested in plain Node.
 */
import type { DocumentIndex } from '../../core/explain';
import type { FileFormat, Problem } from '../../core/parse';
import { suggestedIgnoreLabel } from '../../shared/ignore-label';

export type ProblemCode =
  | 'not-a-number'
  | 'ragged-row'
  | 'probability-range'
  | 'label'
  | 'non-finite'
  | 'malformed-json'
  | 'layout'
  | 'row-sum'
  | 'more';

export type QuickFix = 'read-as-logits' | 'renormalise' | 'ignore-label' | 'choose-columns';

export interface DiagnosticSpec {
  /** 0-based line and characters [start, end), as vscode.Range takes them. */
  line: number;
  start: number;
  end: number;
  message: string;
  code: ProblemCode;
  severity: 'error' | 'warning' | 'info';
  fixes: QuickFix[];
  /** The label value the 'ignore-label' fix leaves out (a negative whole label: PyTorch's ignore_index). */
  ignoreLabel?: number;
}

/** Most problems listed per file; the reader itself keeps the first 20 and counts the rest. */
export const MAX_DIAGNOSTICS = 20;

export function classifyProblem(message: string): ProblemCode {
  if (/^the probabilities on this row sum to /.test(message)) return 'row-sum';
  if (/is outside \[0, 1\]/.test(message)) return 'probability-range';
  if (/^found (NaN|-?Infinity|infinity)|must be finite/i.test(message)) return 'non-finite';
  if (/expected a number/.test(message)) return 'not-a-number';
  if (/expected \d+ fields/.test(message)) return 'ragged-row';
  if (/malformed JSON|JSON/.test(message)) return 'malformed-json';
  if (/\blabel\b|class index|class name|not among/.test(message)) return 'label';
  return 'layout';
}

function fixesFor(code: ProblemCode): QuickFix[] {
  switch (code) {
    case 'probability-range':
      return ['read-as-logits', 'choose-columns'];
    case 'row-sum':
      return ['renormalise', 'read-as-logits'];
    case 'not-a-number':
    case 'ragged-row':
    case 'label':
    case 'layout':
      return ['choose-columns'];
    default:
      return [];
  }
}

/** End (exclusive) of the JSON value starting at `start`: a string, a bracketed value or a bare token. */
function jsonValueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first === '[' || first === '{') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '"') i = stringEnd(text, i) - 1;
      else if (c === '[' || c === '{') depth++;
      else if ((c === ']' || c === '}') && --depth === 0) return i + 1;
    }
    return text.length;
  }
  let i = start;
  while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++;
  return i;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

function csvFieldEnd(text: string, start: number, delimiter: string): number {
  if (text[start] === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '"' && text[i + 1] === '"') i++;
      else if (text[i] === '"') return i + 1;
    }
    return text.length;
  }
  const d = text.indexOf(delimiter, start);
  return d < 0 ? text.length : d;
}

/**
 * The span a problem underlines on its line: the field starting at its column, or the whole
 * (trimmed) line when the column is unknown or past the end (a row with too few fields).
 */
export function problemSpan(p: Problem, lineText: string, format: FileFormat, delimiter = ','): { start: number; end: number } {
  const whole = (): { start: number; end: number } => {
    const start = lineText.length - lineText.trimStart().length;
    return { start, end: Math.max(start, lineText.trimEnd().length) };
  };
  if (p.column === undefined) return whole();
  const start = p.column - 1;
  if (start >= lineText.length) return whole();
  const end = format === 'csv' || format === 'tsv' ? csvFieldEnd(lineText, start, delimiter) : jsonValueEnd(lineText, start);
  return end > start ? { start, end } : { start, end: Math.min(lineText.length, start + 1) };
}

/**
 * Diagnostics for a document: one per listed problem (at most MAX_DIAGNOSTICS; the reader's
 * problems and rows whose probabilities do not sum to 1, in line order), then one on the first
 * line summarising the rest. `lineText(n)` returns 1-based line n of the document.
 */
export function diagnosticSpecs(index: DocumentIndex, format: FileFormat, delimiter: string | undefined, lineText: (line: number) => string | undefined): DiagnosticSpec[] {
  // Stable: a row's reader problem stays before its sum warning.
  const all = [...index.problems, ...index.rowSumProblems].sort((a, b) => a.line - b.line);
  const listed = all.slice(0, MAX_DIAGNOSTICS);
  const specs: DiagnosticSpec[] = listed.map((p) => {
    const code = classifyProblem(p.message);
    const line = Math.max(0, p.line - 1);
    const text = p.line > 0 ? (lineText(p.line) ?? '') : (lineText(1) ?? '');
    const span = problemSpan(p.line > 0 ? p : { ...p, column: undefined }, text, format, delimiter);
    const ignoreLabel = suggestedIgnoreLabel(p.message);
    const fixes = fixesFor(code);
    return {
      line, ...span, message: p.message, code, severity: p.severity === 'warning' ? 'warning' : 'error',
      ...(ignoreLabel === undefined ? { fixes } : { fixes: ['ignore-label' as const, ...fixes], ignoreLabel }),
    };
  });
  const more = Math.max(index.problemCount, index.problems.length) + Math.max(index.rowSumCount, index.rowSumProblems.length) - listed.length;
  if (more > 0) {
    const first = lineText(1) ?? '';
    specs.push({
      line: 0,
      start: 0,
      end: first.length,
      message: `${more} more problem${more === 1 ? '' : 's'} in this file not listed (the first ${listed.length} are)`,
      code: 'more',
      severity: 'warning',
      fixes: [],
    });
  }
  return specs;
}
