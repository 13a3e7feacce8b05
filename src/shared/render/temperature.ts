/**
 * Calibration versus refinement (core/diagnostics/temperature) in words: the sentences the CLI's
 * text report and the dashboard share, and the CLI's section.
 */
import type { TemperatureFit, TemperatureReport } from '../../core/diagnostics/temperature';
import { formatNumber } from './format';

const int = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const unit = (r: TemperatureReport) => (r.base === '2' ? 'bits' : 'nats');

/** "T* = 2.458", or the limit, or why there is none. */
export function temperatureHeadline(r: TemperatureReport): string {
  if (r.notFitted !== undefined) return `no temperature fitted: ${r.notFitted}`;
  if (r.limit === 'sharpen') return 'T* → 0: every row\'s class is scored highest, so the loss keeps falling as the scores sharpen';
  if (r.limit === 'flatten') return 'T* → ∞: the loss keeps falling as the scores flatten to uniform (they rank the classes no better than chance)';
  const what = r.scores === 'logits' ? 'logits divided by T' : 'ln p divided by T, i.e. p^(1/T) renormalised';
  return `T* = ${formatNumber(r.temperature)} (${what}; ${r.temperature > 1 ? 'over-confident: T* > 1 softens' : r.temperature < 1 ? 'under-confident: T* < 1 sharpens' : 'calibrated'})`;
}

/** "1.422 = 1.077 refinement + 0.345 calibration (24.3%)". */
export function temperatureSplit(r: TemperatureReport): string {
  return `log loss ${formatNumber(r.before.loss)} ${unit(r)} = ${formatNumber(r.refinement)} refinement (left at T*) + ${formatNumber(r.calibration)} calibration (${pct(r.calibration / r.before.loss)}, removed by T*)`;
}

/** How T* was found: the method, the passes, the iterations and how close to the minimiser. */
export function temperatureFitText(fit: TemperatureFit, rows: number): string {
  const step = Number.isFinite(fit.lastStep) ? `; last step ${formatNumber(fit.lastStep)} of 1/T` : '';
  const end = fit.converged ? `converged${step}` : `did not converge${step}`;
  if (fit.method === 'in-memory') {
    return `Newton on 1/T over all ${int(rows)} rows in memory after one pass: ${fit.sampleIterations} iterations, ${end}`;
  }
  return `Newton on 1/T: ${fit.sampleIterations} iterations on a sample of ${int(fit.sampleRows)} rows, then ${fit.exactIterations} on all ${int(rows)} rows ` +
    `(exact gradient and curvature, one pass each; ${fit.passes} passes in all), ${end}`;
}

/** What was read differently from the file, if anything: clipped probabilities, rows left out. */
export function temperatureNotes(r: TemperatureReport): string {
  const notes: string[] = [];
  if (r.floored > 0 && r.logFloor !== null) notes.push(`${int(r.floored)} probabilities below the preset's clip read as e^${formatNumber(r.logFloor)} (${formatNumber(Math.exp(r.logFloor))})`);
  if (r.leftOut > 0) notes.push(`${int(r.leftOut)} rows without a class left out`);
  return notes.join('; ');
}

/** Left-aligns the first column, right-aligns the rest. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

/** The text report's section. */
export function temperatureText(r: TemperatureReport): string {
  const out = ['', 'Calibration versus refinement (one temperature fitted on the file; the log loss without smoothing, weights or a focal term)'];
  out.push(`  ${temperatureHeadline(r)}`);
  if (r.notFitted !== undefined) return out.join('\n') + '\n';
  out.push(`  ${temperatureSplit(r)}`);
  out.push(`  ECE ${formatNumber(r.before.ece)} before, ${formatNumber(r.after.ece)} after`);
  out.push(`  fit: ${temperatureFitText(r.fit, r.rows)}`);
  const notes = temperatureNotes(r);
  if (notes !== '') out.push(`  ${notes}`);
  out.push(
    ...table(
      ['class', 'support', 'before', 'at T*', 'calibration'],
      r.classes.map((c) => [c.name, int(c.support), formatNumber(c.before), formatNumber(c.after), formatNumber(c.calibration)]),
    ),
  );
  return out.join('\n') + '\n';
}
