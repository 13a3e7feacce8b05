/**
 * The CLI's `--json` schema, also what the extension exports as JSON: one plain object built from
 * an Analysis. Infinite values are written as the strings "Infinity" / "-Infinity" (JSON has no
 * such numbers) and undefined ones (NaN, e.g. the precision of a never-predicted class) as null.
 */
import type { Analysis } from './analyze';
import type { Diagnostics } from './diagnostics/types';
import { assumptionMessage, overridesFlags, type Problem } from './parse';

export const REPORT_SCHEMA = 'loss-lens.report/1';

function problemJson(p: Problem) {
  return { ...(p.file !== undefined ? { file: p.file } : {}), line: p.line, column: p.column ?? null, message: p.message };
}

/**
 * Arrays of counts, finite by construction, that stringifyReport need not search for infinities:
 * a 1000-class confusion matrix is a million cells, ~20 ms to walk on a cold JIT.
 */
const finiteCounts = new WeakSet<object>();
/** Matrices that indented text writes one row per line rather than one cell per line. */
const matrices = new WeakSet<object>();

function counts<T extends object | null>(value: T): T {
  if (value !== null) finiteCounts.add(value);
  return value;
}

function matrix<T extends object | null>(value: T): T {
  if (value !== null) matrices.add(value);
  return counts(value);
}

export function reportJson(a: Analysis) {
  const b = a.breakdown;
  const o = a.options;
  return {
    schema: REPORT_SCHEMA,
    file: a.file,
    // A data set of several files (shards): each file, in the order read, and its rows.
    ...(a.files !== undefined ? { files: a.files.map((f) => ({ name: f.name, format: f.format, rows: f.rows, skipped: f.skipped })) } : {}),
    format: a.format,
    layout: {
      kind: a.layout.kind,
      input: a.layout.input,
      labelColumn: a.layout.labelColumn,
      predictionColumns: a.layout.predictionColumns,
      classNames: a.layout.classNames,
      targetKind: a.layout.targetKind,
      labelEncoding: a.layout.labelEncoding,
      numClasses: a.layout.numClasses,
      evidence: a.layout.evidence,
      assumptions: (a.layout.assumptions ?? []).map((x) => ({ text: x.text, flags: overridesFlags(x.taken), otherReading: x.otherLabel, otherFlags: overridesFlags(x.other), overrides: x.other })),
      hardPredictionColumn: a.layout.hardPredictionColumn ?? null,
    },
    preset: a.preset,
    options: {
      reduction: o.reduction,
      base: o.base,
      labelSmoothing: o.labelSmoothing,
      classWeights: o.classWeights ?? null,
      posWeight: o.posWeight ?? null,
      ignoreIndex: o.ignoreIndex ?? null,
      focalGamma: o.focalGamma ?? null,
      focalAlpha: o.focalAlpha ?? null,
      // The dashboard's what-if "Temperature T" (scores divided by T before every figure); null: the scores as written.
      temperature: o.temperature ?? null,
    },
    unit: o.base === '2' ? 'bits' : 'nats',
    value: a.value,
    count: b.count,
    rows: a.rows,
    skipped: a.skipped,
    ignored: b.ignoredCount,
    infinite: b.infiniteCount,
    mean: b.mean,
    sum: b.sum,
    weightSum: b.weightSum,
    accuracy: b.accuracy,
    ece: b.calibration.ece,
    // Beside the top-label (bce: positive-probability) ECE on equal-width bins: the same on equal-mass bins, and class-wise.
    adaptiveEce: b.calibration.adaptive.ece,
    classwiseEce: b.calibration.classwise.ece,
    brier: b.brier,
    perplexity: b.perplexity,
    meanEntropy: b.meanEntropy,
    meanConfidence: b.meanConfidence,
    perClass: b.classes.map((c) => ({
      index: c.index,
      name: c.name,
      support: c.support,
      meanLoss: c.meanLoss,
      meanLossCi: c.meanLossCi,
      share: c.share,
      precision: c.precision,
      precisionCi: c.precisionCi,
      recall: c.recall,
      recallCi: c.recallCi,
      f1: c.f1,
      ece: c.ece,
      meanConfidence: c.meanConfidence,
      meanTrueProb: c.meanTrueProb,
    })),
    averages: b.averages,
    confusion: matrix(b.confusion),
    calibration: b.calibration,
    histogram: b.histogram,
    worst: b.worst.map((w) => ({ ...w })),
    // Clipping's share: the samples the preset's clip caps, their share of the loss, each preset's mean.
    clipping: b.clipping,
    // bce and multilabel: ROC and precision-recall curves (thinned), AUC and average precision with their bounds; ce: null.
    operatingPoints: b.operatingPoints,
    hardAgreement:
      a.hardAgreement === undefined
        ? null
        : { column: a.layout.hardPredictionColumn ?? null, compared: a.hardAgreement.compared, agree: a.hardAgreement.agree, firstDisagreementLine: a.hardAgreement.firstDisagreement ?? null },
    // What was assumed comes first: it qualifies every number above.
    warnings: [...(a.layout.assumptions ?? []).map((x) => ({ line: 0, column: null, message: assumptionMessage(x) })), ...a.warnings.map(problemJson)],
    warningCount: a.warningCount + (a.layout.assumptions?.length ?? 0),
    // Asked for (CLI flags; the dashboard asks for all): each diagnostic's result by its key, and why the others could not run.
    ...(a.diagnostics !== undefined ? { diagnostics: jointCellsPerLine(a.diagnostics) } : {}),
  };
}

/** The label-issue joint's cells one per line when indented, as the confusion matrix's rows are. */
function jointCellsPerLine(d: Diagnostics): Diagnostics {
  const cells = d.results.labelIssues?.joint.cells;
  if (cells !== undefined) matrix(cells);
  return d;
}

export type ReportJson = ReturnType<typeof reportJson>;

/**
 * JSON text of a value with Infinity kept as a string and NaN as null. The infinities are swapped
 * for strings on a copy first (only the containers holding one are copied), so JSON.stringify runs
 * without a replacer: a replacer function is called for every value, and with 1000 classes the
 * confusion matrix alone is a million values (90 ms against 15 ms).
 *
 * Indented, a report's confusion matrix is written one row per line: one cell per line made the
 * 1000-class report 9.4 MB (3.4 MB by rows) and its writing a tenth of the CLI run.
 */
export function stringifyReport(value: unknown, indent = 2): string {
  const matrixRows: MatrixRows | undefined = indent > 0 ? { token: `\u0000matrix ${Math.random()}`, list: [] } : undefined;
  const text = JSON.stringify(withInfinitiesAsText(value, matrixRows), null, indent);
  if (matrixRows === undefined || matrixRows.list.length === 0) return text;
  let out = '';
  let from = 0;
  matrixRows.list.forEach((m, i) => {
    const mark = JSON.stringify(`${matrixRows.token} ${i}`);
    const at = text.indexOf(mark, from);
    const pad = text.slice(text.lastIndexOf('\n', at) + 1, at).match(/^ */)![0];
    const inner = pad + ' '.repeat(indent);
    out += text.slice(from, at) + (m.length === 0 ? '[]' : `[\n${m.map((r) => inner + JSON.stringify(r)).join(',\n')}\n${pad}]`);
    from = at + mark.length;
  });
  return out + text.slice(from);
}

/** Matrices taken out of a value while it is serialised, each left as the string `${token} ${index}` (a random token). */
interface MatrixRows {
  token: string;
  list: unknown[][];
}

/**
 * `value` with every +-Infinity replaced by its string; the same object where there is none. NaN is
 * left for JSON (null). With `rows`, matrices are swapped for placeholders and listed there.
 */
function withInfinitiesAsText(value: unknown, rows?: MatrixRows): unknown {
  if (typeof value === 'number') return value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value;
  if (typeof value !== 'object' || value === null) return value;
  if (rows !== undefined && matrices.has(value)) {
    rows.list.push(value as unknown[]);
    return `${rows.token} ${rows.list.length - 1}`;
  }
  if (finiteCounts.has(value)) return value;
  const v = value as { toJSON?: unknown };
  // What JSON.stringify would serialise: toJSON's result, or the object itself.
  if (typeof v.toJSON === 'function') return withInfinitiesAsText((v.toJSON as () => unknown).call(value), rows);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      // Numbers inline, not through a call each: a 1000-class confusion matrix is a million of them (~20 ms -> ~3 ms).
      if (typeof x === 'number') {
        if (x !== Infinity && x !== -Infinity) continue;
        out ??= value.slice();
        out[i] = x === Infinity ? 'Infinity' : '-Infinity';
        continue;
      }
      const y = withInfinitiesAsText(x, rows);
      if (y !== x) {
        out ??= value.slice();
        out[i] = y;
      }
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const x = (value as Record<string, unknown>)[key];
    const y = withInfinitiesAsText(x, rows);
    if (y !== x) {
      out ??= { ...(value as Record<string, unknown>) };
      out[key] = y;
    }
  }
  return out ?? value;
}
