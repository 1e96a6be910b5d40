// The plug-in's options, validated when the config loads so that a typo names its field
// (plugins.gsm-modem:<id>.<field>).
import { z } from 'zod';

const ms = z.number().int().positive();

export const optionsSchema = z.strictObject({
  /** The connection's id: routing rules, the status view and received messages' `via` name the modem by it. */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64'),
  /** The serial device; /dev/serial/by-id/... survives re-plugging into another USB port. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(115200),
  /** The SIM PIN, entered once per power-up; never retried after a rejection (three wrong PINs lock the SIM). */
  pin: z
    .string()
    .regex(/^\d{4,8}$/, '4 to 8 digits')
    .optional(),
  /** The modem's own phone number: a sender equal to it picks this modem, and received SMS are addressed to it. */
  number: z.string().min(1).optional(),
  /** Read received SMS (false: a send-only modem; its SIM keeps what arrives). */
  receive: z.boolean().default(true),
  /** "Route SMS to local user": every SMS this modem receives goes to this user's mailbox. */
  routeTo: z.string().min(1).optional(),
  /** Take any outbound SMS no other rule placed. */
  anyTraffic: z.boolean().default(false),
  /** Recipient masks (`+44*`) this modem sends to. */
  recipients: z.array(z.string().min(1)).default([]),
  /** Service centre number set with AT+CSCA; default: the one on the SIM. */
  smsc: z
    .string()
    .regex(/^\+?\d{3,20}$/, 'a phone number, digits with an optional leading +')
    .optional(),
  /** Extra AT command(s) run at the end of the start-up dialogue, e.g. `AT^CURC=0` to silence a Huawei. */
  initString: z.string().min(1).optional(),
  /** At most this many SMS segments a minute (default: as fast as the modem takes them). */
  sendsPerMinute: z.number().positive().optional(),
  /** How long a congested network (+CMS ERROR 42, 192) is left alone before the next send; no attempt is spent. */
  throttlePauseSeconds: z.number().positive().default(30),
  /** Ask for delivery reports (TP-SRR) and apply them to the sent messages' status. */
  statusReports: z.boolean().default(true),
  /** How long the service centre keeps trying (TP-VP, relative). */
  validityMinutes: z
    .number()
    .int()
    .min(5)
    .max(63 * 7 * 24 * 60)
    .default(1440),
  /** Time for a command's final result; no answer resets the modem. */
  commandTimeoutMs: ms.default(10_000),
  /** Time for +CMGS after the PDU (a network round trip). */
  sendTimeoutMs: ms.default(60_000),
  /** How often to read what is stored on the SIM (AT+CMGL=4) and check the network registration. */
  pollSeconds: z.number().positive().default(30),
  /** Segments of a long message still incomplete after this are delivered as they are, marked incomplete. */
  reassemblyTimeoutSeconds: z.number().positive().default(600),
  /** Backoff between attempts to reopen a port that vanished or a modem that stopped answering. */
  reconnect: z
    .strictObject({
      firstMs: ms.default(1000),
      maxMs: ms.default(30_000),
    })
    .default({ firstMs: 1000, maxMs: 30_000 }),
});

export type GsmModemOptions = z.input<typeof optionsSchema>;
export type ResolvedGsmModemOptions = z.output<typeof optionsSchema>;
