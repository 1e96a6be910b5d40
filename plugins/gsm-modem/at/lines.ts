// Bytes from the modem -> lines and prompts. V.250 frames responses as <CR><LF>text<CR><LF>, but real modems
// send bare CR, bare LF, LF CR, doubled terminators, NUL padding after power-up, and the `> ` prompt of
// AT+CMGS with no terminator at all. Data arrives in arbitrary chunks, so nothing here may assume that a
// chunk ends on a line boundary.

export type LineEvent =
  | { kind: 'line'; text: string }
  /** The `>` of 27.005 3.5.1: the modem waits for the PDU. Only reported while one is expected. */
  | { kind: 'prompt' }
  /** A line with control bytes in it, or one too long to be anything a modem says: not interpreted. */
  | { kind: 'garbage'; text: string };

/** Longer than the longest PDU line (+CMGL of a 176-octet PDU is ~360 hex digits) with room to spare. */
const MAX_LINE = 4096;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const SUB = 0x1a;
const PROMPT = 0x3e; // '>'
const SPACE = 0x20;

// Tab is harmless in text-mode bodies; SUB ends an echoed PDU. Any other C0 control or DEL means the line
// was mangled (wrong baud rate, line noise, a modem mid-reboot).
function isGarbage(bytes: Buffer): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== SUB) || b === 0x7f) return true;
  return false;
}

export class LineSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private promptWanted = false;
  private swallowSpace = false;

  /**
   * While true, a `>` at the start of a line is the prompt. Outside a prompt wait it is ordinary text (a
   * text-mode message body may start with it), so the engine switches this on only around AT+CMGS.
   */
  set expectPrompt(on: boolean) {
    this.promptWanted = on;
  }

  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let data = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i]!;
      if (i === start) {
        if (this.swallowSpace) {
          this.swallowSpace = false;
          if (b === SPACE) {
            start = i + 1;
            continue;
          }
        }
        if (b === NUL) {
          start = i + 1;
          continue;
        }
        if (b === PROMPT && this.promptWanted) {
          out.push({ kind: 'prompt' });
          this.promptWanted = false;
          this.swallowSpace = true;
          start = i + 1;
          continue;
        }
      }
      if (b === CR || b === LF) {
        const ev = i > start ? this.lineOf(data.subarray(start, i)) : undefined;
        if (ev) out.push(ev);
        start = i + 1;
      }
    }
    data = data.subarray(start);
    if (data.length > MAX_LINE) {
      out.push({ kind: 'garbage', text: data.subarray(0, 80).toString('latin1') + '…' });
      data = Buffer.alloc(0);
    }
    // Copy: the caller's chunk may be reused by the stream.
    this.buf = Buffer.from(data);
    return out;
  }

  /** Anything buffered without a terminator yet (a partial line), for diagnostics. */
  get pending(): string {
    return this.buf.toString('latin1');
  }

  /** Forget buffered bytes (after a reset the half line before it means nothing). */
  clear(): void {
    this.buf = Buffer.alloc(0);
    this.swallowSpace = false;
    this.promptWanted = false;
  }

  private lineOf(bytes: Buffer): LineEvent | undefined {
    // NUL padding inside a line is dropped, not treated as damage: some modems pad after a wake-up.
    let clean = bytes.includes(NUL) ? Buffer.from(bytes.filter((b) => b !== NUL)) : bytes;
    // An echoed PDU ends in the Ctrl-Z we sent.
    if (clean.at(-1) === SUB) clean = clean.subarray(0, -1);
    const text = clean.toString('latin1').trim();
    if (isGarbage(clean)) return { kind: 'garbage', text };
    if (text === '') return undefined;
    return { kind: 'line', text };
  }
}
