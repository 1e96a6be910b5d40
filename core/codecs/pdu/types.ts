// The shapes decodePdu returns and the encoders accept (3GPP TS 23.040 §9.2).

/** Type of number (23.040 §9.1.2.5, bits 6-4 of the Type-of-Address octet). */
export type AddressType = 'unknown' | 'international' | 'national' | 'network-specific' | 'subscriber' | 'alphanumeric' | 'abbreviated' | 'reserved';

export interface PduAddress {
  /** What a person would dial or read: "+" before international digits, the text of an alphanumeric sender. */
  number: string;
  /** The semi-octet digits exactly as carried; absent for alphanumeric addresses. */
  digits?: string;
  type: AddressType;
  /** Type of number, 0-7. */
  ton: number;
  /** Numbering plan identification, 0-15 (1 is E.164). */
  npi: number;
  /** The whole Type-of-Address octet, as AT commands call it (<toda>, <tooa>). */
  toa: number;
}

export interface SmsTimestamp {
  date: Date;
  /** Local time as the SC wrote it, with its offset: 2026-11-26T10:20:30+01:00. */
  iso: string;
  /** Offset from UTC in minutes, a multiple of 15. */
  tzMinutes: number;
}

/** A Date alone is written with a +00:00 zone. */
export type SmsTimestampInput = Date | { date: Date; tzMinutes: number };

export type PduEncoding = 'gsm7' | '8bit' | 'ucs2';

export type DcsGroup = 'general' | 'auto-delete' | 'message-waiting' | 'data-class' | 'reserved';

export interface DataCodingScheme {
  raw: number;
  group: DcsGroup;
  encoding: PduEncoding;
  messageClass?: 0 | 1 | 2 | 3;
  compressed: boolean;
  /** Set when 23.038 leaves the coding reserved; such data is read as GSM 7-bit, as 23.038 instructs. */
  reserved?: boolean;
  messageWaiting?: {
    /** false for the "discard message" group, whose text the receiver need not keep. */
    store: boolean;
    active: boolean;
    kind: 'voicemail' | 'fax' | 'email' | 'other';
  };
}

export type Validity =
  | { format: 'relative'; raw: number; minutes: number }
  | { format: 'absolute'; timestamp: SmsTimestamp }
  | { format: 'enhanced'; raw: Buffer; singleShot: boolean; seconds?: number };

export interface UdhElement {
  iei: number;
  data: Buffer;
}

export interface UserDataHeader {
  /** The header as carried, its length octet included. */
  raw: Buffer;
  elements: UdhElement[];
  concat?: { ref: number; total: number; seq: number; refBits: 8 | 16 };
  ports?: { source: number; destination: number; bits: 8 | 16 };
}

/** What every decoded TPDU starts with. */
export interface TpduHead {
  smsc?: PduAddress;
  firstOctet: number;
  /** Octets after the SMSC prefix, the count AT+CMGS and +CMT report. */
  tpduLength: number;
}

interface DecodedCommon extends TpduHead {
  udh?: UserDataHeader;
  /** Absent for 8-bit and compressed user data, which are not text. */
  text?: string;
  /**
   * User data after the header: octets for 8-bit and UCS-2, one septet per octet for GSM
   * 7-bit (packed septets after a header are not octet-aligned, so the raw octets mean little).
   */
  data: Buffer;
  /** Lenient decoding only: what a strict decode would have refused. */
  warnings?: string[];
}

export interface DecodedDeliver extends DecodedCommon {
  type: 'deliver';
  originator: PduAddress;
  protocolId: number;
  dcs: DataCodingScheme;
  serviceCentreTimestamp: SmsTimestamp;
  moreMessagesToSend: boolean;
  loopPrevention: boolean;
  statusReportIndication: boolean;
  replyPath: boolean;
}

export interface DecodedSubmit extends DecodedCommon {
  type: 'submit';
  messageReference: number;
  destination: PduAddress;
  protocolId: number;
  dcs: DataCodingScheme;
  validity?: Validity;
  rejectDuplicates: boolean;
  statusReportRequest: boolean;
  replyPath: boolean;
}

export type StatusClass = 'delivered' | 'pending' | 'failed';

export interface DecodedStatusReport extends Omit<DecodedCommon, 'data'> {
  type: 'status-report';
  messageReference: number;
  recipient: PduAddress;
  scTimestamp: SmsTimestamp;
  dischargeTime: SmsTimestamp;
  /** TP-ST as carried. */
  status: number;
  statusClass: StatusClass;
  /** Whether the report answers an SMS-SUBMIT or an SMS-COMMAND (TP-SRQ). */
  reportFor: 'submit' | 'command';
  moreMessagesToSend: boolean;
  loopPrevention: boolean;
  /** The optional tail after TP-ST; absent when the SC sent none. */
  parameterIndicator?: number;
  protocolId?: number;
  dcs?: DataCodingScheme;
  data?: Buffer;
}

export type DecodedPdu = DecodedDeliver | DecodedSubmit | DecodedStatusReport;

export interface EncodedPdu {
  /** Upper-case hex, SMSC prefix included, ready for the line after AT+CMGS. */
  pdu: string;
  /** The octet count AT+CMGS wants: the PDU without its SMSC prefix. */
  tpduLength: number;
}
