// The plug-in's options, validated at boot so a typo names its field (plugins.pop3.<field>).
import { z } from 'zod';
import { serverOptionsShape } from 'nowsms';

export const optionsSchema = z.strictObject({
  // port (default 1110), host, tls (false turns TLS off here), tlsPort (POP3S, usually 995), maxSessions,
  // maxSessionsPerIp, loginTimeoutSeconds: the same keys as every server (core/serve.ts).
  ...serverOptionsShape({ port: 1110, maxSessions: 200 }),
  /** Refuse USER, PASS and APOP until STLS (or on the POP3S port), so passwords never cross in clear. */
  requireTLS: z.boolean().default(false),
  /** Host name in the greeting's APOP timestamp; default os.hostname(). */
  hostname: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host name such as pop.example.com')
    .optional(),
  /** Autologout after login; RFC 1939 asks for at least 10 minutes; shorter values are for tests. */
  idleTimeoutSeconds: z.number().positive().default(600),
  maxBadCommands: z.number().int().min(1).default(10),
  /** Attach an MMS's SMIL presentation to its e-mail (left out by default: a person has no use for it). */
  smilAttachments: z.boolean().default(false),
});

export type Pop3Options = z.input<typeof optionsSchema>;
export type ResolvedPop3Options = z.output<typeof optionsSchema>;
