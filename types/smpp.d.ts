// Types for the `smpp` npm package 0.5.1 (CommonJS, untyped). Only what nowsms uses; field names are the
// library's (SMPP v3.4 names in snake_case). Import as `import smpp from 'smpp'`.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Socket, Server as NetServer, ListenOptions } from 'node:net';
  import type { TlsOptions, ConnectionOptions } from 'node:tls';

  /** short_message / message_payload as the library decodes them: raw Buffer for encodings it does not
   * know (binary 4, and anything other than 0/1/3/8), else the text with any UDH split off as a list of
   * information elements (each `[iei, length, ...data]`). */
  export interface DecodedMessage {
    udh?: Buffer[];
    message: string | Buffer;
  }
  /** What may be given for short_message / message_payload: a Buffer is sent as is (no esm_class change). */
  export type MessageField = Buffer | string | { udh?: Buffer; message: string | Buffer };

  export interface DestAddress {
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    dl_name?: string;
  }

  /** Every mandatory parameter and TLV nowsms reads or writes. The library puts TLVs on the PDU by name;
   * unknown TLVs land under their numeric tag as Buffers. */
  export interface PDUFields {
    command_status?: number;
    sequence_number?: number;
    // bind_*
    system_id?: string;
    password?: string;
    system_type?: string;
    interface_version?: number;
    addr_ton?: number;
    addr_npi?: number;
    address_range?: string;
    // submit_sm / deliver_sm / data_sm
    service_type?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    dest_address?: DestAddress[];
    esm_class?: number;
    protocol_id?: number;
    priority_flag?: number;
    schedule_delivery_time?: string | Date;
    validity_period?: string | Date;
    registered_delivery?: number;
    replace_if_present_flag?: number;
    data_coding?: number | null;
    sm_default_msg_id?: number;
    short_message?: MessageField | DecodedMessage;
    // responses
    message_id?: string;
    // TLVs
    receipted_message_id?: string;
    message_state?: number;
    network_error_code?: Buffer;
    message_payload?: MessageField | DecodedMessage;
    sar_msg_ref_num?: number;
    sar_total_segments?: number;
    sar_segment_seqnum?: number;
    user_message_reference?: number;
    source_port?: number;
    destination_port?: number;
    sc_interface_version?: number;
    additional_status_info_text?: string;
    [tlvOrUnknown: string]: unknown;
  }

  export type CommandName =
    | 'bind_receiver'
    | 'bind_receiver_resp'
    | 'bind_transmitter'
    | 'bind_transmitter_resp'
    | 'bind_transceiver'
    | 'bind_transceiver_resp'
    | 'outbind'
    | 'unbind'
    | 'unbind_resp'
    | 'submit_sm'
    | 'submit_sm_resp'
    | 'submit_multi'
    | 'submit_multi_resp'
    | 'deliver_sm'
    | 'deliver_sm_resp'
    | 'data_sm'
    | 'data_sm_resp'
    | 'query_sm'
    | 'query_sm_resp'
    | 'cancel_sm'
    | 'cancel_sm_resp'
    | 'replace_sm'
    | 'replace_sm_resp'
    | 'enquire_link'
    | 'enquire_link_resp'
    | 'generic_nack'
    | 'alert_notification'
    | 'broadcast_sm'
    | 'broadcast_sm_resp'
    | 'query_broadcast_sm'
    | 'query_broadcast_sm_resp'
    | 'cancel_broadcast_sm'
    | 'cancel_broadcast_sm_resp';

  /* eslint-disable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type --
     declaration merging is how the class gets its typed field names. */
  export class PDU implements PDUFields {
    /** Build an outgoing PDU, or decode one from a complete buffer (length prefix included). */
    constructor(command: CommandName, options?: PDUFields);
    constructor(buffer: Buffer);
    /** 'unknown' when the command_id is not one the library knows. */
    command: CommandName | 'unknown';
    command_length: number;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    /** The matching *_resp with the same sequence_number (generic_nack for an unknown command). */
    response(options?: PDUFields): PDU;
    toBuffer(): Buffer;
    static fromBuffer(buffer: Buffer): PDU | false;
    static maxLength: number;
    [field: string]: unknown;
  }
  export interface PDU extends PDUFields {}
  /* eslint-enable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type */

  export type ResponseCallback = (pdu: PDU) => void;
  type Shortcut = {
    (options: PDUFields, onResponse?: ResponseCallback, onSent?: ResponseCallback): boolean;
    (onResponse?: ResponseCallback, onSent?: ResponseCallback): boolean;
  };

  export interface SessionOptions extends Partial<ConnectionOptions> {
    host?: string;
    port?: number;
    tls?: boolean;
    url?: string;
    socket?: Socket;
    auto_enquire_link_period?: number;
  }

  export class Session extends EventEmitter {
    constructor(options: SessionOptions);
    socket: Socket;
    server?: Server;
    /** Last sequence number used; the next request gets sequence + 1. */
    sequence: number;
    paused: boolean;
    /** Sends a PDU; requests without a sequence_number get the next one. false when the socket is not writable. */
    send(pdu: PDU, onResponse?: ResponseCallback, onSent?: ResponseCallback): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    connect(): void;

    bind_transceiver: Shortcut;
    bind_transmitter: Shortcut;
    bind_receiver: Shortcut;
    unbind: Shortcut;
    enquire_link: Shortcut;
    submit_sm: Shortcut;
    deliver_sm: Shortcut;
    data_sm: Shortcut;
    generic_nack: Shortcut;
    outbind: Shortcut;
    query_sm: Shortcut;

    on(event: 'pdu', listener: (pdu: PDU) => void): this;
    on(event: 'send', listener: (pdu: PDU) => void): this;
    on(event: 'connect' | 'secureConnect' | 'close', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: CommandName | 'unknown', listener: (pdu: PDU) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    once(event: 'pdu', listener: (pdu: PDU) => void): this;
    once(event: 'connect' | 'secureConnect' | 'close', listener: () => void): this;
    once(event: 'error', listener: (err: Error) => void): this;
    once(event: CommandName | 'unknown', listener: (pdu: PDU) => void): this;
    once(event: string, listener: (...args: unknown[]) => void): this;
  }

  export interface ServerOptions extends TlsOptions {
    key?: string | Buffer;
    cert?: string | Buffer;
  }

  export class Server extends NetServer {
    sessions: Session[];
    on(event: 'session', listener: (session: Session) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'close' | 'listening', listener: () => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    listen(port?: number, host?: string, callback?: () => void): this;
    listen(options: ListenOptions, callback?: () => void): this;
    listen(callback?: () => void): this;
  }

  export function createServer(options?: ServerOptions, listener?: (session: Session) => void): Server;
  export function createServer(listener?: (session: Session) => void): Server;
  /** url: 'smpp://host:port' or 'ssmpp://host:port' (TLS), or an options object. */
  export function connect(options: SessionOptions | string, listener?: () => void): Session;
  export const createSession: typeof connect;
  export function addCommand(command: string, options: { id: number; params?: Record<string, unknown> }): void;
  export function addTLV(tag: string, options: { id: number; type: unknown; multiple?: boolean }): void;

  export interface Encoding {
    match(value: string): boolean;
    encode(value: string): Buffer;
    decode(value: Buffer): string;
  }
  export const encodings: { ASCII: Encoding; LATIN1: Encoding; UCS2: Encoding; detect(value: string): string | false; default: string };
  export const gsmCoder: {
    encode(value: string, shiftTable?: number): Buffer;
    decode(value: Buffer, shiftTable?: number): string;
    detect(value: string): number | undefined;
  };

  export const consts: {
    REGISTERED_DELIVERY: { FINAL: 1; FAILURE: 2; SUCCESS: 3; DELIVERY_ACKNOWLEDGEMENT: 4; USER_ACKNOWLEDGEMENT: 8; INTERMEDIATE: 0x10 };
    ESM_CLASS: {
      DATAGRAM: 1;
      FORWARD: 2;
      STORE_FORWARD: 3;
      MC_DELIVERY_RECEIPT: 4;
      DELIVERY_ACKNOWLEDGEMENT: 8;
      USER_ACKNOWLEDGEMENT: 0x10;
      CONVERSATION_ABORT: 0x18;
      INTERMEDIATE_DELIVERY: 0x20;
      UDH_INDICATOR: 0x40;
      KANNEL_UDH_INDICATOR: 0x43;
      SET_REPLY_PATH: 0x80;
    };
    MESSAGE_STATE: {
      SCHEDULED: 0;
      ENROUTE: 1;
      DELIVERED: 2;
      EXPIRED: 3;
      DELETED: 4;
      UNDELIVERABLE: 5;
      ACCEPTED: 6;
      UNKNOWN: 7;
      REJECTED: 8;
      SKIPPED: 9;
    };
    TON: Record<'UNKNOWN' | 'INTERNATIONAL' | 'NATIONAL' | 'NETWORK_SPECIFIC' | 'SUBSCRIBER_NUMBER' | 'ALPHANUMERIC' | 'ABBREVIATED', number>;
    NPI: Record<'UNKNOWN' | 'ISDN' | 'DATA' | 'TELEX' | 'LAND_MOBILE' | 'NATIONAL' | 'PRIVATE' | 'ERMES' | 'INTERNET' | 'IP' | 'WAP', number>;
    ENCODING: Record<string, number>;
  };
  export const errors: Record<string, number>;
  /** How the library reads and writes one field; compare by identity with `types.cstring` etc. */
  export interface FieldType {
    read(buffer: Buffer, offset: number, length?: number): unknown;
    write(value: unknown, buffer: Buffer, offset: number): void;
    size(value: unknown): number;
    default: unknown;
  }
  export const types: {
    int8: FieldType;
    int16: FieldType;
    int32: FieldType;
    string: FieldType;
    cstring: FieldType;
    buffer: FieldType;
    dest_address_array: FieldType;
    unsuccess_sme_array: FieldType;
    tlv: { int8: FieldType; int16: FieldType; int32: FieldType; cstring: FieldType; string: FieldType; buffer: FieldType };
  };
  /** Mandatory parameters in wire order (object key order), by command name. */
  export interface CommandDef {
    id: number;
    command: string;
    params?: Record<string, { type: FieldType; default?: unknown }>;
    tlvMap?: Record<string, string>;
  }
  export const commands: Record<string, CommandDef>;
  export const commandsById: Record<number, CommandDef>;
  export interface TlvDef {
    id: number;
    tag: string;
    type: FieldType;
    multiple?: boolean;
  }
  export const tlvs: Record<string, TlvDef>;
  export const tlvsById: Record<number, TlvDef>;

  // Command status codes, exported flat by the library (smpp.ESME_ROK ...).
  export const ESME_ROK: 0x0000;
  export const ESME_RINVMSGLEN: 0x0001;
  export const ESME_RINVCMDLEN: 0x0002;
  export const ESME_RINVCMDID: 0x0003;
  export const ESME_RINVBNDSTS: 0x0004;
  export const ESME_RALYBND: 0x0005;
  export const ESME_RINVPRTFLG: 0x0006;
  export const ESME_RINVREGDLVFLG: 0x0007;
  export const ESME_RSYSERR: 0x0008;
  export const ESME_RINVSRCADR: 0x000a;
  export const ESME_RINVDSTADR: 0x000b;
  export const ESME_RINVMSGID: 0x000c;
  export const ESME_RBINDFAIL: 0x000d;
  export const ESME_RINVPASWD: 0x000e;
  export const ESME_RINVSYSID: 0x000f;
  export const ESME_RCANCELFAIL: 0x0011;
  export const ESME_RREPLACEFAIL: 0x0013;
  export const ESME_RMSGQFUL: 0x0014;
  export const ESME_RINVSERTYP: 0x0015;
  export const ESME_RINVNUMDESTS: 0x0033;
  export const ESME_RINVDLNAME: 0x0034;
  export const ESME_RINVDESTFLAG: 0x0040;
  export const ESME_RINVSUBREP: 0x0042;
  export const ESME_RINVESMCLASS: 0x0043;
  export const ESME_RCNTSUBDL: 0x0044;
  export const ESME_RSUBMITFAIL: 0x0045;
  export const ESME_RINVSRCTON: 0x0048;
  export const ESME_RINVSRCNPI: 0x0049;
  export const ESME_RINVDSTTON: 0x0050;
  export const ESME_RINVDSTNPI: 0x0051;
  export const ESME_RINVSYSTYP: 0x0053;
  export const ESME_RINVREPFLAG: 0x0054;
  export const ESME_RINVNUMMSGS: 0x0055;
  export const ESME_RTHROTTLED: 0x0058;
  export const ESME_RINVSCHED: 0x0061;
  export const ESME_RINVEXPIRY: 0x0062;
  export const ESME_RINVDFTMSGID: 0x0063;
  export const ESME_RX_T_APPN: 0x0064;
  export const ESME_RX_P_APPN: 0x0065;
  export const ESME_RX_R_APPN: 0x0066;
  export const ESME_RQUERYFAIL: 0x0067;
  export const ESME_RINVTLVSTREAM: 0x00c0;
  export const ESME_RTLVNOTALLWD: 0x00c1;
  export const ESME_RINVTLVLEN: 0x00c2;
  export const ESME_RMISSINGTLV: 0x00c3;
  export const ESME_RINVTLVVAL: 0x00c4;
  export const ESME_RDELIVERYFAILURE: 0x00fe;
  export const ESME_RUNKNOWNERR: 0x00ff;

  // The CommonJS module object is the default import; it carries everything exported above.
  const smpp: typeof import('smpp');
  export default smpp;
}
