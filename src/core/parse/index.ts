/**
 * Reading prediction files: the public API.
 *
 *   const source = await fileSource(path);            // src/node (gzip by magic bytes, ranges)
 *   const result = await readSamples(source, { skipInvalid, overrides, signal, onProgress },
 *     (sample, row, line, fields) => { ... });         // sample is REUSED: copy what you keep
 *   result.layout.evidence                             // why each choice was made
 *   formatProblems(source.name, result.problems, result.errorCount - result.problems.length)
 *
 * Parallel CSV/JSONL: `layout = (await readLayout(source)).layout`, then
 * `planRanges(layout, source.size, workers)`; each worker calls
 * `readSamples(source, { layout, range, firstLine? })`; see planRanges for the protocol.
 * Formats: CSV/TSV (delimiter sniffed), JSON (records or parallel columns, top level or one key
 * down, or pandas' DataFrame.to_json in any orient), JSONL. Everything streams; no file is held in
 * memory whole.
 */
export type {
  Assumption, ByteRange, ByteSource, ChunkOptions, FileFormat, LabelEncoding, Layout, LayoutOverrides, ReadOptions, ReadResult, RowFields, SampleHandler, TargetKind,
} from './types';
export { readSamples, readLayout, sniffFormat, firstLineOfRange, planRanges, splitRanges, MIN_SPLIT_BYTES } from './read';
export type { FormatGuess } from './read';
export { inferLayout, LayoutError, type SampleTable, type SampleTap } from './layout';
export { assumptionMessage, listValue, overridesFlags, parseNameList } from './flags';
export { formatProblem, formatProblems, MAX_LISTED_PROBLEMS, type Problem, type Severity } from './problems';
export { parseFloatBytes } from './float';
export { bytesSource } from './memory-source';
