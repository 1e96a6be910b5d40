// The DATA stream handed on to the parser as it arrives, never whole in memory: each chunk is counted
// against the size limit and the server's bytes in flight, and seen by the structure check. Past a limit
// the rest is read and dropped (the client must be allowed to finish sending before it can hear the
// reply) and the parser gets no more: what it holds is let go as soon as it finishes.
import { PassThrough, type Readable } from 'node:stream';
import type { Hold } from './in-flight.ts';
import { MimeCheck } from './mime-check.ts';

/** `aborted`: the client went away before the end of DATA (the mail must not be taken truncated). */
export type DataVerdict = 'ok' | 'too-big' | 'busy' | 'aborted';

export interface DataResult {
  verdict: DataVerdict;
  /** The bytes of DATA the client sent (all of them, also past a limit). */
  bytes: number;
  /** A structure mistake that makes the parser drop content (see mime-check.ts). */
  mimeProblem?: string;
}

export interface DataIntake {
  /** What the parser reads: the mail up to the first limit hit. */
  body: Readable;
  /** Settles when the client has finished sending (or gone). */
  done: Promise<DataResult>;
  /** The parser gave up: read the rest and drop it, so that the session can answer. */
  abandon(): void;
}

export function takeData(input: Readable, maxBytes: number, hold: Hold): DataIntake {
  const body = new PassThrough();
  const check = new MimeCheck();
  let bytes = 0;
  let verdict: DataVerdict = 'ok';
  let feeding = true;
  const stopFeeding = () => {
    if (!feeding) return;
    feeding = false;
    body.end();
    input.resume();
  };
  const done = new Promise<DataResult>((resolve) => {
    let ended = false;
    const finish = () => {
      if (!ended && verdict === 'ok') verdict = 'aborted';
      stopFeeding();
      const mimeProblem = verdict === 'ok' ? check.end() : undefined;
      resolve({ verdict, bytes, ...(mimeProblem ? { mimeProblem } : {}) });
    };
    input.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!feeding) return;
      if (bytes > maxBytes) verdict = 'too-big';
      else if (!hold.ensure(bytes)) verdict = 'busy';
      if (verdict !== 'ok') {
        // Given back at once: the other mails in flight may use the room.
        hold.release();
        return stopFeeding();
      }
      check.write(chunk);
      if (!body.write(chunk)) {
        input.pause();
        body.once('drain', () => input.resume());
      }
    });
    input.once('end', () => {
      ended = true;
      finish();
    });
    input.once('close', finish);
    input.once('error', finish);
  });
  return {
    body,
    done,
    abandon() {
      stopFeeding();
    },
  };
}
