/** --temperature's section of the text report (--json carries it under diagnostics.results.temperature). */
import type { Analysis } from '../core/analyze';
import { temperatureText } from '../shared/render/temperature';
import type { CliArgs } from './args';
import type { PreparedReport } from './report-output';

/** Adds the section to a text report; when the file has no given class per row, says why on stderr. */
export function addTemperature(analysis: Analysis, args: CliArgs, report: PreparedReport): void {
  if (!args.diagnostics.includes('temperature')) return;
  const found = analysis.diagnostics?.results.temperature;
  if (found === undefined) {
    const why = analysis.diagnostics?.unavailable.temperature;
    if (why !== undefined) process.stderr.write(`loss-lens: --temperature: ${why}\n`);
    return;
  }
  if (args.json || args.format !== 'text') return;
  report.text += temperatureText(found);
}
