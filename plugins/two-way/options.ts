// The plug-in's options and its command table, validated when the config loads (errors name the field).
import path from 'node:path';
import { z } from 'zod';
import { NowsmsError } from 'nowsms';
import { unknownPlaceholders } from './placeholders.ts';

const keyword = z
  .string()
  .regex(/^(\*|\S+)$/, 'one word (the first word of the message, any case), or * for everything else')
  .transform((k) => k.toUpperCase());

/** An http(s) URL, a mailto: address, or a program and its arguments (no shell). */
const action = z.union([
  z
    .string()
    .regex(
      /^(https?:\/\/\S+|mailto:[^\s@]+@[^\s@]+)$/i,
      'an http:// or https:// URL, or mailto:<user>@<domain>; a program is a list ["/path/to/program", "arg", ...]',
    ),
  z
    .array(z.string())
    .min(1)
    .refine((a) => path.isAbsolute(a[0]!), 'a program is run without a shell and without PATH: its first element is an absolute path'),
]);

export const commandSchema = z.strictObject({
  /** First word of the message, case-insensitive; `*` takes whatever no other command took. */
  keyword,
  /** Only messages received on this number (the recipient) or connection (its id). */
  receiveNumber: z.string().min(1).optional(),
  /** Only messages from senders matching this mask (`+44*`). */
  sender: z.string().min(1).optional(),
  action,
  /** The id in the message's route target and history (default: the keyword, with @receiveNumber). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9*@+._:-]{1,64}$/)
    .optional(),
  /** "Command returns response text": a text/plain answer (HTTP body, program stdout) goes back as an SMS. */
  reply: z.boolean().default(true),
  /** HTTP only. */
  method: z.enum(['GET', 'POST']).default('GET'),
  /** POST only: the fields as a form (application/x-www-form-urlencoded), JSON, or multipart (MMS parts as files). */
  body: z.enum(['form', 'json', 'multipart']).default('form'),
  /** POST only: the fields sent (templates); default every placeholder under its lower-case name. */
  fields: z.record(z.string(), z.string()).optional(),
  /** An HTTP error status (4xx, 5xx but 503) is final (NowSMS's rule), or retried like a timeout. */
  httpErrors: z.enum(['final', 'retry']).default('final'),
  /** One call or run, before it counts as a timeout (retried). */
  timeoutSeconds: z.number().positive().max(3600).optional(),
});
export type CommandOptions = z.output<typeof commandSchema>;

export const optionsSchema = z.strictObject({
  commands: z.array(commandSchema).default([]),
  /** A reply longer than this many SMS segments is cut (and never more than sms.maxSegments). */
  replyMaxSegments: z.number().int().min(1).max(255).default(3),
  /** Default for commands that do not set their own. */
  timeoutSeconds: z.number().positive().max(3600).default(30),
  /** Commands running at once. */
  concurrency: z.number().int().min(1).max(256).default(8),
  /** Attempts and backoff for retried outcomes; default the gateway's `retry` (immediately, 30 s, 60 s, +30 s...). */
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).optional(),
      firstDelaySeconds: z.number().min(0).optional(),
      stepSeconds: z.number().min(0).optional(),
    })
    .default({}),
  /** Sign HTTP calls: `X-Nowsms-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
  signature: z.strictObject({ secret: z.string().min(16, 'at least 16 characters'), header: z.string().default('X-Nowsms-Signature') }).optional(),
  /** Where mailto: to another domain goes (an SMTP smarthost). */
  smarthost: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(25),
      /** TLS from the first byte (465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      user: z.string().optional(),
      password: z.string().optional(),
    })
    .optional(),
});
export type TwoWayOptions = z.input<typeof optionsSchema>;
export type ResolvedOptions = z.output<typeof optionsSchema>;

/** The templates of a command (URL, program arguments, fields), for the placeholder check. */
export function templatesOf(c: CommandOptions): string[] {
  return [...(Array.isArray(c.action) ? c.action : [c.action]), ...Object.values(c.fields ?? {})];
}

/** Checks zod cannot make: unknown placeholders, names used twice, mailto: outside without a smarthost. */
export function checkCommands(o: ResolvedOptions, localDomains: string[]): void {
  const problems: string[] = [];
  const names = new Set<string>();
  o.commands.forEach((c, i) => {
    const where = `plugins.two-way.commands.${i}`;
    const unknown = templatesOf(c).flatMap(unknownPlaceholders);
    if (unknown.length) problems.push(`${where}: unknown placeholder${unknown.length > 1 ? 's' : ''} ${[...new Set(unknown)].join(', ')}`);
    const name = commandName(c);
    if (names.has(name)) problems.push(`${where}.name: command ${name} is declared twice: give one a name`);
    names.add(name);
    const mail = typeof c.action === 'string' ? mailtoOf(c.action) : undefined;
    if (mail && !localDomains.includes(mail.domain) && !o.smarthost)
      problems.push(`${where}.action: ${c.action} is outside the gateway's domains (${localDomains.join(', ')}): set plugins.two-way.smarthost to send it`);
    if (c.method === 'POST' && !isHttp(c.action)) problems.push(`${where}.method: POST is for http(s) actions`);
    if (isHttp(c.action) && !URL.canParse(c.action)) problems.push(`${where}.action: ${c.action} is not a valid URL`);
  });
  if (problems.length) throw new NowsmsError('NOWSMS_ERR_CONFIG', `invalid options for plug-in two-way:\n${problems.join('\n')}`);
}

export function commandName(c: Pick<CommandOptions, 'name' | 'keyword' | 'receiveNumber'>): string {
  return c.name ?? (c.receiveNumber ? `${c.keyword}@${c.receiveNumber}` : c.keyword);
}

export function isHttp(a: CommandOptions['action']): a is string {
  return typeof a === 'string' && /^https?:/i.test(a);
}

export function mailtoOf(a: string): { local: string; domain: string; address: string } | undefined {
  const m = /^mailto:([^\s@]+)@([^\s@]+)$/i.exec(a);
  return m ? { local: m[1]!, domain: m[2]!.toLowerCase(), address: `${m[1]}@${m[2]}` } : undefined;
}

/**
 * NOWSMS_TWO_WAY for the example config: a JSON array of { keyword, receiveNumber?, action } (and any other
 * command key). Errors name the variable.
 */
export function parseTwoWayCommands(json: string | undefined): CommandOptions[] {
  if (json === undefined || json.trim() === '') return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new NowsmsError(
      'NOWSMS_ERR_CONFIG',
      `NOWSMS_TWO_WAY is not JSON (${(e as Error).message}): give an array such as [{"keyword":"WEATHER","action":"https://..."}]`,
    );
  }
  const r = z.array(commandSchema).safeParse(raw);
  if (!r.success)
    throw new NowsmsError(
      'NOWSMS_ERR_CONFIG',
      `NOWSMS_TWO_WAY: ${r.error.issues.map((i) => `${['NOWSMS_TWO_WAY', ...i.path.map(String)].join('.')}: ${i.message}`).join('\n')}`,
    );
  return r.data;
}
