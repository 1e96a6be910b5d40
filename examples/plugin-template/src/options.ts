import { z } from 'zod';

export const optionsSchema = z.strictObject({
  /** Where every message is POSTed (http or https). */
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
  /** The HMAC secret of the X-Nowsms-Signature header, at least 16 characters: the webhook checks it. */
  secret: z.string().min(16, 'at least 16 characters'),
  /** The connection's id (in `nowsms status`, and the target in each message's history). */
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore')
    .default('webhook'),
  /** Only messages to these numbers (masks such as `+44*`); default every MO no user takes. */
  recipients: z.array(z.string().min(1)).min(1).optional(),
  /** One POST's deadline; past it the attempt is retried. */
  timeoutSeconds: z.number().positive().max(300).default(10),
  /** POSTs in flight at once. */
  window: z.number().int().min(1).max(64).default(4),
});

export type WebhookOptions = z.input<typeof optionsSchema>;
export type ResolvedWebhookOptions = z.output<typeof optionsSchema>;
