/** The public reading API (see read.ts for the driver, types.ts for the contracts). */
export type { ByteRange, ByteSource, FileFormat, LabelEncoding, Layout, LayoutOverrides, ReadOptions, ReadResult, RowFields, SampleHandler, TargetKind } from './types';
export { readSamples, readLayout, sniffFormat, firstLineOfRange, splitRanges } from './read';
export type { FormatGuess } from './read';
export { inferLayout, LayoutError, type SampleTable } from './layout';
export { formatProblem, formatProblems, MAX_LISTED_PROBLEMS, type Problem, type Severity } from './problems';
export { parseFloatBytes } from './float';
export { bytesSource } from './memory-source';
