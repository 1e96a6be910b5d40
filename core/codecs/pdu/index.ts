// The SMS PDU codec: TPDUs of 3GPP TS 23.040 in the PDU mode of TS 27.005.
export { decodePdu, type DecodeOptions } from './decode.ts';
export { encodeSubmit, type SubmitOptions } from './encode-submit.ts';
export { encodeDeliver, type DeliverOptions } from './encode-deliver.ts';
export { encodeStatusReport, type StatusReportOptions } from './encode-status-report.ts';
export type { ContentOptions } from './segments.ts';
export { PduError, isPduError, type PduErrorDetails } from './errors.ts';
export { decodeAddress, decodeSmscAddress, encodeAddress, encodeSmscAddress, type AddressInputOptions } from './address.ts';
export { decodeTimestamp, encodeTimestamp } from './timestamp.ts';
export { decodeSemiOctets, encodeSemiOctets } from './semi-octets.ts';
export { decodeDcs, encodeDcs } from './dcs.ts';
export { relativeMinutes, relativeValue } from './validity.ts';
export { statusClass } from './status.ts';
export type * from './types.ts';
