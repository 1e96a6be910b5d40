// The MM7 codec against the 13 published Sinch examples (../shared/vectors/mm7): each is read with every
// field the collector extracted, with its published LF line ends and with CRLF as on the wire.
import { describe, expect, it } from 'vitest';
import { parseMm7, readMm7, type Mm7Message } from '../../../plugins/mmsc-vasp/mm7/index.ts';
import { exampleHttp, mm7Examples, type Mm7Example } from './mm7-vectors.ts';

const examples = mm7Examples();

/** A SOAP-only example whose Content names a cid: wrapped with a part of that Content-ID, as it would travel. */
function withContent(x: Mm7Example, crlf: boolean) {
  const http = exampleHttp(x.file, crlf);
  const href = x.fields_extracted['Content.href'];
  if (x.kind !== 'soap-xml' || !href) return http;
  const eol = crlf ? '\r\n' : '\n';
  const body = Buffer.concat([
    Buffer.from(`--b${eol}Content-Type: text/xml${eol}Content-ID: <soap>${eol}${eol}`),
    http.body,
    Buffer.from(`${eol}--b${eol}Content-Type: text/plain${eol}Content-ID: <${href.replace(/^cid:/, '')}>${eol}${eol}hello${eol}--b--${eol}`),
  ]);
  return { contentType: 'multipart/related; boundary=b; type="text/xml"; start="<soap>"', body };
}

function addressValue(a: { kind: string; value: string } | undefined, kind: string): string | undefined {
  return a?.kind === kind ? a.value : undefined;
}

function checkFields(m: Mm7Message, f: Record<string, string>): void {
  if (f.TransactionID) expect(m.transactionId).toBe(f.TransactionID);
  const any = m as unknown as Record<string, unknown>;
  if (f.VASPID) expect(any.vaspId).toBe(f.VASPID);
  if (f.VASID) expect(any.vasId).toBe(f.VASID);
  if (f.ShortCode) expect(addressValue(any.sender as never, 'shortCode')).toBe(f.ShortCode);
  if (f.Subject) expect(any.subject).toBe(f.Subject);
  if (f.LinkedID) expect(any.linkedId).toBe(f.LinkedID);
  if (f.Priority) expect(any.priority).toBe(f.Priority);
  if (f.MessageID) expect(any.messageId).toBe(f.MessageID);
  if (f.MMStatus) expect(any.mmStatus).toBe(f.MMStatus);
  if (f.DeliveryReport) expect(any.deliveryReport).toBe(f.DeliveryReport === 'true');
  if (f['To.Number']) expect((any.recipients as { to: unknown[] }).to).toEqual([{ kind: 'number', value: f['To.Number'] }]);
  if (f['Sender.Number']) expect(addressValue(any.sender as never, 'number')).toBe(f['Sender.Number']);
  if (f['Recipient.Number']) expect(any.recipient).toEqual({ kind: 'number', value: f['Recipient.Number'] });
  for (const k of ['TimeStamp', 'ExpiryDate', 'Date'] as const) {
    const field = k === 'TimeStamp' ? 'timeStamp' : k === 'ExpiryDate' ? 'expiryDate' : 'date';
    if (f[k]) expect((any[field] as Date).getTime()).toBe(Date.parse(f[k]));
  }
  if (f.StatusCode) {
    const status = any.status as { code: number; text?: string; details?: string };
    expect(status.code).toBe(Number(f.StatusCode));
    if (f.StatusText) expect(status.text).toBe(f.StatusText);
    if (f.Details) expect(status.details).toBe(f.Details);
  } else if (f.StatusText) {
    expect(any.statusText).toBe(f.StatusText);
  }
  if (f.faultcode) expect(any.faultCode).toBe(f.faultcode.replace(/^.*:/, ''));
  if (f.faultstring) expect(any.faultString).toBe(f.faultstring);
}

describe('MM7 codec: the published Sinch examples', () => {
  it('has all 13 examples', () => {
    expect(examples).toHaveLength(13);
  });

  for (const x of examples) {
    for (const crlf of [false, true]) {
      it(`${x.file} (${crlf ? 'CRLF' : 'LF as published'}): ${x.mm7_operation} with every extracted field`, () => {
        const { message, version } = readMm7(withContent(x, crlf));
        expect(message.type).toBe(x.mm7_operation);
        expect(version).toBe('REL-6-MM7-1-4');
        checkFields(message, x.fields_extracted);
        const leafTypes = (x.parts_content_types ?? []).filter((t) => t !== 'text/xml' && !t.startsWith('multipart/'));
        if (leafTypes.length) {
          const content = (message as { content: { contentType: string }[] }).content;
          expect(content.map((p) => p.contentType.split(';')[0])).toEqual(leafTypes);
        }
      });
    }
  }

  it('sinch_mm7_deliver_3.http: the nested multipart/mixed content, Content-IDs without <>, bytes as sent', () => {
    for (const crlf of [false, true]) {
      const m = parseMm7(exampleHttp('sinch_mm7_deliver_3.http', crlf));
      if (m.type !== 'DeliverReq') throw new Error(m.type);
      const eol = crlf ? '\r\n' : '\n';
      // The published parts have no blank line after their headers: the first non-header line starts the body.
      expect(m.content.map((p) => [p.contentType, p.contentId, p.data.toString()])).toEqual([
        ['image/jpeg', 'image_0.jpg', `<Binary contents>${eol}`],
        ['text/plain', 'text_0.txt', `Test MO message!${eol}`],
      ]);
    }
  });

  it('sinch_mm7_submit_4.http: the nested multipart/related text and SMIL with their charsets and Content-IDs', () => {
    const m = parseMm7(exampleHttp('sinch_mm7_submit_4.http', true));
    if (m.type !== 'SubmitReq') throw new Error(m.type);
    expect(m.content.map((p) => [p.contentType, p.contentId])).toEqual([
      ['text/plain; charset=utf-8', '132c4ca56a209475'],
      ['application/smil; charset=utf-8', 'mms.smil'],
    ]);
    expect(m.content[0]!.data.toString()).toBe('MM7 Test Text');
    expect(m.content[1]!.data.toString()).toMatch(/^<\?xml.*<\/smil>$/);
  });

  it('a SOAP-only example whose Content href names a part that is not there is refused with 2004 (no content is made up)', () => {
    expect(() => parseMm7(exampleHttp('sinch_mm7_submit_1.xml', true))).toThrow(
      expect.objectContaining({ status: expect.objectContaining({ code: 2004 }), fault: false, operation: 'SubmitReq', transactionId: '1000001' }),
    );
  });
});
