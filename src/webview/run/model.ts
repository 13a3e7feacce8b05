/**
 * The run view's numbers, free of the DOM: the series its charts draw (straight from the report,
 * `loss-lens run --json`'s), the axes' scales and ticks, and the cartography map's geometry (the
 * sample nearest a click). Tested against the CLI's --json on the committed fixtures.
 */
import type { RunReport } from '../../core/run';

export interface Series {
  /** One value per file, in run order. */
  values: number[];
  /** The axis range drawn: the values' range with a margin, `clamp` kept. */
  domain: [number, number];
}

/** The values' range, widened by 8% on each side (or a little around a flat line), kept within `clamp`. */
export function domainOf(values: readonly number[], clamp: [number, number] = [-Infinity, Infinity]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const pad = hi > lo ? 0.08 * (hi - lo) : Math.max(Math.abs(hi) * 0.05, 1e-3);
  lo = Math.max(clamp[0], lo - pad);
  hi = Math.min(clamp[1], hi + pad);
  return [lo, hi];
}

/** The mean loss of each file. */
export function meanSeries(r: RunReport): Series {
  const values = r.files.map((f) => f.mean);
  return { values, domain: domainOf(values, [0, Infinity]) };
}

/** The accuracy of each file (0..1). */
export function accuracySeries(r: RunReport): Series {
  const values = r.files.map((f) => f.accuracy);
  return { values, domain: domainOf(values, [0, 1]) };
}

/** Class `k`'s mean loss in each file (NaN where the file has no sample of it). */
export function classSeries(r: RunReport, k: number): Series {
  const values = r.files.map((f) => f.classes[k]?.meanLoss ?? NaN);
  return { values, domain: domainOf(values, [0, Infinity]) };
}

/**
 * The class the per-class chart starts on: the one whose loss rose most from the first file to
 * the last (a class getting worse is what a run is opened to find), else the one with the highest
 * loss in the last file.
 */
export function defaultClass(r: RunReport): number {
  const first = r.files[0]?.classes ?? [];
  const last = r.files[r.files.length - 1]?.classes ?? [];
  let best = 0;
  let bestRise = -Infinity;
  for (let k = 0; k < last.length; k++) {
    const rise = last[k]!.meanLoss - (first[k]?.meanLoss ?? NaN);
    if (rise > bestRise) {
      bestRise = rise;
      best = k;
    }
  }
  if (bestRise > 0) return best;
  let worst = 0;
  for (let k = 1; k < last.length; k++) if (last[k]!.meanLoss > last[worst]!.meanLoss) worst = k;
  return worst;
}

/** About `n` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function ticks(lo: number, hi: number, n = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Which files get a label under the x axis: every `step`-th, at most `max`, the first and last
 * always (the last replacing a stepped one too close to it).
 */
export function labelledFiles(count: number, max = 8): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  const step = Math.ceil((count - 1) / (max - 1));
  const out: number[] = [];
  for (let i = 0; i < count; i += step) out.push(i);
  const last = out[out.length - 1]!;
  if (last !== count - 1) {
    if (count - 1 - last <= step / 2) out[out.length - 1] = count - 1;
    else out.push(count - 1);
  }
  return out;
}

/**
 * The x axis's labels: what differs between the names (`epoch_1.csv` ... `epoch_10.csv` give 1 ...
 * 10), and the axis title saying what they are cut from (`epoch_N.csv`). Names that do not
 * differ by a number are kept whole.
 */
export function axisLabels(names: readonly string[]): { labels: string[]; title: string } {
  if (names.length < 2) return { labels: [...names], title: 'file' };
  let pre = names[0]!.length;
  let suf = names[0]!.length;
  for (const n of names) {
    const a = names[0]!;
    let i = 0;
    while (i < pre && i < n.length && n[i] === a[i]) i++;
    pre = i;
    let j = 0;
    while (j < suf && j < n.length && n[n.length - 1 - j] === a[a.length - 1 - j]) j++;
    suf = j;
  }
  // Digits are not split: epoch_10 and epoch_11 share "epoch_1", but their numbers are 10 and 11.
  const a = names[0]!;
  while (pre > 0 && /\d/.test(a[pre - 1]!)) pre--;
  while (suf > 0 && /\d/.test(a[a.length - suf]!)) suf--;
  const labels = names.map((n) => n.slice(pre, n.length - suf));
  // Epochs, steps, checkpoints are numbered: a cut that leaves no number in a label cut a name apart.
  if (pre + suf === 0 || labels.some((l) => !/\d/.test(l))) return { labels: [...names], title: 'file' };
  return { labels, title: `${a.slice(0, pre)}N${a.slice(a.length - suf)}` };
}

/** A tick's text: as few digits as the tick has (0.5, 2, 1.25), or a percentage (80%). */
export function tickText(v: number, percent = false): string {
  return percent ? `${Number((v * 100).toPrecision(6))}%` : String(Number(v.toPrecision(6)));
}

/** The map's plot area and axes: variability on x (0 to the largest, at least 0.5), confidence on y (0 to 1), as the paper draws it. */
export interface MapGeometry {
  width: number;
  height: number;
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
  maxVariability: number;
}

export function mapGeometry(variability: Float32Array, width: number, height: number): MapGeometry {
  let max = 0;
  for (let i = 0; i < variability.length; i++) if (variability[i]! > max) max = variability[i]!;
  // Variability of values in [0, 1] is at most 0.5: a run whose samples barely move still shows on that scale's first part.
  const maxVariability = Math.min(0.5, Math.max(0.05, Math.ceil(max * 20) / 20));
  const left = 44;
  const top = 10;
  return { width, height, left, top, plotWidth: width - left - 12, plotHeight: height - top - 36, maxVariability };
}

/** A sample's position in the map's pixels. */
export function mapPoint(g: MapGeometry, confidence: number, variability: number): [number, number] {
  return [g.left + (variability / g.maxVariability) * g.plotWidth, g.top + (1 - confidence) * g.plotHeight];
}

/** The sample nearest pixel (x, y) within `radius` pixels, or -1: a linear scan (100k samples take about a millisecond). */
export function nearestSample(g: MapGeometry, confidence: Float32Array, variability: Float32Array, x: number, y: number, radius = 8): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i]!;
    if (Number.isNaN(c)) continue;
    const [px, py] = mapPoint(g, c, variability[i]!);
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d < bestD || (d === bestD && best === -1)) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

export type MapDirection = 'left' | 'right' | 'up' | 'down';

/**
 * The sample an arrow key moves to from `from` on the map: the nearest point lying that way (more
 * than half a pixel along it), nearness weighing the sideways offset twice, so the step follows
 * the arrow rather than jumping across. -1 when none lies that way. With `from` -1, the sample
 * nearest the plot's centre. A linear scan, as nearestSample.
 */
export function stepSample(g: MapGeometry, confidence: Float32Array, variability: Float32Array, from: number, dir: MapDirection): number {
  if (from < 0 || Number.isNaN(confidence[from] ?? NaN)) return nearestSample(g, confidence, variability, g.left + g.plotWidth / 2, g.top + g.plotHeight / 2, Infinity);
  const [x0, y0] = mapPoint(g, confidence[from]!, variability[from]!);
  let best = -1;
  let bestScore = Infinity;
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i]!;
    if (i === from || Number.isNaN(c)) continue;
    const [px, py] = mapPoint(g, c, variability[i]!);
    const dx = px - x0;
    const dy = py - y0;
    const along = dir === 'right' ? dx : dir === 'left' ? -dx : dir === 'down' ? dy : -dy;
    if (!(along > 0.5)) continue;
    const side = dir === 'left' || dir === 'right' ? Math.abs(dy) : Math.abs(dx);
    const score = along + 2 * side;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}
