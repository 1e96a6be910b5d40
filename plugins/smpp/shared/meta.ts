// What an SMPP message keeps in `message.meta.smpp` (JSON-serialisable), written by whoever received it
// (the SMPP server from a submit_sm, the client from a deliver_sm) and read by whoever sends it on.
// Binary messages have one part of content type `application/octet-stream` holding the octets.

export interface SmppMeta {
  /** registered_delivery asked for by the submitter (bit 0-1: 1 = final receipt, 2 = failure only). */
  registeredDelivery?: number;
  /** data_coding of a binary message, passed through. */
  dataCoding?: number;
  /** esm_class of a binary message: UDHI (0x40) means the octets start with their own UDH. */
  esmClass?: number;
  /** The UDH of a received binary message, hex (port addressing, WAP push). */
  udh?: string;
}

export const BINARY_CONTENT_TYPE = 'application/octet-stream';

export function smppMetaOf(meta: Record<string, unknown> | undefined): SmppMeta {
  const m = meta?.smpp;
  if (typeof m !== 'object' || m === null) return {};
  const out: SmppMeta = {};
  const src = m as Record<string, unknown>;
  for (const key of ['registeredDelivery', 'dataCoding', 'esmClass'] as const) {
    if (typeof src[key] === 'number' && Number.isInteger(src[key])) out[key] = src[key];
  }
  if (typeof src.udh === 'string') out.udh = src.udh;
  return out;
}
