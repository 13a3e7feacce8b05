/** What every section receives: element factories, the way back to the host, and the persisted UI state. */
import type { IssueRanking } from '../core/diagnostics/confident-learning';
import type { DashboardState, WebviewMessage } from '../shared/protocol';
import type { Dom } from './dom';
import type { SortState } from './table';

/** DashboardState plus the dashboard's own UI state (the host only reads `uri`). */
export interface ViewState extends DashboardState {
  /** Sort of the worst-samples table (`sort` is the per-class table's). */
  worstSort?: SortState;
  /** Sort of the comparison table. */
  compareSort?: SortState;
  /** What is typed in the class filter of a file with many classes. */
  classFilter?: string;
  /** Whether the full confusion matrix (a canvas, above 30 classes) is open. */
  confusionFullOpen?: boolean;
  /** Likely label errors: the ranking listed, and the sorts of its two tables. */
  labelIssueRanking?: IssueRanking;
  labelIssuesSort?: SortState;
  labelNoiseSort?: SortState;
  /** Sort of the calibration-versus-refinement per-class table. */
  temperatureSort?: SortState;
}

export interface Ctx {
  dom: Dom;
  post: (m: WebviewMessage) => void;
  state: ViewState;
  /** Merge into the state and persist it with vscode.setState. */
  saveState: (patch: Partial<ViewState>) => void;
  setTimeout: (f: () => void, ms: number) => unknown;
  clearTimeout: (h: unknown) => void;
}

export const KIND_NAMES = { bce: 'binary cross-entropy', ce: 'categorical cross-entropy', multilabel: 'multi-label binary cross-entropy' } as const;

/** A class name for index k, or "#k" for one outside the layout's classes. */
export function className(names: readonly string[], k: number): string {
  return k >= 0 && k < names.length ? (names[k] as string) : `#${k}`;
}
