/**
 * Messages between the extension host and the read-only preview of a binary file (a .npy, a
 * Parquet file): what it holds first, then its loss, or why there is none.
 */
import type { BinaryPreview } from '../core/columnar/preview';
import type { ReportJson } from '../core/report-json';

export type PreviewHostMessage =
  | { type: 'contents'; label: string; preview: BinaryPreview }
  | { type: 'loading' }
  | { type: 'report'; report: ReportJson; unit: string }
  /** No loss: the message (a refusal naming the fix), and whether Choose Columns... may help. */
  | { type: 'failed'; message: string; chooseColumns: boolean };

export type PreviewWebviewMessage = { type: 'ready' } | { type: 'command'; command: 'openDashboard' | 'chooseColumns' | 'computeLoss' };
