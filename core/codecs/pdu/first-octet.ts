// Bits of the TPDU's first octet (23.040 §9.2.3.1-§9.2.3.26); which ones apply depends on TP-MTI.

export const MTI_MASK = 0x03;
export const MTI_DELIVER = 0x00;
export const MTI_SUBMIT = 0x01;
export const MTI_STATUS_REPORT = 0x02;

/** TP-MMS in DELIVER and STATUS-REPORT, where a set bit means no more messages are waiting; TP-RD in SUBMIT. */
export const BIT_MMS = 0x04;
export const BIT_RD = 0x04;
export const BIT_LP = 0x08;
export const VPF_SHIFT = 3;
/** TP-SRI in DELIVER, TP-SRR in SUBMIT, TP-SRQ in STATUS-REPORT. */
export const BIT_SR = 0x20;
export const BIT_UDHI = 0x40;
export const BIT_RP = 0x80;

export function flag(firstOctet: number, bit: number): boolean {
  return (firstOctet & bit) !== 0;
}
