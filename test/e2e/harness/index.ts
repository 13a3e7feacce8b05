// The end-to-end harness: a real VS Code (code-server) with the packaged Loss Lens, driven by
// Chromium. Tests import from here; see test/e2e/README.md.
export { startE2EServer, THEMES, type E2EServer, type StartOptions, type ThemeName } from './server';
export { openWorkbench, Workbench, type OpenOptions, type Notification, type Problem, type Severity } from './workbench';
export { expectWebviewNotBlank, scrollIntoView, webviewContent, type WebviewContent } from './webview';
export { extensionHostLogs, extensionLogReport, logEntries } from './logs';
export { RESULTS_DIR, REPO_ROOT, e2eWorkspace, extensionId, manifest, vsixPath } from './paths';
export { sharedServer, stopSharedServer } from './shared';
