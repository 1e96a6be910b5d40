// How the DCE reads its input, one byte at a time (V.250 §5.2.1 and 27.005 §3.5.1): in command
// state, a line ends at S3 and counts only from its "AT" prefix; after a "> " prompt, the text
// runs to Ctrl-Z (send) or ESC (cancel).

export type InputEvent = { kind: 'line'; raw: string; body: string } | { kind: 'repeat' } | { kind: 'body'; text: string; send: boolean };

const CTRL_Z = 0x1a;
const ESC = 0x1b;
const LF = 0x0a;
// Far beyond V.250's 40-character minimum; only a runaway sender reaches it.
const MAX_LINE = 4096;

export class LineDiscipline {
  mode: 'command' | 'prompt' = 'command';
  private buffer = '';
  private afterTerminator = false;

  reset(): void {
    this.mode = 'command';
    this.buffer = '';
    this.afterTerminator = false;
  }

  /** Whether the byte should be echoed back (under ATE1). */
  echoes(byte: number): boolean {
    if (this.mode === 'prompt') return byte !== CTRL_Z && byte !== ESC;
    return !(byte === LF && this.afterTerminator);
  }

  feed(byte: number, s3: number, s5: number): InputEvent | undefined {
    return this.mode === 'prompt' ? this.feedPrompt(byte) : this.feedCommand(byte, s3, s5);
  }

  private feedPrompt(byte: number): InputEvent | undefined {
    if (byte !== CTRL_Z && byte !== ESC) {
      this.buffer += String.fromCharCode(byte);
      return undefined;
    }
    const text = this.buffer;
    this.buffer = '';
    this.mode = 'command';
    return { kind: 'body', text, send: byte === CTRL_Z };
  }

  private feedCommand(byte: number, s3: number, s5: number): InputEvent | undefined {
    const afterTerminator = this.afterTerminator;
    this.afterTerminator = false;
    if (byte === s3) {
      const raw = this.buffer;
      this.buffer = '';
      this.afterTerminator = true;
      // Whatever came before the prefix is ignored, and a line without one is no command at all.
      const at = raw.search(/at/i);
      if (at < 0) return undefined;
      return { kind: 'line', raw: raw.slice(at), body: raw.slice(at + 2) };
    }
    if (byte === LF && afterTerminator) return undefined;
    if (byte === s5) {
      this.buffer = this.buffer.slice(0, -1);
      return undefined;
    }
    // Other control characters are ignored (V.250 §5.2.1), which also swallows a stray Ctrl-Z or ESC.
    if (byte < 0x20 || byte === 0x7f) return undefined;
    this.buffer += String.fromCharCode(byte);
    if (this.buffer.length > MAX_LINE) this.buffer = this.buffer.slice(-MAX_LINE);
    // "A/" repeats the previous command line at once, without waiting for S3 (V.250 §5.2.4).
    if (/a\/$/i.test(this.buffer) && !/at/i.test(this.buffer)) {
      this.buffer = '';
      return { kind: 'repeat' };
    }
    return undefined;
  }
}
