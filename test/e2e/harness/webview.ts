import type { FrameLocator, Locator } from 'playwright-core';

export interface WebviewContent { textChars: number; elements: number; visibleElements: number; text: string }

/** What a webview document renders: its text and how many elements take up space. */
export async function webviewContent(frame: FrameLocator, timeout = 15_000): Promise<WebviewContent> {
  const body = frame.locator('body');
  await body.waitFor({ state: 'attached', timeout });
  return body.evaluate((el: HTMLElement) => {
    const all = Array.from(el.querySelectorAll('*'));
    const visible = all.filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    });
    const text = el.innerText.trim();
    return { textChars: text.length, elements: all.length, visibleElements: visible.length, text };
  });
}

/**
 * Fails unless the webview renders at least `minTextChars` characters of visible text and
 * `minElements` visible elements, retrying until `timeout` (a dashboard renders after its data
 * arrives). A panel that loaded no script, or threw before painting, fails here.
 */
export async function expectWebviewNotBlank(
  frame: FrameLocator,
  { minTextChars = 20, minElements = 5, timeout = 15_000 } = {},
): Promise<WebviewContent> {
  const deadline = Date.now() + timeout;
  let last: WebviewContent | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await webviewContent(frame, Math.max(1000, deadline - Date.now()));
      if (last.textChars >= minTextChars && last.visibleElements >= minElements) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  const seen = last
    ? `${last.textChars} characters of text, ${last.visibleElements} visible elements: ${JSON.stringify(last.text.slice(0, 200))}`
    : `no document (${String(lastError)})`;
  throw new Error(`The webview looks blank: wanted >= ${minTextChars} characters and >= ${minElements} visible elements, saw ${seen}`);
}

/**
 * Scrolls the element into view, trying again when the node was replaced in between (a dashboard
 * renders again when a later part of its result arrives, and Playwright then reports the element
 * "not attached to the DOM" rather than resolving the locator anew).
 */
export async function scrollIntoView(target: Locator, attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.scrollIntoViewIfNeeded({ timeout: 10_000 });
      return;
    } catch (err) {
      if (attempt >= attempts || !/not attached/.test(String(err))) throw err;
      await target.page().waitForTimeout(300);
    }
  }
}
