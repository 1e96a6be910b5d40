// One PDU of each type the gateway sends or its tests' MMSC simulator needs, with every header it uses.
import type { MmsPduInput } from '../../../../core/codecs/mms/index.ts';

const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(500, 7)]);
const smil = Buffer.from('<smil><body><par><img src="cid:pic"/><text src="cid:txt"/></par></body></smil>');
const parts = [
  { contentType: 'application/smil', contentId: 'smil', name: 'smil.smil', data: smil },
  { contentType: 'image/jpeg', name: 'pic.jpg', contentId: 'pic', data: jpeg },
  { contentType: 'text/plain; charset=utf-8', name: 'txt.txt', contentId: 'txt', data: Buffer.from('Grüße 😀', 'utf8') },
];
export const phone = (n: string) => ({ address: n, type: 'PLMN' as const, raw: `${n}/TYPE=PLMN` });

export const SAMPLES: MmsPduInput[] = [
  {
    messageType: 'm-send-req',
    transactionId: 'T1',
    mmsVersion: '1.2',
    date: new Date('2026-12-07T00:00:00Z'),
    to: [phone('+4712345678'), { address: 'bob@example.com', type: 'email', raw: 'bob@example.com' }],
    cc: [phone('+4799999999')],
    bcc: [{ address: '10.0.0.1', type: 'IPv4', raw: '10.0.0.1/TYPE=IPv4' }],
    subject: 'Hei på deg',
    messageClass: 'personal',
    expiry: { relativeSeconds: 604800 },
    deliveryTime: { absolute: new Date('2026-12-08T12:00:00Z') },
    priority: 'high',
    senderVisibility: 'show',
    deliveryReport: true,
    readReport: false,
    parts,
  },
  { messageType: 'm-send-conf', transactionId: 'T1', mmsVersion: '1.2', responseStatus: 0x80, responseText: 'OK', messageId: 'msg-1@mmsc' },
  {
    messageType: 'm-notification-ind',
    transactionId: 'T2',
    mmsVersion: '1.2',
    from: phone('+4711111111'),
    subject: 'Bilde',
    messageClass: 'personal',
    messageSize: 300_000,
    expiry: { absolute: new Date('2026-12-14T00:00:00Z') },
    contentLocation: 'http://mmsc.example/m/abc',
    deliveryReport: false,
  },
  { messageType: 'm-notifyresp-ind', transactionId: 'T2', mmsVersion: '1.2', status: 'retrieved', reportAllowed: true },
  {
    messageType: 'm-retrieve-conf',
    transactionId: 'T2',
    mmsVersion: '1.2',
    messageId: 'msg-2@mmsc',
    from: phone('+4711111111'),
    to: [phone('+4722222222')],
    date: new Date('2026-12-07T00:01:02Z'),
    subject: 'Bilde',
    deliveryReport: false,
    retrieveStatus: 0x80,
    parts,
  },
  { messageType: 'm-acknowledge-ind', transactionId: 'T2', mmsVersion: '1.2', reportAllowed: false },
  {
    messageType: 'm-delivery-ind',
    mmsVersion: '1.2',
    messageId: 'msg-1@mmsc',
    to: [phone('+4712345678')],
    date: new Date('2026-12-07T00:02:00Z'),
    status: 'retrieved',
  },
  {
    messageType: 'm-read-rec-ind',
    mmsVersion: '1.2',
    messageId: 'msg-2@mmsc',
    to: [phone('+4711111111')],
    from: phone('+4722222222'),
    date: new Date('2026-12-07T00:03:00Z'),
    readStatus: 'read',
  },
  {
    messageType: 'm-read-orig-ind',
    mmsVersion: '1.2',
    messageId: 'msg-1@mmsc',
    to: [phone('+4712345678')],
    from: phone('+4722222222'),
    date: new Date('2026-12-07T00:03:00Z'),
    readStatus: 'deleted-without-being-read',
  },
];
