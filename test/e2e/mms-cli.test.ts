// `nowsms mms decode|encode` as an operator runs it: a real process, files and stdin, exit codes, stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/process.ts';
import { mmsVector, pduBytes } from '../core/codecs/mms/mms-vectors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'nowsms-mms-cli-'));
function file(name: string, data: Buffer | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** The CLI with binary stdin (the helper's input is text). */
function cliBinary(args: string[], input: Buffer): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/nowsms.js'), ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonPart {
  contentType: string;
  size: number;
  name?: string;
  contentId?: string;
  charset?: string;
  text?: string;
  data?: string;
}

describe('nowsms mms', () => {
  it('decode prints one JSON object: the headers, and each part with its type, size, name and the text of text parts', () => {
    const bytes = pduBytes(mmsVector('pm-BTMMS'));
    const r = cli(['mms', 'decode', file('btmms.mms', bytes)]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { parts: JsonPart[] } & Record<string, unknown>;
    expect(json).toMatchObject({ messageType: 'm-retrieve-conf', mmsVersion: '1.0', subject: 'BT Ignite MMS', date: '2003-01-21T01:57:04.000Z' });
    expect(json.parts.map((p) => [p.contentType, p.name])).toEqual([
      ['application/smil', 'btmms.smil'],
      ['image/gif', 'btlogo.gif'],
      ['audio/amr', 'catchy_g.amr'],
      ['text/plain', 'btmms.txt'],
    ]);
    expect(json.parts[1]!.size).toBe(10430);
    expect(json.parts[1]!.text).toBeUndefined();
    expect(json.parts[3]!.text).toBe('BT Ignite\r\n\r\nMMS Services');
  });

  it('decode - reads stdin: an m-notification-ind with its sender, size, expiry and content location', () => {
    const r = cliBinary(['mms', 'decode', '-'], pduBytes(mmsVector('pm-wap-notification-1')));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      messageType: 'm-notification-ind',
      transactionId: 'NOK5CiKcoTMYSG4MBSwAAsKv14FUHAAAAAAAA',
      mmsVersion: '1.0',
      from: '+447785342749',
      addressTypes: { '+447785342749': 'PLMN' },
      messageClass: 'personal',
      messageSize: 29696,
      expiry: { relativeSeconds: 72000 },
      contentLocation: 'http://promms/servlets/NOK5CiKcoTMYSG4MBSwAAsKv14FUHAAAAAAAA',
    });
  });

  it('a refused PDU exits 1 with the reason and the offset on stderr, nothing on stdout', () => {
    const html = cli(['mms', 'decode', file('error.html', '<html><head><title>719</title></head></html>')]);
    expect(html.status).toBe(1);
    expect(html.stdout).toBe('');
    expect(html.stderr).toMatch(/NOWSMS_ERR_MMS_PDU: not an MMS PDU: offset 0 holds 0x3C/);
    const cut = cli(['mms', 'decode', file('cut.mms', pduBytes(mmsVector('pm-SIMPLE')).subarray(0, 100))]);
    expect(cut.status).toBe(1);
    expect(cut.stderr).toMatch(/multipart entry 1 data: needs 58 octets but only \d+ remain at offset \d+/);
  });

  it('encode builds a PDU from JSON on stdin (text as text, a picture as base64) that decodes to the same parts', () => {
    const jpeg = readFileSync(path.join(ROOT, 'test/fixtures/photo.jpg'));
    const json = {
      messageType: 'm-send-req',
      transactionId: 'cli-1',
      to: ['+4712345678'],
      subject: 'Hilsen fra hytta',
      parts: [
        { contentType: 'text/plain', contentId: 'txt', text: 'Hei, her er bildet 🏔️' },
        { contentType: 'image/jpeg', name: 'photo.jpg', contentId: 'pic', data: jpeg.toString('base64') },
      ],
    };
    const out = path.join(dir, 'built.mms');
    const e = cli(['mms', 'encode', '-', '--out', out], { input: JSON.stringify(json) });
    expect(e.status, e.stderr).toBe(0);
    const d = cli(['mms', 'decode', out, '--data']);
    expect(d.status, d.stderr).toBe(0);
    const back = JSON.parse(d.stdout) as { parts: JsonPart[] } & Record<string, unknown>;
    expect(back).toMatchObject({
      messageType: 'm-send-req',
      transactionId: 'cli-1',
      mmsVersion: '1.2',
      to: ['+4712345678'],
      subject: 'Hilsen fra hytta',
      fromInsertAddress: true,
    });
    expect(back.parts[0]).toMatchObject({ contentType: 'text/plain; charset=utf-8', contentId: 'txt', text: 'Hei, her er bildet 🏔️' });
    expect(back.parts[1]).toMatchObject({ contentType: 'image/jpeg', name: 'photo.jpg', contentId: 'pic', size: jpeg.length });
    expect(Buffer.from(back.parts[1]!.data!, 'base64').equals(jpeg)).toBe(true);
  });

  it('decode --data piped into encode gives a PDU that decodes the same', () => {
    const bytes = pduBytes(mmsVector('pm-SonyEricssonT310-R201'));
    const first = cli(['mms', 'decode', file('se.mms', bytes), '--data']);
    const built = path.join(dir, 'se2.mms');
    const e = cli(['mms', 'encode', '-', '--out', built], { input: first.stdout });
    expect(e.status, e.stderr).toBe(0);
    const second = cli(['mms', 'decode', built, '--data']);
    // The encoder gives every named part a Content-Location (handsets resolve SMIL src= by it): the one
    // difference allowed.
    const want = JSON.parse(first.stdout) as { parts: (JsonPart & { contentLocation?: string })[] };
    expect(want.parts.some((p) => p.contentLocation === undefined)).toBe(true);
    for (const p of want.parts) p.contentLocation ??= p.name;
    expect(JSON.parse(second.stdout)).toEqual(want);
  });

  it('encode turns an e-mail into an m-send-req: phone recipients, subject, the text and the attachment byte for byte', () => {
    const jpeg = readFileSync(path.join(ROOT, 'test/fixtures/photo.jpg'));
    const eml = [
      'From: alice@example.com',
      'To: +4712345678@mms.example.com, bob@example.org',
      'Subject: Se her',
      'Date: Mon, 07 Dec 2026 00:10:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Bilde fra meg',
      '--b1',
      'Content-Type: image/jpeg; name="photo.jpg"',
      'Content-Disposition: attachment; filename="photo.jpg"',
      'Content-Transfer-Encoding: base64',
      '',
      jpeg.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b1--',
      '',
    ].join('\r\n');
    const out = path.join(dir, 'from-eml.mms');
    const e = cli(['mms', 'encode', file('mail.eml', eml), '--out', out]);
    expect(e.status, e.stderr).toBe(0);
    const d = JSON.parse(cli(['mms', 'decode', out, '--data']).stdout) as { parts: JsonPart[] } & Record<string, unknown>;
    expect(d).toMatchObject({ messageType: 'm-send-req', to: ['+4712345678', 'bob@example.org'], subject: 'Se her', date: '2026-12-07T00:10:00.000Z' });
    expect(d.addressTypes).toEqual({ '+4712345678': 'PLMN', 'bob@example.org': 'email' });
    expect(d.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'image/jpeg']);
    expect(d.parts[0]!.text?.trim()).toBe('Bilde fra meg');
    expect(d.parts[1]!.name).toBe('photo.jpg');
    expect(Buffer.from(d.parts[1]!.data!, 'base64').equals(jpeg)).toBe(true);
  });

  it('usage errors exit 2 and say what is missing', () => {
    const none = cli(['mms', 'frob']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/unknown mms command: frob/);
    const noFile = cli(['mms', 'decode']);
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toMatch(/needs a file \(or - for stdin\)/);
    const notJson = cli(['mms', 'encode', '-'], { input: 'hello' });
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toMatch(/not JSON/);
    const noType = cli(['mms', 'encode', '-'], { input: '{"to":["+1"]}' });
    expect(noType.status).toBe(1);
    expect(noType.stderr).toMatch(/NOWSMS_ERR_MMS_PDU: the JSON needs messageType/);
  });
});
