/** The bins of the loss histogram worth drawing: shared by the dashboard and the HTML report. */
import type { ReportJson } from '../core/report-json';

export interface Bin {
  lo: number;
  hi: number;
  count: number;
}

/** The finite bins from the first to the last non-empty one, widened to whole decades. */
export function visibleBins(h: ReportJson['histogram']): Bin[] {
  const first = h.counts.findIndex((c) => c > 0);
  if (first < 0) return [];
  let last = h.counts.length - 1;
  while (last > first && (h.counts[last] ?? 0) === 0) last--;
  const decade = (j: number) => Math.floor(Math.log10(h.edges[j] as number) + 1e-9);
  let a = first;
  while (a > 0 && decade(a - 1) === decade(first)) a--;
  let b = last;
  while (b + 1 < h.counts.length && decade(b + 1) === decade(last)) b++;
  const bins: Bin[] = [];
  for (let j = a; j <= b; j++) bins.push({ lo: h.edges[j] as number, hi: h.edges[j + 1] as number, count: h.counts[j] ?? 0 });
  return bins;
}
