/** The streaming, mergeable breakdown of per-sample losses (see accumulator.ts). */
export { BreakdownAccumulator, createAccumulator, resolveBreakdownConfig } from './accumulator';
export type { Calibration, CalibrationDefinition, ReliabilityBin } from './calibration';
export { calibrationBin, calibrationEdges } from './calibration';
export type { AdaptiveCalibration } from './confidence-grid';
export { adaptiveReport, GRID_BUCKETS, gridBucket, gridRange } from './confidence-grid';
export type { ClippingReport, PresetClipFigures } from './clipping';
export { CONTEST_ABOVE, CONTEST_BELOW } from './clipping';
export type { OperatingCurves, OperatingPoint, OperatingPoints } from './operating-points';
export type { Interval } from './intervals';
export { meanInterval, wilson, Z95 } from './intervals';
export type { OneVsRest, Prf, PrfAverages } from './confusion';
export type { EncodedNumber } from './encoding';
export type { HistogramSettings, LossHistogram } from './histogram';
export { DEFAULT_HISTOGRAM, histogramEdges } from './histogram';
export type { TopKState, WorstSample } from './topk';
export type { AccumulatorState, Breakdown, BreakdownConfig, ClassBreakdown, ResolvedBreakdownConfig } from './types';
export { STATE_FORMAT } from './types';
