/**
 * `loss-lens run FILES...|FOLDER|GLOB [--json]`: the files of a run (one per epoch or checkpoint,
 * over the same samples), each file's mean and per-class loss, the samples whose loss rose, the
 * forgotten samples and the cartography regions (core/run, read by node/run.ts).
 */
import type { AnalysisRequest } from '../core/analyze';
import { stringifyReport } from '../core/report-json';
import { writeFileSync } from 'node:fs';
import { lossChanges, REGIONS, RunMatchError, type RunReport } from '../core/run';
import { sharedFolder } from '../core/shards';
import { readRun, RunLayoutError, type RunRead } from '../node/run';
import { readEpochRun } from '../node/run-epochs';
import { ShardArgumentError, shardEntries } from '../node/shard-args';
import { subfolderArgs } from '../node/run-subfolders';
import { saying } from '../shared/run-subfolders';
import { parseRunArgs, UsageError, USAGE, type CliArgs, type RunArgs } from './args';
import { silentProgress, terminalProgress } from './progress';

/** Most classes shown as columns of the per-file table; more are in --json. */
const MAX_CLASS_COLUMNS = 8;

const num = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

/** The run as text: files, rose, forgotten, cartography, how samples were matched and stored. */
export function renderRunText(r: RunReport): string {
  const names = r.files.map((f) => f.name);
  const dir = sharedFolder(names);
  const short = names.map((n) => n.slice(dir.length));
  const classes = r.files[0]!.classes;
  const showClasses = classes.length <= MAX_CLASS_COLUMNS;
  const out: string[] = [];
  out.push(`Run: ${r.files.length} files${dir === '' ? '' : ` in ${dir}`}, ${r.samples.toLocaleString('en-US')} samples`);
  out.push(r.order, r.matching, '');
  out.push(
    ...table([
      ['file', 'mean', 'accuracy', ...(showClasses ? classes.map((c) => c.name) : [])],
      ...r.files.map((f, i) => [short[i]!, num(f.mean), pct(f.accuracy), ...(showClasses ? f.classes.map((c) => num(c.meanLoss)) : [])]),
    ]).map((l) => `  ${l}`),
  );
  if (!showClasses) out.push(`  (per-class losses of ${classes.length} classes: --json)`);
  const sample = (s: { sample: number; id?: string; label: string }) => `sample ${s.sample + 1}${s.id === undefined ? '' : ` (id ${JSON.stringify(s.id)})`}, label ${JSON.stringify(s.label)}`;
  out.push('', `Loss rose most, first file to last (top ${r.rose.length}):`);
  if (r.rose.length === 0) out.push('  none: no sample ends with a higher loss than it started with');
  for (const s of r.rose) out.push(`  ${sample(s)}: ${num(s.lossFrom)} -> ${num(s.lossTo)} (+${num(s.rise)}) at ${short[s.to]}:${s.line}`);
  const fg = r.forgetting;
  out.push(
    '',
    `Forgotten: ${fg.forgotten.toLocaleString('en-US')} samples (${fg.events.toLocaleString('en-US')} forgetting events); ${fg.unforgettable.toLocaleString('en-US')} learned and never forgotten; ${fg.neverLearned.toLocaleString('en-US')} never learned.`,
    `  ${fg.text}`,
  );
  for (const s of fg.top) out.push(`  ${sample(s)}: ${s.events} event${s.events === 1 ? '' : 's'}, last at ${short[s.file]}:${s.line} (loss ${num(s.loss)})`);
  const c = r.cartography;
  out.push('', `Cartography: easy to learn ${c.counts.easy}, ambiguous ${c.counts.ambiguous}, hard to learn ${c.counts.hard}, other ${c.counts.other}`, `  ${c.text}`);
  out.push('', r.store.text);
  return out.join('\n') + '\n';
}

/**
 * `requestOf` and `failure` are main.ts's: the request the options make, and the exit status and
 * message of a failed read (a file's located problems).
 */
/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/**
 * --per-sample OUT.csv: each sample's map coordinates, region, forgetting events and its loss in
 * its first and last file (the data behind the report's lists, for a notebook).
 */
export function perSampleCsv(run: RunRead): string {
  const s = run.store;
  const N = s.samples;
  const { from, to } = lossChanges(s);
  const names = run.layout.classNames;
  let out = 'sample,id,label,line_first_file,confidence,variability,correctness,region,forgetting_events,loss_first,loss_last\n';
  for (let i = 0; i < N; i++) {
    const y = s.trueClass[i]!;
    const a = from[i]!;
    const b = to[i]!;
    out += [
      i + 1,
      cell(s.ids?.[i] ?? ''),
      cell(y < 0 ? '' : (names[y] ?? String(y))),
      s.line[i] || '',
      run.carto.confidence[i],
      run.carto.variability[i],
      run.carto.correctness[i],
      REGIONS[run.regions.region[i]!],
      run.forgetting.events[i],
      a < 0 ? '' : s.loss[a * N + i],
      b < 0 ? '' : s.loss[b * N + i],
    ].join(',') + '\n';
  }
  return out;
}

export async function mainRun(argv: string[], requestOf: (args: CliArgs) => AnalysisRequest, failure: (err: unknown, skipInvalid: boolean) => number): Promise<number> {
  let args: RunArgs;
  let request: AnalysisRequest;
  try {
    const parsed = parseRunArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    args = parsed;
    request = requestOf(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`loss-lens run: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const progress = args.progress && process.stderr.isTTY ? terminalProgress(process.stderr, 'reading') : silentProgress;
  try {
    // A folder of checkpoint folders: a file per subfolder (node/run-subfolders.ts).
    const { files, said } = await subfolderArgs(args.files);
    const entries = await shardEntries(files);
    // One file may hold the whole run, its epochs told apart by a column (node/run-epochs.ts).
    const epochs = entries.length === 1 && entries[0]!.labels === undefined ? await readEpochRun(entries[0]!, request, { top: args.top, match: args.match }) : undefined;
    const run = saying(epochs ?? (await readRun(entries, request, { top: args.top, match: args.match, onProgress: (done, total) => progress.say(`reading file ${done + 1} of ${total}`) })), said);
    progress.clear();
    if (args.perSample !== undefined) writeFileSync(args.perSample, perSampleCsv(run));
    process.stdout.write(args.json ? stringifyReport(run.report) + '\n' : renderRunText(run.report));
    return 0;
  } catch (err) {
    progress.clear();
    if (err instanceof ShardArgumentError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if (err instanceof RunMatchError || err instanceof RunLayoutError) {
      process.stderr.write(`loss-lens run: ${err.message}\n`);
      return 1;
    }
    return failure(err, args.skipInvalid);
  }
}
