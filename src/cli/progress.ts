/** A one-line progress bar on a terminal's stderr, shown only once a read takes a while. */

const SHOW_AFTER_MS = 400;
const WIDTH = 30;

export interface Progress {
  update(done: number, total: number | undefined): void;
  /** A step of the work after the read ("fitting the temperature: pass 2"), in place of the bar. */
  say(message: string): void;
  clear(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream, label: string): Progress {
  const started = Date.now();
  let shown = false;
  let lastDraw = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - started < SHOW_AFTER_MS || now - lastDraw < 100) return;
      lastDraw = now;
      shown = true;
      const mb = (done / 1e6).toFixed(0);
      if (total && total > 0) {
        const f = Math.min(1, done / total);
        const bar = '#'.repeat(Math.round(f * WIDTH)).padEnd(WIDTH, '.');
        stream.write(`\r${label} [${bar}] ${(f * 100).toFixed(0).padStart(3)}% ${mb} MB`);
      } else {
        stream.write(`\r${label} ${mb} MB read`);
      }
    },
    say(message) {
      shown = true;
      stream.write(`\r\x1b[2K${message}`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}

export const silentProgress: Progress = { update() {}, say() {}, clear() {} };
