// The options of one outbound MM7 connection (we are a VASP of an operator MMSC), validated at config
// load so a typo names its field (plugins.mm7-client:<id>.<field>).
import { z } from 'zod';
import { ALL_VERSIONS } from '../mm7/versions.ts';
import type { Mm7Version } from '../mm7/types.ts';

export const optionsSchema = z.strictObject({
  /** The connection id: status, routing and the store know the connection by it. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64')
    .default('mmsc'),
  /** The MMSC's MM7 endpoint, http(s)://host:port/path (credentials go in vaspId/password). */
  url: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'an http: or https: URL'),
  /** Our VASP id at the MMSC: the HTTP Basic user name and the VASPID element. */
  vaspId: z.string().min(1),
  password: z.string(),
  /** The VASID element (the service of ours the MMSC knows), when the MMSC wants one. */
  vasId: z.string().min(1).optional(),
  /** The ServiceCode element (for the MMSC's billing), when it wants one. */
  serviceCode: z.string().min(1).optional(),
  /** The one MM7 schema release we write (namespace and MM7Version). */
  version: z.enum(ALL_VERSIONS as [Mm7Version, ...Mm7Version[]]).default('REL-6-MM7-1-4'),
  /** The MM7Version element, when the MMSC wants another value than the release's usual one (mm7/versions.ts). */
  mm7Version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'a version such as 5.3.0')
    .optional(),
  /** Ask the MMSC for a delivery report (DeliveryReport element). */
  deliveryReport: z.boolean().default(true),
  /** A SubmitReq not answered within this is a temporary failure (retried). */
  timeoutSeconds: z.number().positive().default(30),
  /** The SOAPAction header; most MMSCs ignore it, some want the namespace. */
  soapAction: z.string().default('""'),
  /** Verify the MMSC's certificate (https); false for a test MMSC with a self-signed one. */
  rejectUnauthorized: z.boolean().default(true),
  /** NowSMS's "Embed Original Sender Address in Subject Header": an MMS a user sent carries "(FM: user)". */
  embedSenderInSubject: z.boolean().default(false),
  /** This connection's own numbers: an MT whose sender is one of them goes out here (besides defaultSender). */
  numbers: z.array(z.string().min(1)).default([]),
  /** Sender for messages without one, and the only sender when allowSenderOverride is false. */
  defaultSender: z.string().min(1).optional(),
  allowSenderOverride: z.boolean().default(true),
  /** Outbound routing: recipient masks this connection carries (`+44*`). */
  recipients: z.array(z.string().min(1)).default([]),
  /** Outbound routing: takes any MT no other rule placed. */
  anyTraffic: z.boolean().default(false),
  /** SubmitReqs in flight at once. */
  window: z.number().int().min(1).max(100).default(4),
});

export type Mm7ClientOptions = z.input<typeof optionsSchema>;
export type ResolvedMm7ClientOptions = z.output<typeof optionsSchema>;
