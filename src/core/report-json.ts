/**
 * The CLI's `--json` schema, also what the extension exports as JSON: one plain object built from
 * an Analysis. Infinite values are written as the strings "Infinity" / "-Infinity" (JSON has no
 * such numbers) and undefined ones (NaN, e.g. the precision of a never-predicted class) as null.
 */
import type { Analysis } from './analyze';
import type { Problem } from './parse';

export const REPORT_SCHEMA = 'loss-lens.report/1';

function problemJson(p: Problem) {
  return { line: p.line, column: p.column ?? null, message: p.message };
}

export function reportJson(a: Analysis) {
  const b = a.breakdown;
  const o = a.options;
  return {
    schema: REPORT_SCHEMA,
    file: a.file,
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
    perplexity: b.perplexity,
    meanEntropy: b.meanEntropy,
    meanConfidence: b.meanConfidence,
    perClass: b.classes.map((c) => ({
      index: c.index,
      name: c.name,
      support: c.support,
      meanLoss: c.meanLoss,
      share: c.share,
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      meanConfidence: c.meanConfidence,
      meanTrueProb: c.meanTrueProb,
    })),
    averages: b.averages,
    confusion: b.confusion,
    calibration: b.calibration,
    histogram: b.histogram,
    worst: b.worst.map((w) => ({ ...w })),
    warnings: a.warnings.map(problemJson),
    warningCount: a.warningCount,
  };
}

export type ReportJson = ReturnType<typeof reportJson>;

/** JSON text of a value with Infinity kept as a string and NaN as null. */
export function stringifyReport(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v !== 'number' || Number.isFinite(v)) return v;
      if (Number.isNaN(v)) return null;
      return v > 0 ? 'Infinity' : '-Infinity';
    },
    indent,
  );
}
