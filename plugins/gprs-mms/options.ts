// The options of one gprs-mms plug-in (one modem's MMS side), validated at config load so a typo names its
// field (plugins.gprs-mms:<id>.<field>).
import { isIP } from 'node:net';
import { z } from 'zod';

const idSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64');

/** `host:port` (or `http://host:port`), as the operator's MMS settings give the WAP proxy. */
export const proxySchema = z.string().transform((s, ctx) => {
  const m = /^(?:http:\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(s.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) {
    ctx.addIssue({ code: 'custom', message: 'the WAP proxy as host:port, such as 10.0.0.10:8080' });
    return z.NEVER;
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
});

/** A program and its arguments, run without a shell. */
const commandSchema = z.array(z.string().min(1)).min(1, 'the program, then its arguments, as a list');

export const optionsSchema = z.strictObject({
  /** The connection id (status, queue and routing know it by this); default `<modem>-mms`. */
  id: idSchema.optional(),
  /** The gsm-modem connection whose MMS side this is; default the one modem configured. */
  modem: idSchema.optional(),
  /** The operator's MMSC URL (MMS settings: "MMSC URL"); m-send-req and acknowledgements are posted here. */
  mmscUrl: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'an http: or https: URL'),
  /** The operator's WAP proxy (an HTTP proxy), `host:port`; absent: straight to the MMSC. */
  proxy: proxySchema.optional(),
  /** Make MM1 connections from this local address (the data link's, when it is not the default route). */
  localAddress: z
    .string()
    .refine((a) => isIP(a) !== 0, 'an IP address')
    .optional(),
  /** Make MM1 connections from this network interface's address (ppp0, wwan0), looked up at each transaction. */
  interface: z.string().min(1).optional(),
  /** Commands that bring the data link up and down (run without a shell); absent: the link is always up. */
  link: z
    .strictObject({
      up: commandSchema.optional(),
      down: commandSchema.optional(),
      /** Take the link down after this long without an MM1 transaction. */
      idleSeconds: z.number().min(0).default(60),
      /** A command that has not finished by then counts as failed. */
      timeoutSeconds: z.number().positive().default(60),
    })
    .optional(),
  /** Every MMS received goes to this user's mailbox (NowSMS's "route to local user"); absent: normal routing. */
  routeTo: z.string().min(1).optional(),
  /** Connections whose WAP pushes (SMS to port 2948) this plug-in takes; default its modem. */
  pushFrom: z.array(idSchema).optional(),
  /** HTTP headers as a handset sends them: some MMSCs serve only the user agents they know. */
  userAgent: z.string().min(1).default('Android-Mms/2.0'),
  /** The x-wap-profile header (the handset's UAProf URL); empty: not sent. */
  uaProfile: z.string().default('http://www.google.com/oha/rdf/ua-profile-kila.xml'),
  /** The MMS version written in what we send. */
  mmsVersion: z.enum(['1.0', '1.1', '1.2', '1.3']).default('1.2'),
  /** One MM1 request not answered within this is a temporary failure. */
  timeoutSeconds: z.number().positive().default(60),
  /** A retrieved MMS larger than this is refused (and the MMSC told). */
  maxRetrieveBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024),
  /** The first wait after a failed retrieval; it doubles each time up to maxRetrySeconds, until the notification expires. */
  firstRetrySeconds: z.number().min(0).default(30),
  maxRetrySeconds: z.number().min(0).default(1800),
  /** How long an MMS is fetched for when its notification gives no expiry. */
  defaultExpirySeconds: z
    .number()
    .positive()
    .default(7 * 24 * 3600),
  /** Ask for a delivery report on what we send (X-Mms-Delivery-Report). */
  deliveryReport: z.boolean().default(true),
  /** Let the MMSC send the sender a delivery report for what we receive (X-Mms-Report-Allowed). */
  reportAllowed: z.boolean().default(true),
  /** NowSMS's "Embed Original Sender Address in Subject Header": an MMS a user sent carries "(FM: user)". */
  embedSenderInSubject: z.boolean().default(false),
  /** Outbound routing: senders that select this connection. */
  numbers: z.array(z.string().min(1)).default([]),
  /** Outbound routing: recipient masks this connection carries (`+44*`). */
  recipients: z.array(z.string().min(1)).default([]),
  /** Outbound routing: takes any MT MMS no other rule placed. */
  anyTraffic: z.boolean().default(false),
});

export type GprsMmsOptions = z.input<typeof optionsSchema>;
export type ResolvedGprsMmsOptions = z.output<typeof optionsSchema>;
