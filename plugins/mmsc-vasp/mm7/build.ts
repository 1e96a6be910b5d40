// Writing an MM7 message as an HTTP body: a SOAP 1.1 envelope in exactly one schema release (its namespace
// and MM7Version), TransactionID in the Header with mustUnderstand="1", elements in the schema's order
// (strict MMSCs validate it). With content: multipart/related; type="text/xml"; start=<soap part>, the SOAP
// part first, then the MMS content as one part (multipart/related when it has a SMIL presentation, else
// multipart/mixed) that the SOAP Content element references by href="cid:...".
import { randomBytes } from 'node:crypto';
import type { Part } from 'nowsms';
import { paramValue, parseContentType, writeMultipart, type WritePart } from './multipart.ts';
import type { Mm7Address, Mm7Fault, Mm7Http, Mm7Message, Mm7Recipients, Mm7Status, Mm7Version } from './types.ts';
import { statusText } from './status.ts';
import { mm7VersionValue, namespaceOf, SOAP_ENV_NS } from './versions.ts';
import { escapeXml } from './xml.ts';

export interface BuildOptions {
  /** The multipart boundary (random when unset); the content's own boundary is derived from it. */
  boundary?: string;
  /** The detail element of a Fault: VASPErrorRsp when we answer as a VASP (default), RSErrorRsp as a relay/server. */
  faultDetail?: 'VASPErrorRsp' | 'RSErrorRsp';
  /** The MM7Version value instead of the schema release's usual one (an MMSC that wants, say, 5.6.0 with REL-5-MM7-1-2). */
  mm7Version?: string;
}

const SOAP_CID = 'mm7-soap@nowsms';
const CONTENT_CID = 'mm7-content@nowsms';

export function buildMm7(message: Mm7Message, version: Mm7Version, opts: BuildOptions = {}): Mm7Http {
  const xml = envelope(message, version, opts);
  const content = message.type === 'SubmitReq' || message.type === 'DeliverReq' ? message.content : [];
  if (content.length === 0) return { contentType: 'text/xml; charset=utf-8', body: Buffer.from(xml, 'utf8') };

  const boundary = opts.boundary ?? pickBoundary(content);
  const inner = `${boundary}-content`;
  const smil = content.find((p) => parseContentType(p.contentType).type === 'application/smil');
  const innerType = smil
    ? `multipart/related; boundary=${paramValue(inner)}; type="application/smil"${smil.contentId ? `; start=${paramValue(`<${smil.contentId}>`)}` : ''}`
    : `multipart/mixed; boundary=${paramValue(inner)}`;
  const innerBody = writeMultipart(inner, content.map(writePart));
  const body = writeMultipart(boundary, [
    {
      headers: [
        ['Content-Type', 'text/xml; charset=utf-8'],
        ['Content-ID', `<${SOAP_CID}>`],
      ],
      body: Buffer.from(xml, 'utf8'),
    },
    {
      headers: [
        ['Content-Type', innerType],
        ['Content-ID', `<${CONTENT_CID}>`],
      ],
      body: innerBody,
    },
  ]);
  return {
    contentType: `multipart/related; boundary=${paramValue(boundary)}; type="text/xml"; start="<${SOAP_CID}>"`,
    body,
  };
}

function pickBoundary(content: Part[]): string {
  for (;;) {
    const b = `----=_mm7_${randomBytes(12).toString('hex')}`;
    // Text parts go as they are: a boundary that happens to be in one would cut it.
    if (!content.some((p) => p.data.includes(b))) return b;
  }
}

function headerValue(v: string): string {
  return v.replace(/[\r\n]+/g, ' ');
}

function isTextLike(type: string): boolean {
  return type.startsWith('text/') || type === 'application/smil' || type === 'application/xml';
}

function writePart(p: Part): WritePart {
  const type = parseContentType(p.contentType).type;
  const headers: [string, string][] = [['Content-Type', headerValue(p.contentType)]];
  if (p.contentId) headers.push(['Content-ID', `<${headerValue(p.contentId)}>`]);
  if (p.name) headers.push(['Content-Location', encodeLocation(p.name)]);
  // Text as it is (8bit, HTTP is 8-bit clean); media in base64, which every MMSC reads.
  if (isTextLike(type) && !p.data.includes(0)) {
    headers.push(['Content-Transfer-Encoding', '8bit']);
    return { headers, body: p.data };
  }
  headers.push(['Content-Transfer-Encoding', 'base64']);
  return { headers, body: Buffer.from(p.data.toString('base64').replace(/.{76}/g, '$&\r\n'), 'latin1') };
}

/** Content-Location is a URI: characters outside printable ASCII (and %) are percent-encoded. */
function encodeLocation(name: string): string {
  return name.replace(/[^\x21-\x24\x26-\x7e]/gu, (c) => encodeURIComponent(c));
}

// ---- the SOAP envelope ----

function el(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
}

function address(a: Mm7Address): string {
  const name = a.kind === 'number' ? 'Number' : a.kind === 'shortCode' ? 'ShortCode' : 'RFC2822Address';
  return el(name, a.value);
}

function recipients(r: Mm7Recipients): string {
  const group = (name: string, list: Mm7Address[]) => (list.length ? `<${name}>${list.map(address).join('')}</${name}>` : '');
  return `<Recipients>${group('To', r.to)}${group('Cc', r.cc)}${group('Bcc', r.bcc)}</Recipients>`;
}

function status(s: Mm7Status): string {
  return `<Status>${el('StatusCode', String(s.code))}${el('StatusText', s.text ?? statusText(s.code))}${el('Details', s.details)}</Status>`;
}

function date(d: Date | undefined): string | undefined {
  return d === undefined ? undefined : d.toISOString();
}

function bool(b: boolean | undefined): string | undefined {
  return b === undefined ? undefined : String(b);
}

function content(parts: Part[]): string {
  return parts.length ? `<Content href="cid:${CONTENT_CID}"/>` : '';
}

function bodyOf(m: Exclude<Mm7Message, Mm7Fault>): string {
  switch (m.type) {
    case 'SubmitReq': {
      const ident = m.vaspId !== undefined || m.vasId !== undefined || m.sender !== undefined;
      return (
        (ident
          ? `<SenderIdentification>${el('VASPID', m.vaspId)}${el('VASID', m.vasId)}${m.sender ? `<SenderAddress>${address(m.sender)}</SenderAddress>` : ''}</SenderIdentification>`
          : '') +
        recipients(m.recipients) +
        el('ServiceCode', m.serviceCode) +
        el('LinkedID', m.linkedId) +
        el('MessageClass', m.messageClass) +
        el('TimeStamp', date(m.timeStamp)) +
        el('ExpiryDate', date(m.expiryDate)) +
        el('DeliveryReport', bool(m.deliveryReport)) +
        el('ReadReply', bool(m.readReply)) +
        el('Priority', m.priority) +
        el('Subject', m.subject) +
        content(m.content)
      );
    }
    case 'DeliverReq':
      return (
        el('MMSRelayServerID', m.mmsRelayServerId) +
        el('MessageID', m.messageId) +
        el('LinkedID', m.linkedId) +
        `<Sender>${address(m.sender)}</Sender>` +
        (m.recipients.to.length + m.recipients.cc.length + m.recipients.bcc.length ? recipients(m.recipients) : '') +
        el('TimeStamp', date(m.timeStamp)) +
        el('Priority', m.priority) +
        el('Subject', m.subject) +
        content(m.content)
      );
    case 'DeliveryReportReq':
      return (
        el('MessageID', m.messageId) +
        `<Recipient>${address(m.recipient)}</Recipient>` +
        (m.sender ? `<Sender>${address(m.sender)}</Sender>` : '') +
        el('Date', date(m.date)) +
        el('MMStatus', m.mmStatus) +
        el('StatusText', m.statusText)
      );
    case 'ReadReplyReq':
      return (
        el('MessageID', m.messageId) +
        `<Recipient>${address(m.recipient)}</Recipient>` +
        (m.sender ? `<Sender>${address(m.sender)}</Sender>` : '') +
        el('TimeStamp', date(m.timeStamp)) +
        el('MMStatus', m.mmStatus) +
        el('StatusText', m.statusText)
      );
    case 'SubmitRsp':
      return status(m.status) + el('MessageID', m.messageId);
    case 'DeliverRsp':
      return status(m.status) + el('ServiceCode', m.serviceCode);
    case 'DeliveryReportRsp':
    case 'ReadReplyRsp':
      return status(m.status);
  }
}

function envelope(m: Mm7Message, version: Mm7Version, opts: BuildOptions): string {
  const ns = namespaceOf(version);
  const mm7Version = `<MM7Version>${escapeXml(opts.mm7Version ?? mm7VersionValue(version))}</MM7Version>`;
  const tid = m.transactionId;
  const header =
    tid === undefined ? '' : `<env:Header><mm7:TransactionID xmlns:mm7="${ns}" env:mustUnderstand="1">${escapeXml(tid)}</mm7:TransactionID></env:Header>`;
  let body: string;
  if (m.type === 'Fault') {
    const detail = opts.faultDetail ?? 'VASPErrorRsp';
    body =
      `<env:Fault><faultcode>env:${m.faultCode}</faultcode>${el('faultstring', m.faultString)}` +
      (m.status ? `<detail><${detail} xmlns="${ns}">${mm7Version}${status(m.status)}</${detail}></detail>` : '') +
      `</env:Fault>`;
  } else {
    body = `<${m.type} xmlns="${ns}">${mm7Version}${bodyOf(m)}</${m.type}>`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\r\n<env:Envelope xmlns:env="${SOAP_ENV_NS}">${header}<env:Body>${body}</env:Body></env:Envelope>\r\n`;
}
