import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser, type BrowserServer, type FrameLocator, type Page } from 'playwright-core';
import { RESULTS_DIR } from './paths';
import { THEMES, type E2EServer, type ThemeName } from './server';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

export type Severity = 'info' | 'warning' | 'error';
export interface Notification { severity: Severity; message: string; source: string }
export interface Problem { severity: Severity; message: string; source: string; file: string; line: number | null; column: number | null }

/** The class VS Code puts on .monaco-workbench for each kind of theme. */
const THEME_CLASS: Record<ThemeName, string> = { dark: 'vs-dark', light: 'vs', highContrast: 'hc-black' };

export interface OpenOptions {
  /** Another folder than the server's workspace (code-server opens any folder by URL). */
  folder?: string;
  viewport?: { width: number; height: number };
  /**
   * Opens the window as an Extension Development Host: the extension at `extensionPath` (a
   * folder on the server) is loaded from source and, with `testsPath`, the extension host runs
   * that module's run() (as desktop VS Code's --extensionTestsPath does), then closes.
   */
  extensionDevelopment?: { extensionPath: string; testsPath?: string };
}

/** The workbench URL; the web workbench reads development options from a `payload` query. */
function workbenchUrl(server: E2EServer, options: OpenOptions): string {
  const url = server.folderUrl(options.folder);
  const dev = options.extensionDevelopment;
  if (!dev) return url;
  const remote = (path: string) => `vscode-remote://${new URL(server.url).host}${path}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(dev.extensionPath)]];
  if (dev.testsPath) payload.push(['extensionTestsPath', remote(dev.testsPath)]);
  return `${url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Chromium (by the PID it runs as) and one page on the workbench of a code-server. */
export async function openWorkbench(server: E2EServer, options: OpenOptions = {}): Promise<Workbench> {
  const viewport = options.viewport ?? { width: 1400, height: 900 };
  const browserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  let browser: Browser | undefined;
  try {
    browser = await chromium.connect(browserServer.wsEndpoint());
    const page = await browser.newPage({ viewport });
    const workbench = new Workbench(server, browserServer, browser, page);
    await page.goto(workbenchUrl(server, options));
    await waitForWorkbench(page);
    return workbench;
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await stopBrowser(browserServer);
    throw err;
  }
}

async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer lists the folder once the remote file system answers: the window is usable.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

async function stopBrowser(browserServer: BrowserServer): Promise<void> {
  const pid = browserServer.process().pid;
  const closed = browserServer.close().then(() => 'closed');
  const late = new Promise((res) => setTimeout(res, 5000, 'late'));
  if ((await Promise.race([closed, late])) === 'late' && pid !== undefined) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export class Workbench {
  constructor(
    readonly server: E2EServer,
    private readonly browserServer: BrowserServer,
    readonly browser: Browser,
    readonly page: Page,
  ) {}

  get browserPid(): number | undefined {
    return this.browserServer.process().pid;
  }

  private get quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the command palette with F1 (Ctrl+Shift+P if F1 is swallowed) and types `text`. */
  private async quickOpen(text: string): Promise<void> {
    // The widget seen visible just after F1 may be the last quick open still closing (a file just
    // opened through it): it then hides and the fill would wait for nothing, so F1 is pressed again.
    for (let attempt = 0; ; attempt++) {
      await this.page.keyboard.press('F1');
      if (!(await this.quickInput.isVisible())) {
        await this.quickInput.waitFor({ state: 'visible', timeout: 3000 }).catch(async () => {
          await this.page.keyboard.press('Control+Shift+P');
          await this.quickInput.waitFor({ state: 'visible', timeout: 10_000 });
        });
      }
      const filled = await this.quickInput.locator('input').fill(text, { timeout: 5000 }).then(() => true, (err: unknown) => {
        if (attempt >= 2) throw err;
        return false;
      });
      if (filled) return;
    }
  }

  private rows() {
    return this.quickInput.locator('.quick-input-list .monaco-list-row');
  }

  /** Waits until the quick-pick list stops changing; returns its rows' labels. */
  private async settledLabels(): Promise<string[]> {
    let previous = '';
    for (let i = 0; i < 40; i++) {
      await this.page.waitForTimeout(150);
      const labels = await this.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
      const key = labels.join('\n');
      if (key === previous && labels.length > 0) return labels;
      previous = key;
    }
    return previous === '' ? [] : previous.split('\n');
  }

  /**
   * The commands the palette lists for `query`, as it labels them ("Category: Title"). Until the
   * extension host has registered every contribution the palette may find nothing, so an empty
   * answer is retried for up to `timeout` ms.
   */
  async paletteItems(query: string, timeout = 15_000): Promise<string[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.quickOpen(`>${query}`);
      const labels = (await this.settledLabels()).filter((l) => l !== 'No matching commands');
      await this.page.keyboard.press('Escape');
      if (labels.length > 0 || Date.now() > deadline) return labels;
      await this.page.waitForTimeout(500);
    }
  }

  /** Runs the palette command labelled exactly `title` (e.g. "Loss Lens: Compute Loss"). */
  async runCommand(title: string, timeout = 20_000): Promise<void> {
    const deadline = Date.now() + timeout;
    const exact = new RegExp(`^${escapeRegExp(title)}$`);
    for (;;) {
      await this.quickOpen(`>${title}`);
      const row = this.rows().filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
      const found = await row.waitFor({ timeout: 3000 }).then(() => true, () => false);
      if (found) {
        await row.click();
        await this.quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
        await this.parkMouse();
        return;
      }
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) {
        throw new Error(`The command palette has no "${title}"; it lists ${JSON.stringify(await this.paletteItems(title, 0))}`);
      }
    }
  }

  /**
   * Runs the palette command labelled exactly `title` that asks something next (a quick pick, or
   * code-server's save dialog, which is a quick input): returns once the palette gave way to it.
   */
  async runCommandThatAsks(title: string, timeout = 20_000): Promise<void> {
    const deadline = Date.now() + timeout;
    const exact = new RegExp(`^${escapeRegExp(title)}$`);
    for (;;) {
      await this.quickOpen(`>${title}`);
      const row = this.rows().filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
      if (await row.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
        await row.click();
        const input = this.quickInput.locator('input');
        await this.page.waitForFunction(
          (el) => el instanceof HTMLInputElement && !el.value.startsWith('>') && el.offsetParent !== null,
          await input.elementHandle(),
          { timeout: 10_000 },
        );
        return;
      }
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`The command palette has no "${title}"`);
    }
  }

  /** Chooses the row of the quick pick on screen whose label is `label` (or matches it). */
  async pickItem(label: string | RegExp): Promise<void> {
    const name = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    const row = this.rows().filter({ has: this.page.locator('.label-name', { hasText: name }) }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
  }

  /**
   * Replaces the text of the quick input on screen and accepts it with Enter (a path typed into
   * code-server's file dialogs); returns once the input has closed.
   */
  async answerInput(text: string, timeout = 20_000): Promise<void> {
    const input = this.quickInput.locator('input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    // A file dialog fills in its default path once it has read the folder: typing before that is overwritten.
    await this.page.waitForFunction((el) => el instanceof HTMLInputElement && el.value !== '', await input.elementHandle(), { timeout: 10_000 }).catch(() => undefined);
    await this.page.waitForTimeout(800);
    await input.fill(text);
    // The dialog validates the path as it is typed; Enter before that is ignored.
    await this.page.waitForTimeout(500);
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout });
  }

  /**
   * Opens a workspace file through Quick Open (Ctrl+P's list, which needs ripgrep); `editor`:
   * 'custom' for a file that opens in a webview editor (a binary file's preview), not text.
   */
  async openFile(relativePath: string, editor: 'text' | 'custom' = 'text'): Promise<void> {
    const name = basename(relativePath);
    await this.quickOpen(relativePath);
    const row = this.rows().filter({ has: this.page.locator('.label-name', { hasText: name }) });
    await row.first().waitFor({ timeout: 15_000 });
    await row.first().click();
    await this.parkMouse();
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ timeout: 15_000 });
    if (editor === 'text') await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  /**
   * Moves the mouse to the empty middle of the activity bar: left over a tab or a file (where
   * a clicked palette row was) it raises a tooltip that covers screenshots and confuses hoverAt.
   */
  async parkMouse(): Promise<void> {
    const box = await this.page.locator('.part.activitybar').boundingBox();
    if (box) await this.page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.6);
  }

  /**
   * Moves the cursor of the active editor to line:column (1-based), shows the hover there
   * (Show or Focus Hover, as keyboard users do) and returns its text once providers answered.
   */
  async hoverAt(line: number, column = 1, timeout = 20_000): Promise<string> {
    const editor = this.page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines').click();
    await this.page.keyboard.press('Control+G');
    await this.quickInput.waitFor({ state: 'visible', timeout: 10_000 });
    await this.quickInput.locator('input').fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden' });
    await this.parkMouse();
    const hover = editor.locator('.monaco-hover:not(.hidden)').first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.runCommand('Show or Focus Hover');
      const shown = await hover.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
      const text = shown ? (await hover.innerText()).trim() : '';
      // A language server still starting answers "Loading..." or "(loading...) ..." first.
      if (text !== '' && !/loading\.\.\./i.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`No hover at ${line}:${column} (last: ${JSON.stringify(text)})`);
      await this.page.keyboard.press('Escape');
      await this.page.waitForTimeout(500);
    }
  }

  /**
   * The notification toasts on screen now. VS Code shows no second toast for a message that is
   * still in the notification centre: clearNotifications() first to see a repeat.
   */
  async notifications(): Promise<Notification[]> {
    return readNotifications(this.page, '.notifications-toasts.visible');
  }

  /** Every notification of the session, including toasts that have faded (the notification center). */
  async allNotifications(): Promise<Notification[]> {
    await this.runCommand('Notifications: Show Notifications');
    await this.page.locator('.notifications-center.visible').waitFor();
    const all = await readNotifications(this.page, '.notifications-center');
    await this.runCommand('Notifications: Hide Notifications');
    return all;
  }

  async waitForNotification(message: string | RegExp, timeout = 20_000): Promise<Notification> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = (await this.notifications()).find((n) => (typeof message === 'string' ? n.message.includes(message) : message.test(n.message)));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`No notification matching ${String(message)}; on screen: ${JSON.stringify(await this.notifications())}`);
      }
      await this.page.waitForTimeout(200);
    }
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** The Problems panel's markers, in the order it lists them (it is opened to read them). */
  async problems(): Promise<Problem[]> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    await this.page.waitForTimeout(300);
    return panel.locator('.monaco-list-row').evaluateAll((rows) => {
      const out: { severity: 'info' | 'warning' | 'error'; message: string; source: string; file: string; line: number | null; column: number | null }[] = [];
      let file = '';
      // No named helper in here: tsx would wrap it in a __name() the page does not define.
      for (const row of rows) {
        // Level 1 rows are files, level 2 their markers.
        if (row.getAttribute('aria-level') === '1') {
          file = (row.querySelector('.label-name')?.textContent ?? '').trim();
          continue;
        }
        const icon = row.querySelector('.marker-icon')?.className ?? '';
        const severity = icon.includes('error') ? 'error' : icon.includes('warning') ? 'warning' : 'info';
        const pos = /Ln (\d+), Col (\d+)/.exec((row.querySelector('.marker-line')?.textContent ?? '').trim());
        out.push({
          severity, message: (row.querySelector('.marker-message')?.textContent ?? '').trim(), source: (row.querySelector('.marker-source')?.textContent ?? '').trim(), file,
          line: pos ? Number(pos[1]) : null, column: pos ? Number(pos[2]) : null,
        });
      }
      return out;
    });
  }

  /**
   * Writes the color theme into the user settings.json and reloads the window: code-server
   * does not notice a settings.json edited behind its back until the window reloads.
   */
  async setTheme(theme: ThemeName): Promise<void> {
    this.server.setSettings({ 'workbench.colorTheme': THEMES[theme] });
    await this.reload();
    await this.page.locator(`.monaco-workbench.${THEME_CLASS[theme]}`).waitFor({ timeout: 30_000 });
  }

  /** Reloads the window (a fresh workbench on the same server and profile). */
  async reload(): Promise<void> {
    await this.page.reload();
    await waitForWorkbench(this.page);
  }

  /** A full-window screenshot under test-results/e2e/; returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${name}.png`);
    // A toast caught mid fade-in is half transparent: wait for the animations to finish.
    await this.page
      .waitForFunction(() => !document.querySelector('.notification-toast:not(.notification-fade-in-done)'), undefined, { timeout: 5000 })
      .catch(() => undefined);
    await this.page.screenshot({ path });
    return path;
  }

  /** The content document of the index-th visible webview (VS Code nests it in two iframes). */
  webview(index = 0): FrameLocator {
    return this.page.locator('iframe.webview.ready').nth(index).contentFrame().locator('iframe#active-frame').contentFrame();
  }

  /** The content document of the webview on screen: dashboards of other files stay in the DOM, hidden behind their tabs. */
  visibleWebview(): FrameLocator {
    return this.page.locator('iframe.webview.ready:visible').first().contentFrame().locator('iframe#active-frame').contentFrame();
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await stopBrowser(this.browserServer);
  }
}

async function readNotifications(page: Page, container: string): Promise<Notification[]> {
  return page.locator(`${container} .notification-list-item`).evaluateAll((items) =>
    items.filter((item) => item.checkVisibility()).map((item) => {
      const icon = item.querySelector('.notification-list-item-icon')?.className ?? '';
      const severity: 'info' | 'warning' | 'error' = icon.includes('codicon-error') ? 'error' : icon.includes('codicon-warning') ? 'warning' : 'info';
      return {
        severity,
        message: (item.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
        source: (item.querySelector('.notification-list-item-source')?.textContent ?? '').trim(),
      };
    }),
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
