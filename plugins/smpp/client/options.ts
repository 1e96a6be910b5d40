// The options of one SMSC connection, validated at config load so a typo names its field
// (plugins.smpp-client:<id>.<field>).
import { z } from 'zod';

const tonNpi = z.strictObject({ ton: z.number().int().min(0).max(255), npi: z.number().int().min(0).max(255) });
const seconds = z.number().positive();

export const optionsSchema = z.strictObject({
  /** The connection id: status, routing and the store know the connection by it. */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(2775),
  /** TLS from the first byte; `{ rejectUnauthorized: false }` for an SMSC with a self-signed certificate. */
  tls: z.union([z.boolean(), z.strictObject({ rejectUnauthorized: z.boolean().default(true), servername: z.string().optional() })]).default(false),
  systemId: z.string().max(15, 'SMPP allows 15 characters'),
  password: z.string().max(8, 'SMPP v3.4 allows 8 characters'),
  systemType: z.string().max(12).default(''),
  /** One transceiver session, or a transmitter for submits plus a receiver for receipts and MO. */
  bind: z.enum(['transceiver', 'transmitter+receiver']).default('transceiver'),
  addressRange: z.string().max(40).default(''),
  /** This connection's own numbers: an MT whose sender is one of them goes out here (besides defaultSender). */
  numbers: z.array(z.string().min(1)).default([]),
  /** Sender for messages without one, and the only sender when allowSenderOverride is false. */
  defaultSender: z.string().min(1).optional(),
  allowSenderOverride: z.boolean().default(true),
  /** TON/NPI: automatic per address class unless fixed here. */
  addressing: z
    .strictObject({
      source: tonNpi.optional(),
      destination: tonNpi.optional(),
      international: tonNpi.default({ ton: 1, npi: 1 }),
      national: tonNpi.default({ ton: 2, npi: 1 }),
      shortCode: tonNpi.default({ ton: 3, npi: 0 }),
      alphanumeric: tonNpi.default({ ton: 5, npi: 0 }),
      shortCodeMaxDigits: z.number().int().min(1).max(15).default(8),
    })
    .default({
      international: { ton: 1, npi: 1 },
      national: { ton: 2, npi: 1 },
      shortCode: { ton: 3, npi: 0 },
      alphanumeric: { ton: 5, npi: 0 },
      shortCodeMaxDigits: 8,
    }),
  /** submit_sm PDUs awaiting their response at once. */
  window: z.number().int().min(1).max(1000).default(10),
  /** submit_sm per second at most (token bucket); unset means as fast as the window allows. */
  throughput: z.number().positive().optional(),
  enquireLinkSeconds: seconds.default(30),
  /** How long a request waits for its response before it counts as lost. */
  responseTimeoutSeconds: seconds.default(30),
  reconnect: z
    .strictObject({ initialSeconds: seconds.default(1), maxSeconds: seconds.default(60), factor: z.number().min(1).default(2) })
    .default({ initialSeconds: 1, maxSeconds: 60, factor: 2 }),
  /** Outbound routing: recipient masks this connection carries (`+44*`). */
  recipients: z.array(z.string().min(1)).default([]),
  /** Outbound routing: takes any MT no other rule placed. */
  anyTraffic: z.boolean().default(false),
  /** Ask for delivery receipts unless the message says otherwise (meta.smpp.registeredDelivery). */
  registeredDelivery: z.boolean().default(false),
  longMessages: z.enum(['udh', 'udh16', 'sar', 'payload']).default('udh'),
  /** gsm7: GSM 03.38 unpacked (0) when the text fits, else UCS-2 (8); latin1: ISO-8859-1 (3) likewise; ucs2: always 8. */
  dataCoding: z.enum(['gsm7', 'latin1', 'ucs2']).default('gsm7'),
  /** command_status values that fail a message for good, besides 0x0A, 0x0B and 0x66. */
  permanentErrors: z.array(z.number().int().min(0)).default([]),
  /** Segments of a long MO still incomplete after this are delivered as they are, marked incomplete. */
  reassemblyTimeoutSeconds: seconds.default(300),
  serviceType: z.string().max(5).default(''),
  /** Every MO received on this connection goes to this user's mailbox (route to local user). */
  routeTo: z.string().min(1).optional(),
});

export type SmppClientOptions = z.input<typeof optionsSchema>;
export type ResolvedClientOptions = z.output<typeof optionsSchema>;

/** Always permanent (PRODUCT.md): invalid source address, invalid destination address, rejected by the SMSC. */
export const PERMANENT_STATUSES = [0x0a, 0x0b, 0x66] as const;
