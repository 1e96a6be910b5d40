// The plug-in's options, validated at config load so a typo names its field (plugins.smtp.<field>).
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

export const optionsSchema = z.strictObject({
  /** 0 takes any free port (tests read it back from the connection's status). */
  port: port.default(2525),
  host: z.string().min(1).default('127.0.0.1'),
  /** Overrides the gateway's `tls` certificate for this server. */
  tls: z.strictObject({ keyFile: z.string().min(1), certFile: z.string().min(1) }).optional(),
  /** A second listener that speaks TLS from the first byte (port 465 style). */
  tlsPort: port.optional(),
  /** Refuse AUTH and MAIL until the client has run STARTTLS, so passwords never cross the wire in clear. */
  requireTLS: z.boolean().default(false),
  maxSizeBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  subject: z.enum(['prepend', 'append', 'ignore']).default('prepend'),
  stripQuotes: z.boolean().default(true),
  stripSignatures: z.boolean().default(true),
  /** The name in the greeting and EHLO reply (default: the machine's host name). */
  hostname: z.string().min(1).optional(),
  maxClients: z.number().int().positive().default(100),
});

export type SmtpOptions = z.input<typeof optionsSchema>;
export type ResolvedSmtpOptions = z.output<typeof optionsSchema>;
