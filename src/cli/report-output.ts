/**
 * The report as the CLI writes it (text, Markdown or JSON) and the `--fail-if` gate over it: the
 * same for one file, shards and `loss-lens merge`.
 */
import type { Analysis } from '../core/analyze';
import { checkGate, gateFailures, gateValueText, type GateResult } from '../core/gate';
import { reportJson, stringifyReport } from '../core/report-json';
// Export Report...'s Markdown, so that a CI summary and an exported report read the same.
import { reportMarkdown } from '../shared/render/report-export';
import { renderTextReport } from '../shared/render/report-text';
import type { ReportOutput } from './args';

export interface PreparedReport {
  text: string;
  gate?: GateResult;
}

/** The gate as `--json` carries it; the condition as shown, the number compared and its name. */
export function gateJson(gate: GateResult) {
  return {
    failed: gate.failed,
    conditions: gate.results.map((r) => ({
      condition: r.condition.text,
      field: r.label,
      op: r.condition.op,
      threshold: r.condition.threshold,
      value: r.value,
      // auc, ap: where the exact value lies (the scores are bucketed); the gate fails if the condition holds anywhere in it.
      range: r.range ?? null,
      ...(r.note === undefined ? {} : { note: r.note }),
      failed: r.failed,
    })),
  };
}

/** Text as a Markdown code span: a fence longer than any run of backticks in it, pipes escaped for a table cell. */
function mdCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** The gate's results in Markdown, to stand above the report: what a reviewer reads first. */
export function gateMarkdown(gate: GateResult): string[] {
  const n = gate.results.length;
  const held = gate.results.filter((r) => r.failed).length;
  return [
    `# Loss Lens gate: ${gate.failed ? 'failed' : 'passed'}`,
    '',
    gate.failed
      ? `${held} of ${n} condition${n === 1 ? '' : 's'} ${held === 1 ? 'holds' : 'hold'}: the run fails if any does.`
      : `None of the ${n === 1 ? 'condition holds' : `${n} conditions hold`}.`,
    '',
    '| fail if | value | result |',
    '| --- | ---: | --- |',
    ...gate.results.map((r) => `| ${mdCode(r.condition.text)} | ${gateValueText(r).replace(/\|/g, '\\|')} | ${r.failed ? 'failed' : 'passed'} |`),
  ];
}

/**
 * The report's text and the gate's results, before anything is written. Throws GateError for a
 * condition naming a class the report does not have.
 */
export function prepareReport(analysis: Analysis, output: ReportOutput): PreparedReport {
  const wantsGate = output.failIf.length > 0;
  const report = output.json || output.format === 'markdown' || wantsGate ? reportJson(analysis) : undefined;
  const gate = wantsGate && report !== undefined ? checkGate(output.failIf, report) : undefined;
  let text: string;
  if (output.json && report !== undefined) {
    text = stringifyReport(gate === undefined ? report : { ...report, gate: gateJson(gate) }) + '\n';
  } else if (output.format === 'markdown' && report !== undefined) {
    text = (gate === undefined ? '' : gateMarkdown(gate).join('\n') + '\n\n') + reportMarkdown(report);
  } else {
    text = renderTextReport(analysis);
  }
  return { text, ...(gate === undefined ? {} : { gate }) };
}

/** Writes the report, then each failed condition on stderr; the exit status: 1 when the gate failed. */
export function emitReport(prepared: PreparedReport): number {
  process.stdout.write(prepared.text);
  if (prepared.gate === undefined || !prepared.gate.failed) return 0;
  process.stderr.write(gateFailures(prepared.gate).map((line) => `loss-lens: ${line}\n`).join(''));
  return 1;
}
