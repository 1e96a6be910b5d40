// Unsolicited lines that real modems put on the line whenever they like: vendor status reports
// (Huawei ^RSSI, ^MODE, ^BOOT), indicator events, a RING, empty lines. A gateway must step over them
// wherever they land, including between a command's echo, its response and its final result code.
import { pick, type Random } from './random.ts';

export const DEFAULT_NOISE_LINES: readonly string[] = ['RING', '+CREG: 1', '^RSSI:12', '^BOOT:20341079,0,0,0,75', '+CIEV: 1,2', '^MODE:5,4', ''];

export interface NoiseOptions {
  /** Chance, 0-1, that a noise line is put at each place one may go. Default 0.3. */
  probability?: number;
  lines?: readonly string[];
}

export class Noise {
  enabled: boolean;
  probability: number;
  lines: readonly string[];

  constructor(
    opts: boolean | NoiseOptions | undefined,
    private readonly random: Random,
  ) {
    this.enabled = opts !== undefined && opts !== false;
    const o = typeof opts === 'object' ? opts : {};
    this.probability = o.probability ?? 0.3;
    this.lines = o.lines ?? DEFAULT_NOISE_LINES;
  }

  /** Framed noise for one place in the output, usually nothing. */
  maybe(): string {
    if (!this.enabled || this.random() >= this.probability) return '';
    return this.line();
  }

  /** One framed noise line, as a URC would be framed (an empty line is a bare CR LF). */
  line(text = pick(this.random, this.lines)): string {
    return text === '' ? '\r\n' : `\r\n${text}\r\n`;
  }

  garbage(count: number): Buffer {
    const out = Buffer.alloc(count);
    for (let i = 0; i < count; i++) out[i] = Math.floor(this.random() * 256);
    return out;
  }
}
