// ANSI colours for the terminal, only when stdout is a TTY (issue #6): piped output and files
// stay plain text.
import type { LogStatus } from '../types';

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

/** A colour name known to paint(). */
export type Colour = keyof typeof CODES;

/** Wraps `text` in the colour's escape codes when `enabled`. */
export function paint(enabled: boolean, colour: Colour, text: string): string {
  return enabled ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

/** The colour of a record status (SPEC R60): green for success, yellow when handled, red otherwise. */
export function statusColour(status: LogStatus): Colour {
  if (status === 'SUCCESS') return 'green';
  if (status === 'HANDLED_ERROR') return 'yellow';
  return 'red';
}
