// From a decoded PDU to a Message's parts: core's Part fields only (the MMS extras stay on MmsPart), the
// data still the PDU's slices.
import type { Part } from '../../types.ts';
import type { MmsPart } from './types.ts';

export function toMessageParts(parts: readonly MmsPart[]): Part[] {
  return parts.map((p) => ({
    contentType: p.contentType,
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.contentId === undefined ? {} : { contentId: p.contentId }),
    data: p.data,
  }));
}
