// The plug-in's options, validated at boot so a typo names its field (plugins.pop3.<field>).
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

export const optionsSchema = z.strictObject({
  /** 0 picks any free port (tests read the real one from status().listening). */
  port: port.default(1110),
  host: z.string().min(1).default('127.0.0.1'),
  /** Certificate for STLS and tlsPort; default the gateway's `tls`; false turns TLS off here. */
  tls: z.union([z.strictObject({ keyFile: z.string().min(1), certFile: z.string().min(1) }), z.literal(false)]).optional(),
  /** Also listen with implicit TLS (POP3S, usually 995) on this port. */
  tlsPort: port.optional(),
  /** Host name in the greeting's APOP timestamp; default os.hostname(). */
  hostname: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host name such as pop.example.com')
    .optional(),
  /** RFC 1939 asks for at least 10 minutes; shorter values are for tests. */
  idleTimeoutSeconds: z.number().positive().default(600),
  maxBadCommands: z.number().int().min(1).default(10),
  maxSessions: z.number().int().min(1).default(200),
});

export type Pop3Options = z.input<typeof optionsSchema>;
export type ResolvedPop3Options = z.output<typeof optionsSchema>;
