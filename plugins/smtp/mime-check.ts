// A pass over the raw mail, beside the parser, for the structure mistakes the parser hides by dropping
// content: a multipart without a boundary parameter or whose boundary never appears (mailparser then finds
// no part at all: the mail would become its subject alone), and a part boundary that is misspelt (the next
// part's headers and body would end up inside the text). Anything else the parser reads as well as it can.

const MAX_LINE = 1000;
const MAX_HEADER = 64 * 1024;
const MIME_HEADER = /^content-(?:type|transfer-encoding|disposition|id)\s*:/i;

interface Multipart {
  type: string;
  boundary: string;
  seen: boolean;
}

export class MimeCheck {
  private problem: string | undefined;
  private carry = '';
  private long = false;
  private inHeaders = true;
  private header = '';
  private stack: Multipart[] = [];
  /** In a leaf part's body inside a multipart, where a misspelt boundary would land. */
  private inLeaf = false;
  private suspect: string | undefined;
  private ended = false;

  write(chunk: Buffer): void {
    if (this.problem) return;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      // Most lines of a large mail are base64 that can be neither a boundary nor a header: skipped as bytes,
      // without becoming strings.
      if (this.carry || this.long || this.wanted(chunk, start)) {
        const line = this.long ? this.carry : (this.carry + chunk.toString('latin1', start, Math.min(nl, start + MAX_LINE))).slice(0, MAX_LINE);
        this.carry = '';
        this.long = false;
        this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (this.problem) return;
      } else this.suspect = undefined;
      start = nl + 1;
    }
    if (start < chunk.length && !this.long) {
      this.carry = (this.carry + chunk.toString('latin1', start, Math.min(chunk.length, start + MAX_LINE))).slice(0, MAX_LINE);
      // Only a line's start matters (boundaries and header names are short): the rest of a long line is skipped.
      if (this.carry.length >= MAX_LINE) this.long = true;
    }
  }

  /** Whether the line at `at` can matter: in headers, a line starting with "--", or the one after a suspect. */
  private wanted(chunk: Buffer, at: number): boolean {
    return this.inHeaders || this.suspect !== undefined || (chunk[at] === 0x2d && chunk[at + 1] === 0x2d) || at + 1 >= chunk.length;
  }

  /** The first structure mistake found, in words for the sender; undefined for a mail without one. */
  end(): string | undefined {
    if (this.ended) return this.problem;
    this.ended = true;
    if (this.carry && !this.problem) this.line(this.carry);
    this.carry = '';
    if (this.inHeaders && !this.problem) this.headersDone();
    if (!this.problem) {
      const lost = this.stack.find((m) => !m.seen);
      if (lost) this.problem = never(lost);
    }
    return this.problem;
  }

  private line(line: string): void {
    if (this.inHeaders) {
      if (line === '') return this.headersDone();
      if (this.header.length < MAX_HEADER) this.header += (/^[ \t]/.test(line) ? '' : '\n') + line;
      return;
    }
    if (line.startsWith('--')) {
      const bare = line.trimEnd();
      for (let i = this.stack.length - 1; i >= 0; i--) {
        const m = this.stack[i]!;
        if (bare === `--${m.boundary}`) return this.delimiter(i, false);
        if (bare === `--${m.boundary}--`) return this.delimiter(i, true);
      }
    }
    if (this.suspect !== undefined && MIME_HEADER.test(line)) {
      const m = this.stack[this.stack.length - 1]!;
      this.problem = `broken MIME boundary: the line ${JSON.stringify(this.suspect)} starts a part, but the boundary of its ${m.type} is ${JSON.stringify(m.boundary)}`;
      return;
    }
    const bare = line.trimEnd();
    this.suspect = this.inLeaf && bare.startsWith('--') && bare.length > 2 ? bare : undefined;
  }

  private delimiter(index: number, close: boolean): void {
    // Inner multiparts left open by an outer boundary are over: one that never used its boundary lost its content.
    for (const inner of this.stack.slice(index + 1)) {
      if (!inner.seen) {
        this.problem = never(inner);
        return;
      }
    }
    this.stack.length = index + 1;
    this.stack[index]!.seen = true;
    this.suspect = undefined;
    this.inLeaf = false;
    if (close) this.stack.pop();
    else {
      this.inHeaders = true;
      this.header = '';
    }
  }

  private headersDone(): void {
    this.inHeaders = false;
    const value = /\ncontent-type\s*:([^\n]*)/i.exec(this.header)?.[1] ?? '';
    this.header = '';
    const type = (/^\s*([^;\s]+)/.exec(value)?.[1] ?? 'text/plain').toLowerCase();
    if (!type.startsWith('multipart/')) {
      // A forwarded message/rfc822 is a whole mail of its own: its lines are not this level's business.
      this.inLeaf = this.stack.length > 0 && type !== 'message/rfc822';
      return;
    }
    const m = /;\s*boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/i.exec(value);
    const boundary = (m?.[1] ?? m?.[2] ?? '').replace(/\\(.)/g, '$1').trimEnd();
    if (!boundary) {
      this.problem = `malformed MIME: a ${type} part has no boundary parameter, so its parts cannot be found`;
      return;
    }
    this.stack.push({ type, boundary, seen: false });
    this.inLeaf = false;
  }
}

function never(m: Multipart): string {
  return `malformed MIME: the boundary ${JSON.stringify(m.boundary)} of a ${m.type} part never appears, so its parts cannot be found`;
}
