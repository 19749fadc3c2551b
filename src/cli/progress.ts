import type { Terminal } from './context.js';

export interface Progress {
  /** `read` of `size` bytes (or items) done; rows received and rejected so far. */
  update(read: number, counts: { received: number; failed: number }): void;
  /** The last state, always shown. */
  done(): void;
}

/** On a terminal a bar redrawn in place; otherwise (a pipe, a log file, CI) a plain line this often at most. */
const PLAIN_EVERY_MS = 2_000;
const BAR_EVERY_MS = 100;

export function progressOn(terminal: Terminal, size: number, now: () => number = Date.now): Progress {
  const started = now();
  let shownAt = 0;
  let last: { read: number; received: number; failed: number } | undefined;
  /** The counts last shown, so that the final line is not the same line twice. */
  let shown = '';
  const line = () => {
    if (!last) return '';
    const percent = size ? Math.min(100, (last.read / size) * 100) : 100;
    const rate = last.received / Math.max(0.001, (now() - started) / 1000);
    const text = `${percent.toFixed(0).padStart(3)}%  ${last.received} rows, ${last.failed} rejected, ${rate.toFixed(0)}/s`;
    return terminal.stderrIsTTY ? `\r[${'#'.repeat(Math.round(percent / 4)).padEnd(25, '.')}] ${text}` : `${text}\n`;
  };
  return {
    update(read, counts) {
      last = { read, received: counts.received, failed: counts.failed };
      if (now() - shownAt < (terminal.stderrIsTTY ? BAR_EVERY_MS : PLAIN_EVERY_MS)) return;
      shownAt = now();
      shown = JSON.stringify(last);
      terminal.errRaw(line());
    },
    done() {
      if (!last) return;
      if (last.read < size) last.read = size;
      if (shown !== JSON.stringify(last)) terminal.errRaw(line());
      if (terminal.stderrIsTTY) terminal.errRaw('\n');
    },
  };
}
