// The inbound MM7 endpoint's options, validated at boot so a typo names its field (plugins.mm7-server.<field>).
import { z } from 'zod';
import { serverOptionsShape } from 'nowsms';
import type { Mm7Version } from '../mm7/types.ts';

const VERSIONS = [
  'REL-5-MM7-1-0',
  'REL-5-MM7-1-1',
  'REL-5-MM7-1-2',
  'REL-5-MM7-1-3',
  'REL-6-MM7-1-0',
  'REL-6-MM7-1-1',
  'REL-6-MM7-1-2',
  'REL-6-MM7-1-3',
  'REL-6-MM7-1-4',
] as const satisfies readonly Mm7Version[];

/** `10.0.*.*, 192.168.1.5`: addresses, each octet (or IPv6 group) a number or `*`. */
const ipList = z
  .string()
  .refine((s) => s.split(',').every((e) => /^[0-9a-fA-F.:*]+$/.test(e.trim())), 'a comma list of addresses with * wildcards, such as 10.0.*.*, 192.168.1.5');

export const accountSchema = z.strictObject({
  /** The HTTP Basic user name the MMSC or VASP logs in with; also in `via` (`mm7:<name>`) and logs. */
  name: z.string().regex(/^[\w.@+-]{1,64}$/, 'letters, digits and . _ @ + - (at most 64)'),
  password: z.string().min(1),
  /** Addresses the account may connect from; absent: any. */
  allowIps: ipList.optional(),
  /** The local user that gets every MMS this account delivers ("route received messages to local user"). */
  routeTo: z.string().min(1).optional(),
  /** May send MT MMS with SubmitReq (a content provider); an operator's MMSC only delivers. */
  submit: z.boolean().default(false),
  /** Ids of the outbound MM7 connections whose MMS this account reports on; absent: every connection of kind mm7. */
  reportsFor: z.array(z.string().min(1)).optional(),
});

export const optionsSchema = z
  .strictObject({
    // port (default 8189), host, tls (false turns TLS off here), tlsPort (HTTPS), maxSessions,
    // maxSessionsPerIp, loginTimeoutSeconds: the same keys as every server (core/serve.ts).
    ...serverOptionsShape({ port: 8189, maxSessions: 100 }),
    /** The connection's id in `nowsms status` and the admin interface. */
    id: z.string().min(1).default('mm7-server'),
    /** The URL path MMSCs post to. */
    path: z
      .string()
      .regex(/^\/[^?#\s]*$/, 'a URL path such as /mm7')
      .default('/mm7'),
    /** The MM7 schema release we answer with (requests of any release are read). */
    version: z.enum(VERSIONS).default('REL-6-MM7-1-4'),
    /**
     * A bigger request is refused (HTTP 413) before it is read. 1 MiB: a 300 KB MMS is about 400 KB in
     * base64, plus the SOAP envelope and MIME headers, with room for operators that allow 600 KB sent binary.
     */
    maxRequestBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** A request whose headers and body do not arrive within this long is cut off (slow senders hold no slot for ever). */
    requestTimeoutSeconds: z.number().positive().default(60),
    /** An idle keep-alive connection is closed after this long. */
    keepAliveSeconds: z.number().positive().default(30),
    accounts: z.array(accountSchema).default([]),
  })
  .superRefine((o, ctx) => {
    const seen = new Set<string>();
    o.accounts.forEach((a, i) => {
      if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'name'], message: `two accounts are named ${a.name}` });
      seen.add(a.name);
    });
  });

export type Mm7ServerOptions = z.input<typeof optionsSchema>;
export type ResolvedMm7ServerOptions = z.output<typeof optionsSchema>;
export type Mm7AccountOptions = z.output<typeof accountSchema>;
