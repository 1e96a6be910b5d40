// What the simulator saw and did, for tests to assert on and to print when one fails.
import type { DecodedSubmit } from '../../../../core/codecs/pdu/index.ts';

export interface SentMessage {
  /** The TP-MR the modem answered with (+CMGS: <mr>), not the one the TE wrote in the PDU. */
  mr: number;
  /** Hex as the TE sent it, SMSC prefix included. */
  pdu: string;
  tpduLength: number;
  decoded: DecodedSubmit;
  via: 'CMGS' | 'CMSS';
  at: Date;
}

export interface RejectedSend {
  pdu: string;
  cmsError: number;
  at: Date;
}

export interface TranscriptEntry {
  /** 'in': host to modem; 'out': modem to host. */
  dir: 'in' | 'out';
  data: Buffer;
  at: Date;
}

const TRANSCRIPT_LIMIT = 5000;

export class Journal {
  readonly commands: string[] = [];
  readonly sent: SentMessage[] = [];
  readonly rejectedSends: RejectedSend[] = [];
  readonly transcript: TranscriptEntry[] = [];

  record(dir: TranscriptEntry['dir'], data: Buffer | string): void {
    this.transcript.push({ dir, data: Buffer.isBuffer(data) ? Buffer.from(data) : Buffer.from(data, 'latin1'), at: new Date() });
    if (this.transcript.length > TRANSCRIPT_LIMIT) this.transcript.splice(0, this.transcript.length - TRANSCRIPT_LIMIT);
  }

  /** The conversation as readable text: one line per chunk, control characters escaped. */
  render(): string {
    return this.transcript.map((t) => `${t.dir === 'in' ? '>>' : '<<'} ${JSON.stringify(t.data.toString('latin1'))}`).join('\n');
  }
}
