// The plug-in's options, validated at config load so a typo names its field (plugins.smtp.<field>).
import { z } from 'zod';
import { serverOptionsShape } from 'nowsms';

const DEFAULT_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

export const optionsSchema = z
  .strictObject({
    // port (default 2525), host, tls (overrides the gateway's certificate; false turns TLS off here),
    // tlsPort (port 465 style), maxSessions, maxSessionsPerIp, loginTimeoutSeconds: the same keys as every
    // server (core/serve.ts).
    ...serverOptionsShape({ port: 2525, maxSessions: 100 }),
    /** Refuse AUTH and MAIL until the client has run STARTTLS, so passwords never cross the wire in clear. */
    requireTLS: z.boolean().default(false),
    maxSizeBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /**
     * Bytes of mail held at once over every session (DATA read and not yet stored). When reached, new mail
     * gets 452 at RCPT, or 451 during DATA, and the client retries later. At least maxSizeBytes; by
     * default 64 MiB, or maxSizeBytes when that is more.
     */
    maxBytesInFlight: z.number().int().positive().optional(),
    subject: z.enum(['prepend', 'append', 'ignore']).default('prepend'),
    stripQuotes: z.boolean().default(true),
    stripSignatures: z.boolean().default(true),
    /** The name in the greeting and EHLO reply (default: the machine's host name). */
    hostname: z.string().min(1).optional(),
  })
  .refine((o) => o.maxBytesInFlight === undefined || o.maxBytesInFlight >= o.maxSizeBytes, {
    path: ['maxBytesInFlight'],
    message: 'must be at least maxSizeBytes, or a mail of the largest size allowed could never be taken',
  })
  .transform((o) => ({ ...o, maxBytesInFlight: o.maxBytesInFlight ?? Math.max(DEFAULT_BYTES_IN_FLIGHT, o.maxSizeBytes) }));

export type SmtpOptions = z.input<typeof optionsSchema>;
export type ResolvedSmtpOptions = z.output<typeof optionsSchema>;
