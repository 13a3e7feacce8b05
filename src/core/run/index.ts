/**
 * A run: several files over the same samples, one per epoch or checkpoint (unlike shards, which
 * split one data set). Each file keeps its own report (mean, per class); across the files, the
 * trajectory store (store.ts) gives the samples whose loss rose, those forgotten and the
 * cartography map (stats.ts). Pure: the files are read by the runtime (node/run.ts).
 */
import type { Analysis } from '../analyze';
import { naturalCompare } from '../shards';
import { matchingText, type Matching } from './match';
import { cartography, forgetting, REGION_FRACTION, regions, topRises, type CartographyStats, type ForgettingStats, type Regions } from './stats';
import { storeBytes, type TrajectoryStore } from './store';

export { chooseMatching, matchRows, RunMatchError, type Matching, type MatchSide } from './match';
export { fileSamplesCollector, NO_VALUE, trueClassProbability, type FileSamples } from './samples';
export { storeBytes, trajectoryBuilder, type TrajectoryStore } from './store';
export { cartography, forgetting, lossChanges, REGION_FRACTION, REGIONS, regions, topRises, type CartographyStats, type ForgettingStats, type Region, type Regions } from './stats';

/** The order of a run's files: natural sort of their names (epoch_2 before epoch_10). */
export function runOrder(names: readonly string[]): string[] {
  return [...names].sort(naturalCompare);
}

export const ORDER_TEXT = 'Files are in natural order of their names (epoch_2 before epoch_10).';

/** One file of the run, as its own report gives it. */
export interface RunFile {
  name: string;
  rows: number;
  /** Samples the mean is over (the report's N). */
  count: number;
  mean: number;
  accuracy: number;
  classes: { name: string; support: number; meanLoss: number }[];
}

export function runFile(a: Analysis): RunFile {
  const b = a.breakdown;
  return { name: a.file, rows: a.rows, count: b.count, mean: b.mean, accuracy: b.accuracy, classes: b.classes.map((c) => ({ name: c.name, support: c.support, meanLoss: c.meanLoss })) };
}

/** A sample as lists name it: its index, its id when matched by id. */
export interface RunSampleRef {
  /** 0-based index among the samples (the first file's rows). */
  sample: number;
  id?: string;
  /** The sample's true class's name. */
  label: string;
}

export interface RunRise extends RunSampleRef {
  /** File indices: the first and last file where the sample has a loss. */
  from: number;
  to: number;
  lossFrom: number;
  lossTo: number;
  rise: number;
  /** Its line in file `to`. */
  line: number;
}

export interface RunForgotten extends RunSampleRef {
  events: number;
  /** The file of its last forgetting event, and its line and loss there. */
  file: number;
  line: number;
  loss: number;
}

export interface RunReport {
  files: RunFile[];
  order: string;
  matching: string;
  matchedBy: Matching['by'];
  idColumn?: string;
  samples: number;
  store: { bytes: number; text: string };
  rose: RunRise[];
  forgetting: {
    /** Samples with at least one forgetting event. */
    forgotten: number;
    events: number;
    /** Never right in any file. */
    neverLearned: number;
    /** Right in some file, never forgotten. */
    unforgettable: number;
    top: RunForgotten[];
    text: string;
  };
  cartography: {
    fraction: number;
    selected: number;
    counts: Regions['counts'];
    thresholds: Regions['thresholds'];
    text: string;
  };
}

/** The report, and per sample what it is made of: the map's coordinates, the region, the forgetting events. */
export interface RunDetail {
  report: RunReport;
  carto: CartographyStats;
  regions: Regions;
  forgetting: ForgettingStats;
}

const mb = (bytes: number) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

/**
 * The run's report over its files (in run order) and their trajectory store; `top` samples listed
 * in each list.
 */
export function runReport(files: RunFile[], store: TrajectoryStore, matching: Matching, idColumns: readonly (string | undefined)[], classNames: readonly string[], top: number): RunDetail {
  const N = store.samples;
  const ref = (i: number): RunSampleRef => {
    const y = store.trueClass[i]!;
    const id = store.ids?.[i];
    return { sample: i, ...(id === undefined ? {} : { id }), label: y < 0 ? '' : (classNames[y] ?? String(y)) };
  };
  const rose = topRises(store, top).map((r) => ({ ...ref(r.sample), from: r.from, to: r.to, lossFrom: r.lossFrom, lossTo: r.lossTo, rise: r.rise, line: store.line[r.to * N + r.sample]! }));

  const fg = forgetting(store);
  let forgotten = 0;
  let events = 0;
  let neverLearned = 0;
  const order: number[] = [];
  for (let i = 0; i < N; i++) {
    events += fg.events[i]!;
    if (fg.events[i]! > 0) {
      forgotten++;
      order.push(i);
    } else if (fg.learned[i] === 0) neverLearned++;
  }
  // Most events first, then the latest forgetting (the one a last checkpoint still shows), then by sample.
  order.sort((a, b) => fg.events[b]! - fg.events[a]! || fg.lastForgotten[b]! - fg.lastForgotten[a]! || a - b);
  const topForgotten = order.slice(0, top).map((i) => {
    const f = fg.lastForgotten[i]!;
    return { ...ref(i), events: fg.events[i]!, file: f, line: store.line[f * N + i]!, loss: store.loss[f * N + i]! };
  });
  const unforgettable = N - forgotten - neverLearned;

  const carto = cartography(store);
  const reg = regions(carto);
  const t = reg.thresholds;
  const pct = Math.round(REGION_FRACTION * 100);
  const bytes = storeBytes(N, store.files);
  const report: RunReport = {
    files,
    order: ORDER_TEXT,
    matching: matchingText(matching, idColumns),
    matchedBy: matching.by,
    ...(matching.by === 'id' ? { idColumn: matching.column } : {}),
    samples: N,
    store: { bytes, text: `Trajectory store: ${N.toLocaleString('en-US')} samples x ${store.files} files x 13 bytes (P(true class) and loss as float32, correctness a byte, the line a uint32) + 4 bytes a sample = ${mb(bytes)}.` },
    rose,
    forgetting: {
      forgotten,
      events,
      neverLearned,
      unforgettable,
      top: topForgotten,
      text: 'A forgetting event (Toneva et al. 2019): a file where the sample is predicted wrong after the file before had it right.',
    },
    cartography: {
      fraction: REGION_FRACTION,
      selected: reg.selected,
      counts: reg.counts,
      thresholds: t,
      text:
        `Dataset cartography (Swayamdipta et al. 2020): confidence is the mean P(true class) over the files, variability its standard deviation (population), correctness the fraction of files right. ` +
        `The paper's regions are its ${pct}% selections: ambiguous the ${pct}% highest variability (here >= ${t.ambiguousVariability.toPrecision(3)}), easy to learn the ${pct}% highest confidence (>= ${t.easyConfidence.toPrecision(3)}), ` +
        `hard to learn the ${pct}% lowest confidence (<= ${t.hardConfidence.toPrecision(3)}); a sample in two counts in the first of ambiguous, easy, hard; 'other' is in none.`,
    },
  };
  return { report, carto, regions: reg, forgetting: fg };
}
