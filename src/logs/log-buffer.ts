// One invocation's captured console text (SPEC R61): `<ISO time>\t<LEVEL>\t<message>` lines, at
// most 4 KB, keeping the end. Lines are kept whole until text() is asked for, and dropped from
// the front as soon as what is left is enough to fill the cap, so a chatty function costs
// O(cap) memory, not O(output).

/** A console level as HubSpot's logs show it (SPEC R61). */
export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

/** The default cap: HubSpot keeps at most 4 KB of log text per invocation (SPEC R61). */
export const MAX_LOG_BYTES = 4096;

/** Collects one invocation's console lines, capped at `maxBytes` of UTF-8, keeping the end (SPEC R61). */
export class LogBuffer {
  private readonly maxBytes: number;
  private lines: string[] = [];
  private sizes: number[] = [];
  private head = 0;
  private bytes = 0;

  constructor(maxBytes: number = MAX_LOG_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** Adds one line, stamped with the current time (SPEC R61). */
  push(level: LogLevel, message: string): void {
    const line = `${new Date().toISOString()}\t${level}\t${message}\n`;
    const size = Buffer.byteLength(line);
    this.lines.push(line);
    this.sizes.push(size);
    this.bytes += size;
    // Drop whole lines from the front while the rest still fills the cap.
    while (this.bytes - this.sizes[this.head] >= this.maxBytes) {
      this.bytes -= this.sizes[this.head];
      this.head++;
    }
    // Compact now and then so dropped lines are freed (amortised O(1) per push).
    if (this.head > 64 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  /** The captured text, at most `maxBytes` bytes, keeping the end (SPEC R61). */
  text(): string {
    const text = this.head === 0 ? this.lines.join('') : this.lines.slice(this.head).join('');
    if (this.bytes <= this.maxBytes) return text;
    return keepLastBytes(text, this.maxBytes);
  }
}

/** The last `maxBytes` bytes of `text`, never starting inside a UTF-8 sequence. */
function keepLastBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  let start = bytes.length - maxBytes;
  // A continuation byte is 10xxxxxx: skip forward to the start of a whole character.
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString();
}
