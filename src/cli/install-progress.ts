// `install`'s progress (issue #11): on a terminal one live line names what runs and for how long,
// redrawn in place, with a permanent line per folder as it finishes; in a log (CI, a pipe) plain
// lines only: one when a folder starts, one when it ends.
import { writeLine, type CliIo } from './cli-io';
import { paint } from './paint';

/** Reports folders as they start and finish. */
export interface InstallProgress {
  /** A folder started; `what` says what it installs. */
  start(label: string, what: string): void;
  /** What a running folder does now (e.g. npm's latest line). */
  update(label: string, what: string): void;
  /** A folder finished: `lines` are printed for good (its result, and npm's error on a failure). */
  done(label: string, lines: readonly string[]): void;
  /** Clears the live line; nothing is drawn after. */
  finish(): void;
}

const REDRAW_MS = 250;

/** Seconds with one decimal, for "elapsed" figures. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Creates the reporter for `total` folders.
 * @param now the clock (tests pass their own)
 */
export function createInstallProgress(io: CliIo, total: number, now: () => number = Date.now): InstallProgress {
  const running = new Map<string, { what: string; started: number }>();
  let finished = 0;
  const live = io.tty === true;
  const width = (): number => Math.max(40, ((io.stdout as { columns?: number }).columns ?? 100) - 1);
  const draw = (): void => {
    if (!live || running.size === 0) return;
    const items = [...running].map(([label, r]) => `${label} (${r.what}, ${seconds(now() - r.started)})`);
    const text = `[${finished}/${total}] ${items.join('; ')}`;
    io.stdout.write(`\r\u001b[2K${paint(io.color, 'dim', text.length > width() ? `${text.slice(0, width() - 1)}…` : text)}`);
  };
  const clear = (): void => {
    if (live) io.stdout.write('\r\u001b[2K');
  };
  const timer = live ? setInterval(draw, REDRAW_MS) : undefined;
  timer?.unref();
  return {
    start(label, what) {
      running.set(label, { what, started: now() });
      if (live) draw();
      else writeLine(io.stdout, `${label}: ${what}...`);
    },
    update(label, what) {
      const r = running.get(label);
      if (r !== undefined) r.what = what;
    },
    done(label, lines) {
      running.delete(label);
      finished++;
      clear();
      for (const line of lines) writeLine(io.stdout, line);
      draw();
    },
    finish() {
      if (timer !== undefined) clearInterval(timer);
      clear();
    },
  };
}
