// `nowsms mms decode|encode`: the binary MMS codec from the command line, for an operator looking at what
// an MMSC sent and for scripts building PDUs (from the decode JSON or from an e-mail).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AddressObject } from 'mailparser';
import { decodeMms, encodeMms, isMmsError, mmsFromJson, mmsToJson, type MmsPartInput, type MmsPduInput } from './codecs/mms/index.ts';
import { NowsmsError } from './errors.ts';

export const MMS_HELP = `  nowsms mms decode <file|-> [--data]   (a binary MMS PDU as JSON: headers, parts with type/name/size, text of text parts; --data: parts' octets as base64)
  nowsms mms encode <file.json|file.eml|-> [--out <file>] [--eml] [--from <addr>]   (a PDU from that JSON or from an e-mail, as an m-send-req)`;

function usage(message: string): never {
  throw new NowsmsError('NOWSMS_ERR_USAGE', `${message}\n\n${MMS_HELP}\n`);
}

function readInput(path: string): Buffer {
  return path === '-' ? readFileSync(0) : readFileSync(path);
}

export async function mms(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { data: { type: 'boolean' }, out: { type: 'string' }, eml: { type: 'boolean' }, from: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (sub !== 'decode' && sub !== 'encode') usage(`unknown mms command: ${sub ?? '(none)'}`);
  const path = positionals[0];
  if (!path) usage(`mms ${sub} needs a file (or - for stdin)`);
  const input = readInput(path);
  try {
    if (sub === 'decode') {
      process.stdout.write(JSON.stringify(mmsToJson(decodeMms(input), { data: values.data ?? false }), null, 2) + '\n');
      return 0;
    }
    const pdu = values.eml || /\.eml$/i.test(path) ? await fromEml(input, values.from) : fromJson(input);
    const bytes = encodeMms(pdu);
    if (values.out) writeFileSync(values.out, bytes);
    else process.stdout.write(bytes);
    return 0;
  } catch (e) {
    if (isMmsError(e)) {
      process.stderr.write(`nowsms: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function fromJson(input: Buffer): MmsPduInput {
  let json: unknown;
  try {
    json = JSON.parse(input.toString('utf8'));
  } catch (e) {
    usage(`mms encode: the input is not JSON (${(e as Error).message}); give an .eml file or pass --eml for an e-mail`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) usage('mms encode: the JSON must be one object, as mms decode prints');
  return mmsFromJson(json as Record<string, unknown>);
}

/** An e-mail as the m-send-req a phone would send: `<phone>@<domain>` recipients become phone numbers. */
async function fromEml(input: Buffer, from: string | undefined): Promise<MmsPduInput> {
  // Loaded here, not at start-up: every other command would pay for it.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(input);
  const list = (a: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value).flatMap((v) => (v.address ? [recipient(v.address)] : []));
  const parts: MmsPartInput[] = [];
  if (mail.text !== undefined && mail.text.trim() !== '')
    parts.push({ contentType: 'text/plain; charset=utf-8', name: 'text.txt', contentId: 'text', data: Buffer.from(mail.text, 'utf8') });
  mail.attachments.forEach((a, i) => {
    parts.push({
      contentType: a.contentType,
      ...(a.filename ? { name: a.filename } : {}),
      contentId: a.cid ?? a.filename ?? `part${i + 1}`,
      data: a.content,
    });
  });
  const to = list(mail.to);
  if (to.length === 0) usage('mms encode: the e-mail has no To address');
  return {
    messageType: 'm-send-req',
    transactionId: randomBytes(8).toString('hex'),
    mmsVersion: '1.2',
    ...(from ? { from } : {}),
    to,
    ...(list(mail.cc).length > 0 ? { cc: list(mail.cc) } : {}),
    ...(mail.subject ? { subject: mail.subject } : {}),
    ...(mail.date ? { date: mail.date } : {}),
    parts,
  };
}

function recipient(address: string): string {
  const local = address.split('@')[0]!;
  return /^\+?[0-9]{3,20}$/.test(local) ? local : address;
}
