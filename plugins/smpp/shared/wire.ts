// What the `smpp` package does not keep: the raw bytes of short_message and of each TLV, in wire order,
// and whether the body is well formed. The package decodes short_message through its own text filter
// (lossy for GSM and for binary with a UDH) and stops silently at a missing NUL; the mandatory parameters
// are walked here with the package's own field tables, so both views agree on the layout (SMPP v3.4 §3).
import smpp, { type CommandDef, type FieldType } from 'smpp';

export interface Tlv {
  tag: number;
  value: Buffer;
}

export interface BodyLayout {
  /** short_message as sent (UDH included); undefined when the command has none or the PDU stops before it. */
  shortMessage?: Buffer;
  /** Optional parameters in wire order. */
  tlvs: Tlv[];
  /** The last TLV claimed more octets than the PDU has; its value is what there was. */
  truncatedTlv?: number;
}

export class PduFormatError extends Error {
  override name = 'PduFormatError';
}

const HEADER = 16;

function need(raw: Buffer, offset: number, bytes: number, what: string): void {
  if (offset + bytes > raw.length) throw new PduFormatError(`${what} runs past the end of the PDU (command_length ${raw.length})`);
}

export interface InspectOptions {
  /**
   * Take a last TLV that claims more octets than the PDU holds as far as it goes, instead of refusing the
   * PDU. For what SMSCs send (a Netfors SMSC's receipts: receipted_message_id says 65 octets, 5 follow);
   * the PDU's own length is right, so the stream stays intact. Off by default: what users submit is checked strictly.
   */
  lenientLastTlv?: boolean;
}

/** Walk the body of a whole PDU (length prefix included) of a known command. Throws PduFormatError. */
export function inspectBody(raw: Buffer, def: CommandDef, opts: InspectOptions = {}): BodyLayout {
  const t = smpp.types;
  let offset = HEADER;
  const layout: BodyLayout = { tlvs: [] };
  const params: [string, { type: FieldType }][] = Object.entries(def.params ?? {});
  for (const [name, param] of params) {
    // A PDU may end at a parameter boundary (a submit_sm_resp without message_id): the rest is absent, as
    // the package reads it too. Ending inside a parameter is malformed.
    if (offset >= raw.length) break;
    const type = param.type;
    const fixed = type === t.int8 ? 1 : type === t.int16 ? 2 : type === t.int32 ? 4 : 0;
    if (fixed) {
      need(raw, offset, fixed, name);
      offset += fixed;
    } else if (type === t.cstring) {
      const nul = raw.indexOf(0, offset);
      if (nul < 0) throw new PduFormatError(`${name} has no terminating NUL`);
      offset = nul + 1;
    } else if (type === t.buffer || type === t.string) {
      const len = raw[offset]!;
      need(raw, offset + 1, len, `${name} (${len} octets)`);
      if (name === 'short_message') layout.shortMessage = raw.subarray(offset + 1, offset + 1 + len);
      offset += 1 + len;
    } else {
      // Address lists of submit_multi: the package's reader knows their shape.
      try {
        offset += type.size(type.read(raw, offset));
      } catch {
        throw new PduFormatError(`${name} is malformed`);
      }
      if (offset > raw.length) throw new PduFormatError(`${name} runs past the end of the PDU`);
    }
  }
  while (offset < raw.length) {
    need(raw, offset, 4, 'a TLV header');
    const tag = raw.readUInt16BE(offset);
    const len = raw.readUInt16BE(offset + 2);
    if (opts.lenientLastTlv && offset + 4 + len > raw.length) {
      layout.tlvs.push({ tag, value: raw.subarray(offset + 4) });
      layout.truncatedTlv = tag;
      break;
    }
    need(raw, offset + 4, len, `TLV 0x${tag.toString(16).padStart(4, '0')} (${len} octets)`);
    layout.tlvs.push({ tag, value: raw.subarray(offset + 4, offset + 4 + len) });
    offset += 4 + len;
  }
  return layout;
}

export const TAG = {
  receipted_message_id: 0x001e,
  message_state: 0x0427,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
} as const;

export function tlvValue(layout: BodyLayout, tag: number): Buffer | undefined {
  return layout.tlvs.find((x) => x.tag === tag)?.value;
}

/** A C-octet string TLV (receipted_message_id) without its NUL; some SMSCs leave the NUL out. */
export function tlvString(layout: BodyLayout, tag: number): string | undefined {
  const v = tlvValue(layout, tag);
  if (!v) return undefined;
  const nul = v.indexOf(0);
  return v.subarray(0, nul < 0 ? v.length : nul).toString('latin1');
}

/** An integer TLV of 1, 2 or 4 octets. */
export function tlvInt(layout: BodyLayout, tag: number): number | undefined {
  const v = tlvValue(layout, tag);
  if (!v || v.length === 0) return undefined;
  if (v.length === 1) return v[0]!;
  if (v.length === 2) return v.readUInt16BE(0);
  if (v.length >= 4) return v.readUInt32BE(0);
  return v[0]!;
}
