// A received MMS in a user's POP3 mailbox, fetched with curl (a POP3 client nobody here wrote): the text
// is the body, every other part an attachment byte for byte with its name, type and Content-ID, the SMIL
// presentation only when smilAttachments asks for it; and the MMS parts of the shared vectors
// (../shared/vectors/mms) come back out of mailparser as they went in, and, forwarded with swaks to the
// MMS domain, make an MMS with the same parts again.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MMS_TYPES, isSmil, mediaType, typeAllowed, withSmil, type Part } from '../../../core/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { curlPop3, fetchAll } from '../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { readVectors } from '../../helpers/vectors.ts';
import { stored } from '../smtp/client.ts';
import { swaks } from '../../helpers/swaks.ts';
import { AMR, JPEG } from '../smtp/thunderbird-mail.ts';

const BOB = { name: 'bob', password: 'bob-pw', recipients: ['+15550001111'] };
const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-pop3-mms-'));
let plain: TestGateway;
let withSmilAttached: TestGateway;

beforeAll(async () => {
  plain = await startTestGateway({ smtp: false, users: [BOB] });
  withSmilAttached = await startTestGateway({ users: [BOB], pop3: { smilAttachments: true } });
});

afterAll(async () => {
  await plain?.stop();
  await withSmilAttached?.stop();
});

async function receive(gw: TestGateway, parts: Part[], subject?: string): Promise<void> {
  await gw.gateway.submit([{ direction: 'MO', kind: 'mms', from: '+15550003333', to: '+15550001111', ...(subject ? { subject } : {}), parts, via: 'test' }]);
}

const photoMms = () =>
  withSmil([
    { contentType: 'text/plain; charset=utf-8', data: Buffer.from('Greetings from the beach ☀', 'utf8') },
    { contentType: 'image/jpeg', name: 'photo.jpg', data: JPEG },
    { contentType: 'audio/amr', data: AMR },
  ]);

describe.skipIf(missingPeer('curl'))('an MMS fetched over POP3', () => {
  it('shows the text as the body, the image and sound attached byte for byte, and no SMIL', async () => {
    const parts = photoMms();
    await receive(plain, parts, 'Holiday (day 2)');
    const [mail, ...rest] = await fetchAll(plain.pop3Port, 'bob', 'bob-pw');
    expect(rest).toHaveLength(0);
    expect(mail!.subject).toBe('Holiday (day 2)');
    expect(mail!.from?.value[0]?.address).toBe('+15550003333@mms.localhost');
    expect(mail!.text?.trimEnd()).toBe('Greetings from the beach ☀');
    expect(mail!.attachments.map((a) => [a.contentType, a.filename, a.cid])).toEqual([
      ['image/jpeg', 'photo.jpg', parts[1]!.contentId],
      ['audio/amr', 'part-2.amr', parts[2]!.contentId],
    ]);
    expect(mail!.attachments[0]!.content.equals(JPEG)).toBe(true);
    expect(mail!.attachments[1]!.content.equals(AMR)).toBe(true);
  });

  it('attaches the SMIL too with smilAttachments, and names an MMS without a subject by its sender', async () => {
    const parts = photoMms();
    await receive(withSmilAttached, parts);
    const [mail] = await fetchAll(withSmilAttached.pop3Port, 'bob', 'bob-pw');
    expect(mail!.subject).toBe('MMS from +15550003333: Greetings from the beach ☀');
    expect(mail!.attachments.map((a) => a.contentType)).toEqual(['image/jpeg', 'audio/amr', 'application/smil']);
    expect(mail!.attachments[2]!.content.equals(parts[3]!.data)).toBe(true);
    expect(mail!.attachments[2]!.cid).toBe('smil');
  });
});

interface VectorPart {
  content_type: string | null;
  content_type_parameters?: Record<string, string> | null;
  data_text?: string;
  data_hex?: string;
}
interface Vector {
  id: string;
  expected?: { headers: Record<string, unknown>; parts?: VectorPart[] } | string | null;
}

/**
 * The vector's parts as the gateway stores a received MMS. The vectors give the bytes of text and SMIL
 * parts only; a media part without them gets this repository's real file of its type (JPEG, AMR), or
 * bytes that run through every octet value, so that binary transparency is what is tested.
 */
function partsOf(v: Vector): Part[] {
  const expected = v.expected as { parts: VectorPart[] };
  return expected.parts.map((p, i) => {
    const params = Object.fromEntries(Object.entries(p.content_type_parameters ?? {}).map(([k, val]) => [k.toLowerCase(), val]));
    const type = p.content_type ?? 'application/octet-stream';
    const contentType = params.charset && type.startsWith('text/') ? `${type}; charset=${params.charset}` : type;
    const data =
      p.data_hex !== undefined
        ? Buffer.from(p.data_hex, 'hex')
        : p.data_text !== undefined
          ? Buffer.from(p.data_text, 'utf8')
          : type === 'image/jpeg'
            ? JPEG
            : type === 'audio/amr'
              ? AMR
              : Buffer.from(Array.from({ length: 512 }, (_, k) => (k * 7 + i) & 0xff));
    return { contentType, data, ...(params.name ? { name: params.name } : {}) };
  });
}

const vectors = readVectors<{ vectors: Vector[] }>('mms/mms_pdu_vectors.json').vectors.filter(
  (v) => typeof v.expected === 'object' && v.expected !== null && Array.isArray(v.expected.parts) && v.expected.parts.length > 0,
);

describe.skipIf(missingPeer('curl') || missingPeer('swaks'))('the MMS parts of the shared vectors', () => {
  it('has vectors to test', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(10);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s: its e-mail reads back with every part as it was, and forwarded is the same MMS', async (_id, v) => {
    const parts = partsOf(v);
    const subject = (v.expected as { headers: { Subject?: string } }).headers.Subject;
    const gw = withSmilAttached;
    const before = (await fetchAll(gw.pop3Port, 'bob', 'bob-pw')).length;
    await receive(gw, parts, subject);
    const raw = await curlPop3(gw.pop3Port, 'bob', 'bob-pw', String(before + 1));
    const mail = await simpleParser(raw);

    const texts = parts.filter((p) => mediaType(p.contentType) === 'text/plain');
    const decode = (p: Part) => new TextDecoder(/charset=([^;\s]+)/i.exec(p.contentType)?.[1] ?? 'utf-8').decode(p.data);
    const text = texts.map(decode).join('\n').replace(/\r\n?/g, '\n');
    // A text's trailing line ends are the e-mail body's end: mailparser and nodemailer each have a say in those.
    expect((mail.text ?? '').trimEnd()).toBe(text.trimEnd());

    const attached = parts.filter((p) => mediaType(p.contentType) !== 'text/plain');
    expect(mail.attachments.map((a) => a.contentType)).toEqual(attached.map((p) => mediaType(p.contentType)));
    mail.attachments.forEach((a, i) => {
      expect(a.content.equals(attached[i]!.data), `${v.id} part ${i} (${a.contentType})`).toBe(true);
      if (attached[i]!.name) expect(a.filename).toBe(attached[i]!.name);
    });
    if (subject) expect(mail.subject).toBe(subject);

    // Forwarded as it came to the MMS domain: the same parts, its own SMIL kept, the text (tidied as every mail text is) first.
    if (!parts.every((p) => typeAllowed(p.contentType, DEFAULT_MMS_TYPES))) return;
    const file = path.join(dir, `${v.id}.eml`);
    writeFileSync(file, raw);
    const r = await swaks(gw.smtpPort, 'bob', 'bob-pw', ['--to', '447700900123@mms.localhost', '--data', `@${file}`]);
    expect(r.code, r.out).toBe(0);
    const [m] = await stored(gw, r.last);
    const sent = m!.parts.filter((p) => mediaType(p.contentType) !== 'text/plain');
    // A text-only MMS came without a presentation: the forward gets one made for it.
    if (!attached.some(isSmil)) expect(sent.pop()).toMatchObject({ contentType: 'application/smil', contentId: 'smil' });
    expect(sent.map((p) => [mediaType(p.contentType), p.data.toString('hex')])).toEqual(
      attached.map((p) => [mediaType(p.contentType), p.data.toString('hex')]),
    );
    const squash = (t: string) => t.replace(/\s+/g, ' ').trim();
    expect(squash(m!.text)).toBe(squash(text));
    if (subject) expect(m!.subject).toBe(subject);
  });
});
