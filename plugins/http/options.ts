// The HTTP interface's options, validated at boot so a typo names its field (plugins.http.<field>).
import { z } from 'zod';
import { serverOptionsShape } from 'nowsms';

export const optionsSchema = z.strictObject({
  // port (default 8800, as NowSMS's web port), host, tls (false turns TLS off here), tlsPort (HTTPS),
  // maxSessions, maxSessionsPerIp, loginTimeoutSeconds: the same keys as every server (core/serve.ts).
  ...serverOptionsShape({ port: 8800, maxSessions: 200 }),
  /** The connection's id in `nowsms status` and the admin interface. */
  id: z.string().min(1).default('http'),
  /**
   * A bigger request is refused (HTTP 413) before its body is read. 2 MiB: an MMS of the default 300 KB
   * limit with its form encoding, or a JSON submission with base64 parts, fits with room to spare.
   */
  maxRequestBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024),
  /** Recipients in one request (a PhoneNumber comma list, a JSON `to` array). */
  maxRecipients: z.number().int().min(1).default(1000),
  /** A request whose headers and body do not arrive within this long is cut off. */
  requestTimeoutSeconds: z.number().positive().default(60),
  /** An idle keep-alive connection is closed after this long. */
  keepAliveSeconds: z.number().positive().default(30),
  /** Status callbacks (REST `callbackUrl`, Kannel `dlr-url`): how long one call may take. */
  callbackTimeoutSeconds: z.number().positive().default(10),
  /** Attempts of one callback before it is given up (logged), with 1 s, 4 s, 16 s ... between them. */
  callbackAttempts: z.number().int().min(1).max(10).default(4),
  /** A shared secret: every callback then carries `X-Nowsms-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
  callbackSecret: z.string().min(16, 'at least 16 characters').optional(),
});

export type HttpOptions = z.input<typeof optionsSchema>;
export type ResolvedHttpOptions = z.output<typeof optionsSchema>;
