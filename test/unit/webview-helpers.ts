/** Builds real reports with the core and a happy-dom window running the dashboard, for the webview tests. */
import { readFileSync } from 'node:fs';
import { Window } from 'happy-dom';
import { analyze, type AnalysisRequest } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse';
import { reportJson, type ReportJson } from '../../src/core/report-json';
import type { DashboardData, HostMessage, WebviewMessage, WhatIf } from '../../src/shared/protocol';
import { Dashboard } from '../../src/webview/app';

export const request = (over: Partial<AnalysisRequest['loss']> = {}, rest: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e', ...over },
  overrides: {},
  skipInvalid: false,
  topK: 10,
  calibrationBins: 15,
  ...rest,
});

const reports = new Map<string, Promise<ReportJson>>();

/** The report of a file (or of `text` named `path`), computed once per test run: tests only read it. */
export function reportOf(path: string, text?: string, over: Partial<AnalysisRequest['loss']> = {}, rest: Partial<AnalysisRequest> = {}): Promise<ReportJson> {
  const key = JSON.stringify([path, text, over, rest]);
  let r = reports.get(key);
  if (!r) {
    r = computeReport(path, text, over, rest);
    reports.set(key, r);
  }
  return r;
}

async function computeReport(path: string, text: string | undefined, over: Partial<AnalysisRequest['loss']>, rest: Partial<AnalysisRequest>): Promise<ReportJson> {
  const bytes = text === undefined ? new Uint8Array(readFileSync(path)) : new TextEncoder().encode(text);
  return reportJson(await analyze(bytesSource(path, bytes), request(over, rest)));
}

/** A deterministic K-class CSV whose true class usually wins, and class 3 is often taken for 8. */
export function manyClassesCsv(k: number, n: number): string {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = [`label,${Array.from({ length: k }, (_, i) => `prob_c${i}`).join(',')}`];
  for (let r = 0; r < n; r++) {
    const y = r % k;
    const w = Array.from({ length: k }, () => rand());
    w[y] = (w[y] as number) + (rand() < 0.7 ? k / 4 : 0);
    if (y === 3) w[8] = (w[8] as number) + k / 2;
    const s = w.reduce((a, b) => a + b, 0);
    lines.push(`c${y},${w.map((v) => (v / s).toPrecision(8)).join(',')}`);
  }
  return lines.join('\n') + '\n';
}

export const defaultWhatIf = (r: ReportJson): WhatIf => ({
  preset: r.preset, labelSmoothing: 0, classWeights: [], posWeight: null, focalGamma: null, focalAlpha: null, input: null, kind: null,
});

export function dataOf(report: ReportJson, over: Partial<DashboardData> = {}): DashboardData {
  return { report, whatIf: defaultWhatIf(report), label: report.file, uri: `file:///w/${report.file}`, history: [], elapsedMs: 12, ...over };
}

export interface Harness {
  win: Window;
  doc: Document;
  root: HTMLElement;
  dashboard: Dashboard;
  posted: WebviewMessage[];
  state: () => unknown;
  /** Timers of the what-if debounce, run by hand. */
  flushTimers: () => void;
  send: (m: HostMessage) => void;
}

const open: Window[] = [];

/** Closes the windows the tests opened (their observers and timers). */
export async function closeWindows(): Promise<void> {
  await Promise.all(open.splice(0).map((w) => w.happyDOM.close()));
}

export function harness(initialState?: unknown): Harness {
  const win = new Window({ url: 'https://webview.test/' });
  open.push(win);
  const doc = win.document as unknown as Document;
  const root = doc.createElement('div');
  root.id = 'root';
  doc.body.appendChild(root);
  const posted: WebviewMessage[] = [];
  let state = initialState;
  const api = { postMessage: (m: WebviewMessage) => posted.push(m), getState: () => state, setState: (s: unknown) => { state = s; } };
  const dashboard = new Dashboard(win as unknown as globalThis.Window, api, root);
  const timers: (() => void)[] = [];
  dashboard.ctx.setTimeout = (f) => timers.push(f);
  dashboard.ctx.clearTimeout = (h) => {
    const i = (h as number) - 1;
    if (timers[i]) timers[i] = () => undefined;
  };
  dashboard.start();
  return {
    win, doc, root, dashboard, posted,
    state: () => state,
    flushTimers: () => timers.splice(0).forEach((f) => f()),
    send: (m) => {
      win.dispatchEvent(new win.MessageEvent('message', { data: m }));
    },
  };
}

export const q = (root: ParentNode, sel: string): Element => {
  const el = root.querySelector(sel);
  if (!el) throw new Error(`no element ${sel}`);
  return el;
};
export const texts = (root: ParentNode, sel: string): string[] => [...root.querySelectorAll(sel)].map((e) => (e.textContent ?? '').trim());
