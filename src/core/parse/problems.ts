/**
 * Problems found while reading a file, reported like a compiler (`file.csv:57:3: message`) so
 * terminals and VS Code's problem matchers link straight to the spot.
 */

export type Severity = 'error' | 'warning';

export interface Problem {
  /** 1-based line; 0 when the problem concerns the whole file (e.g. it is empty). */
  line: number;
  /** 1-based character column where the offending field starts, when there is one. */
  column?: number;
  message: string;
  severity: Severity;
  /**
   * 'row': a binary file's problem (no lines, no columns): `line` is the row's index plus one, and
   * the row is said by its index, from 0 as NumPy and the worst-samples table count.
   */
  unit?: 'row';
  /** The file of a data set of several (shards) the problem is in; unset: the file read. */
  file?: string;
}

/** How many problems are kept verbatim; the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * `path:line:column: message` (column and line omitted when unknown); `path: row N: message` in a
 * binary file. A problem that names its file (one shard of several) is said against that file.
 */
export function formatProblem(path: string, p: Problem): string {
  if (p.file !== undefined) path = p.file;
  if (p.unit === 'row' && p.line > 0) return `${path}: row ${p.line - 1}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
  let where = path;
  if (p.line > 0) where += `:${p.line}`;
  if (p.line > 0 && p.column !== undefined) where += `:${p.column}`;
  return `${where}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** Formats a list, then one line saying how many more were not listed. */
export function formatProblems(path: string, problems: readonly Problem[], unlisted = 0): string[] {
  const lines = problems.map((p) => formatProblem(path, p));
  if (unlisted > 0) lines.push(`${path}: ... and ${unlisted} more problem${unlisted === 1 ? '' : 's'}`);
  return lines;
}

/** Keeps the first MAX_LISTED_PROBLEMS problems of each severity and counts the rest. */
export class ProblemLog {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  errorCount = 0;
  warningCount = 0;

  constructor(
    private readonly limit = MAX_LISTED_PROBLEMS,
    /** Set for a binary file: every located problem is a row's. */
    public unit?: 'row',
  ) {}

  add(problem: Problem): void {
    // A binary file's rows have no text columns: a column said would point at nothing.
    const { column: _, ...located } = problem;
    const p: Problem = this.unit !== undefined && problem.line > 0 ? { ...located, unit: this.unit } : problem;
    if (p.severity === 'error') {
      this.errorCount++;
      if (this.errors.length < this.limit) this.errors.push(p);
    } else {
      this.warningCount++;
      if (this.warnings.length < this.limit) this.warnings.push(p);
    }
  }

  error(line: number, column: number | undefined, message: string): void {
    this.add(column === undefined ? { line, message, severity: 'error' } : { line, column, message, severity: 'error' });
  }

  warning(line: number, column: number | undefined, message: string): void {
    this.add(column === undefined ? { line, message, severity: 'warning' } : { line, column, message, severity: 'warning' });
  }
}

/** A read that cannot go on (an unreadable file, no label column): carries its problems. */
export class ReadError extends Error {
  constructor(
    readonly problems: Problem[],
    readonly path: string,
  ) {
    super(formatProblems(path, problems).join('\n'));
    this.name = 'ReadError';
  }
}

/** Quotes a field's text for a message, shortened so a 100 MB field cannot flood the output. */
export function quoteForMessage(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max)}...` : text;
  return JSON.stringify(shown);
}

/** A byte count for messages: `16 MiB`, `64 KiB`, `900 bytes`. */
export function sizeText(bytes: number): string {
  if (bytes >= 1 << 20) return `${Math.floor(bytes / (1 << 20))} MiB`;
  if (bytes >= 1 << 10) return `${Math.floor(bytes / (1 << 10))} KiB`;
  return `${bytes} bytes`;
}
