// Alice's mail from Thunderbird (text and HTML, a picture pasted into the text, a JPEG and an AMR file
// attached) to <phone>@<MMS domain>, sent with swaks to the gateway started as a user starts it: the
// stored MMS has one text part, the files byte for byte, the pasted picture with its Content-ID, and a
// SMIL presentation that shows each of them.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Part } from '../../core/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { missingPeer } from '../helpers/peers.ts';
import { startProcess, stopProcess, writeConfig } from '../helpers/process.ts';
import { swaks } from '../helpers/swaks.ts';
import { AMR, INLINE_CID, JPEG, PNG, thunderbirdMail } from '../plugins/smtp/thunderbird-mail.ts';

let gateway: ChildProcess | undefined;
let reader: TestGateway | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway);
  await reader?.stop();
  gateway = reader = undefined;
});

describe.skipIf(missingPeer('swaks'))('an e-mail from Thunderbird to the MMS domain', () => {
  it('becomes an MMS with one text part, the attachments byte for byte, the inline image and a SMIL that shows them', async () => {
    const config = await writeConfig({ keys: "users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true, recipients: ['+15550001111'] }]," });
    gateway = (await startProcess(config)).child;
    const file = path.join(config.dir, 'mail.eml');
    writeFileSync(file, thunderbirdMail('447700900123@mms.localhost'));

    const r = await swaks(config.smtpPort, 'alice', 'alice-pw', ['--to', '447700900123@mms.localhost', '--data', `@${file}`]);
    expect(r.code, r.out).toBe(0);
    const id = /^250 2\.6\.0 accepted as (\S+)/.exec(r.last)?.[1];
    expect(id, r.out).toBeDefined();
    await stopProcess(gateway);
    gateway = undefined;

    reader = await startTestGateway({ dataDir: config.dataDir, smtp: false, pop3: false });
    const m = (await reader.gateway.stores.messages.get(id!))!;
    expect(m).toMatchObject({ kind: 'mms', direction: 'MT', to: '+447700900123', from: '+15550001111', subject: 'Beach today' });
    expect(m.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'image/png', 'image/jpeg', 'audio/amr', 'application/smil']);

    // One text part: the plain alternative, without the signature; the HTML is neither text nor attachment.
    expect(m.parts[0]!.data.toString('utf8')).toBe('Hi Bob, the beach was great — here is a photo and a voice note.');
    expect(m.parts.some((p) => /html/i.test(p.contentType) || p.data.includes('<html'))).toBe(false);

    const [, inline, photo, voice, smil] = m.parts;
    expect(inline).toMatchObject({ name: 'dot.png', contentId: INLINE_CID });
    expect(inline!.data.equals(PNG)).toBe(true);
    expect(photo).toMatchObject({ name: 'photo.jpg' });
    expect(photo!.data.equals(JPEG)).toBe(true);
    expect(voice).toMatchObject({ name: 'voice.amr' });
    expect(voice!.data.equals(AMR)).toBe(true);

    // The presentation names every media part by the Content-ID it carries, one slide each, the text on the first.
    expect(smil!.contentId).toBe('smil');
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'par' }).parse(smil!.data.toString('utf8')) as {
      smil: { body: { par: Array<Record<string, { '@_src': string }>> } };
    };
    const pars = doc.smil.body.par;
    const cid = (p: Part) => `cid:${p.contentId}`;
    expect(pars.map((p) => (p.img ?? p.audio)!['@_src'])).toEqual([cid(inline!), cid(photo!), cid(voice!)]);
    expect(pars[0]!.text!['@_src']).toBe(cid(m.parts[0]!));
  }, 60_000);
});
