// A scripted modem for the recorded AT transcripts: on the far end of a socat pty pair it answers each
// command the engine writes with what the real modem said in the recording. Commands the recording does
// not have (a delete the recorder's library skipped) get OK and are listed; anything else gets ERROR.
import { SerialPort } from 'serialport';

export type Step = { tx: string; note?: string } | { rx: string[] };

export interface Responder {
  /** Commands the engine wrote, in order. */
  written: string[];
  /** Written commands the transcript did not have, answered OK because they are harmless (CMGD, CPMS). */
  extras: string[];
  /** Written commands that matched nothing, answered ERROR. */
  unexpected: string[];
  /** Transcript tx steps never written (optional ones excluded). */
  missing(): string[];
  /** Resolves once every tx step has been matched (or skipped as optional). */
  done: Promise<void>;
  close(): Promise<void>;
}

/** A command line ends at CR; the text after a prompt ends at Ctrl-Z. */
function endOfCommand(buf: string): number {
  const ends = [buf.indexOf('\r'), buf.indexOf('\x1a')].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : -1;
}

const HARMLESS = /^AT\+(CMGD|CPMS)=/;

function pattern(tx: string): RegExp {
  const escaped = tx.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    '^' +
      escaped
        .replace('<tpdu_length>', '\\d+')
        .replace('<pdu hex>', '[0-9A-F]+')
        // AT+CMGD=<index>,0 and AT+CMGD=<index> delete the same message (27.005 3.5.4: <delflag> 0 is the default).
        .replace(/^AT\\\+CMGD=(\d+),0/, 'AT\\+CMGD=$1(,0)?') +
      '$',
  );
}

const optional = (s: Step) => 'tx' in s && /if needed|only if/i.test(s.note ?? '');

function frame(line: string): string {
  // The prompt has no terminator after it (27.005 3.5.1); everything else is <CR><LF>text<CR><LF>.
  return line === '> ' ? '\r\n> ' : `\r\n${line}\r\n`;
}

export async function startResponder(path: string, steps: Step[]): Promise<Responder> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const script = [...steps];
  const r: Responder & { finish?: () => void } = {
    written: [],
    extras: [],
    unexpected: [],
    missing: () => script.filter((s) => 'tx' in s && !optional(s)).map((s) => (s as { tx: string }).tx),
    done: Promise.resolve(),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
  r.done = new Promise<void>((resolve) => (r.finish = resolve));
  const checkDone = () => {
    if (r.missing().length === 0) r.finish!();
  };

  const emitRx = async () => {
    let first = true;
    while (script[0] && 'rx' in script[0]) {
      const { rx } = script.shift() as { rx: string[] };
      // Separate rx blocks are separate moments in the recording (an answer, then later an indication).
      if (!first) await new Promise((res) => setTimeout(res, 30));
      first = false;
      port.write(rx.map(frame).join(''));
    }
  };

  const onCommand = async (cmd: string) => {
    r.written.push(cmd);
    for (;;) {
      const next = script[0];
      if (next && 'tx' in next && pattern(next.tx).test(cmd)) {
        script.shift();
        if (script[0] && 'rx' in script[0]) await emitRx();
        else port.write(frame('OK'));
        break;
      }
      if (next && optional(next)) {
        const after = script[1];
        if (after && 'tx' in after && pattern(after.tx).test(cmd)) {
          script.shift();
          continue;
        }
      }
      if (HARMLESS.test(cmd)) {
        r.extras.push(cmd);
        port.write(frame('OK'));
      } else {
        r.unexpected.push(cmd);
        port.write(frame('ERROR'));
      }
      break;
    }
    checkDone();
  };

  let buf = '';
  let chain = Promise.resolve();
  port.on('data', (chunk: Buffer) => {
    buf += chunk.toString('latin1');
    for (let i = endOfCommand(buf); i >= 0; i = endOfCommand(buf)) {
      const cmd = buf.slice(0, i + 1);
      buf = buf.slice(i + 1);
      chain = chain.then(() => onCommand(cmd));
    }
  });
  await emitRx();
  checkDone();
  return r;
}
