// Text-mode answers (AT+CMGF=1, 27.005 3.4.3/4.1). The gateway runs modems in PDU mode, which carries every
// alphabet and the concatenation header; this parser exists for modems and captures that only speak text
// mode, and keeps the engine honest against recorded text-mode transcripts.
import { fieldsOf, intOf, prefixOf, type Field } from '../at/params.ts';

export interface TextStatusReport {
  firstOctet: number | undefined;
  reference: number | undefined;
  recipient: string | undefined;
  scTimestamp: Date | undefined;
  dischargeTime: Date | undefined;
  /** TP-ST as carried. */
  status: number | undefined;
}

export interface TextStored {
  index: number | undefined;
  /** <stat> as the modem wrote it ("REC UNREAD"), undefined when left empty. */
  status: string | undefined;
  number?: string;
  time?: Date;
  text?: string;
  report?: TextStatusReport;
}

/** `yy/MM/dd,hh:mm:ss±zz`, the zone in quarter hours (27.005 3.3.1 <scts>, as 27.007's +CCLK). */
export function parseTextTimestamp(value: string | undefined): Date | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{2}),(\d{2}):(\d{2}):(\d{2})([+-])(\d{1,2})$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const [, yy, mo, dd, hh, mi, ss, sign, zz] = m;
  const offsetMin = (sign === '-' ? -1 : 1) * Number(zz) * 15;
  const utc = Date.UTC(2000 + Number(yy), Number(mo) - 1, Number(dd), Number(hh), Number(mi), Number(ss));
  return new Date(utc - offsetMin * 60_000);
}

const value = (f: Field | undefined): string | undefined => (f && f.value !== '' ? f.value : undefined);

function isReport(fields: Field[], at: number): boolean {
  // A status report's second field is <fo>, a bare number; a received message's is the quoted <oa>.
  return fields.length >= at + 7 && fields[at + 1]?.quoted === false && intOf(fields[at + 1]) !== undefined;
}

function headerOf(line: string, withIndex: boolean, index: number | undefined): TextStored {
  const f = fieldsOf(line);
  const at = withIndex ? 1 : 0;
  const base = { index: withIndex ? intOf(f[0]) : index, status: value(f[at]) };
  if (isReport(f, at)) {
    return {
      ...base,
      report: {
        firstOctet: intOf(f[at + 1]),
        reference: intOf(f[at + 2]),
        recipient: value(f[at + 3]),
        scTimestamp: parseTextTimestamp(value(f[at + 5])),
        dischargeTime: parseTextTimestamp(value(f[at + 6])),
        status: intOf(f[at + 7]),
      },
    };
  }
  const number = value(f[at + 1]);
  const time = parseTextTimestamp(value(f[at + 3]));
  return { ...base, ...(number !== undefined ? { number } : {}), ...(time ? { time } : {}) };
}

/** Headers with the body lines that follow each (a body with line breaks arrives as several lines). */
export function parseTextStored(lines: string[], command: '+CMGR' | '+CMGL', index?: number): TextStored[] {
  const out: TextStored[] = [];
  let body: string[] | undefined;
  const close = () => {
    const last = out.at(-1);
    if (last && body && !last.report) last.text = body.join('\n');
  };
  for (const line of lines) {
    if (prefixOf(line) === command) {
      close();
      out.push(headerOf(line, command === '+CMGL', index));
      body = [];
    } else body?.push(line);
  }
  close();
  return out;
}
