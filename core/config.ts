// Config as code: nowsms.config.ts exports defineConfig({...}); this file validates it and loads it.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { rightsSchema } from './auth.ts';
import { isNowsmsError, NowsmsError } from './errors.ts';
import { importConfig } from './loader/index.ts';
import { DEFAULT_MMS_MAX_BYTES, DEFAULT_MMS_TYPES } from './mms/rules.ts';
import type { NowsmsPlugin } from './plugin.ts';

const userSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64'),
  /** Plain password (from the environment, please); hashed before it is stored. */
  password: z.string().min(1).optional(),
  /** A hash made by `nowsms users hash-password`, for configs that must not hold the password. */
  passwordHash: z.string().startsWith('scrypt$').optional(),
  fullName: z.string().optional(),
  smtpLogin: z.boolean().default(false),
  smppLogin: z.boolean().default(false),
  // No default: a declaration without them keeps the hash it had before these keys existed.
  httpLogin: z.boolean().optional(),
  httpAdmin: z.boolean().optional(),
  rights: rightsSchema.optional(),
  receive: z.boolean().default(true),
  recipients: z.array(z.string()).default([]),
  forcedSender: z.string().optional(),
  dailyLimit: z.number().int().positive().optional(),
  monthlyLimit: z.number().int().positive().optional(),
  credits: z.number().int().nonnegative().optional(),
  allowIps: z.array(z.string()).default([]),
});

const pluginSchema = z.custom<NowsmsPlugin>(
  (p) => typeof p === 'object' && p !== null && typeof (p as NowsmsPlugin).name === 'string' && typeof (p as NowsmsPlugin).setup === 'function',
  'a plug-in object with a name and a setup function (call the plug-in factory: smtp(), not smtp)',
);

export const configSchema = z.strictObject({
  /** Where the SQLite database, the secret key and other state live. */
  dataDir: z.string().default('./data'),
  /**
   * This gateway among the nodes that share one database: who holds a connection (holder leases) and the
   * queue entries being sent. Default: the host name and the data directory.
   */
  nodeId: z.string().min(1).max(200).optional(),
  /**
   * How long a node's hold on a connection (an SMSC bind, a modem) lasts unless renewed; renewed every
   * third of it. A node that dies is replaced as holder at most this long after its last renewal.
   */
  holderLeaseSeconds: z.number().int().min(3).max(3600).default(15),
  domains: z
    .strictObject({
      /** Mail to <phone>@sms domain is an SMS; received SMS come from +<phone>@sms domain. */
      sms: z.string().min(1).default('sms.localhost'),
      mms: z.string().min(1).default('mms.localhost'),
    })
    .default({ sms: 'sms.localhost', mms: 'mms.localhost' }),
  /** How numbers without a leading + are read. Without countryCode, 7+ digits are taken as international. */
  numbering: z
    .strictObject({
      countryCode: z
        .string()
        .regex(/^[1-9]\d{0,2}$/, 'a country calling code such as 1 or 44')
        .optional(),
      nationalPrefix: z.string().regex(/^\d*$/).default('0'),
      internationalPrefix: z.string().regex(/^\d*$/).default('00'),
      nationalNumberLength: z.number().int().min(4).max(15).optional(),
    })
    .default({ nationalPrefix: '0', internationalPrefix: '00' }),
  sms: z
    .strictObject({
      /** More segments than this is refused (SMTP 5xx naming the limit). */
      maxSegments: z.number().int().min(1).max(255).default(10),
      /** Sender for a user with no forced sender and no recipient address. */
      defaultSender: z.string().optional(),
    })
    .default({ maxSegments: 10 }),
  /** What an MMS to send may carry, whichever way it came in (SMTP, MM7, ...). */
  mms: z
    .strictObject({
      /** The parts' bytes together, the SMIL presentation included. */
      maxBytes: z.number().int().positive().default(DEFAULT_MMS_MAX_BYTES),
      /** Content types of parts; `image/*` wildcards allowed; parameters and case ignored. */
      allowedTypes: z
        .array(z.string().regex(/^[A-Za-z0-9!#$&^_.+*-]+\/[A-Za-z0-9!#$&^_.+*-]+$/, 'a content type such as image/jpeg or image/*'))
        .default([...DEFAULT_MMS_TYPES]),
    })
    .default({ maxBytes: DEFAULT_MMS_MAX_BYTES, allowedTypes: [...DEFAULT_MMS_TYPES] }),
  /** NowSMS's schedule: immediately, then 30 s, 60 s, +30 s each time, at most 20 attempts. */
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).default(20),
      firstDelaySeconds: z.number().min(0).default(30),
      stepSeconds: z.number().min(0).default(30),
      /** Pause after a throttling error when the connection names none. */
      throttlePauseSeconds: z.number().min(0).default(5),
    })
    .default({ maxAttempts: 20, firstDelaySeconds: 30, stepSeconds: 30, throttlePauseSeconds: 5 }),
  /** A certificate shared by every server that offers TLS (SMTP STARTTLS, POP3 STLS); plug-ins may override. */
  tls: z.strictObject({ keyFile: z.string(), certFile: z.string() }).optional(),
  security: z
    .strictObject({
      /** First delay after a failed login; it doubles per failure from the same address, up to 8x. */
      authFailureDelayMs: z.number().int().min(0).default(1000),
      /** Keep the APOP secret (encrypted) so users can log in with APOP. */
      apop: z.boolean().default(true),
      /** Failed logins from one address within the window before it is locked out (every service). */
      authFailuresPerIp: z.number().int().min(1).default(10),
      /** Failed logins against one account within the window before it is locked out for addresses it never logged in from. */
      authFailuresPerUser: z.number().int().min(1).default(20),
      authFailureWindowSeconds: z.number().positive().default(600),
      authLockoutSeconds: z.number().positive().default(900),
      /** Failed logins in one connection before the server closes it. */
      authFailuresPerSession: z.number().int().min(1).default(3),
    })
    .default({
      authFailureDelayMs: 1000,
      apop: true,
      authFailuresPerIp: 10,
      authFailuresPerUser: 20,
      authFailureWindowSeconds: 600,
      authLockoutSeconds: 900,
      authFailuresPerSession: 3,
    }),
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      pretty: z.boolean().optional(),
    })
    .default({ level: 'info' }),
  /** Hook handlers slower than this count as a temporary failure. */
  hookTimeoutMs: z.number().int().positive().default(30_000),
  users: z.array(userSchema).default([]),
  plugins: z.array(pluginSchema).default([]),
});

export type NowsmsConfig = z.input<typeof configSchema>;
export type ResolvedConfig = z.output<typeof configSchema> & { configDir: string; nodeId: string };
export type ConfigUser = z.output<typeof userSchema>;

/** Exists for type inference in nowsms.config.ts; returns its argument. */
export function defineConfig(config: NowsmsConfig): NowsmsConfig {
  return config;
}

/** Format a zod failure as `field.path: what is expected` lines. */
export function describeIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const field = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      return `${field || '(root)'}: ${i.message}`;
    })
    .join('\n');
}

/** Validate plug-in options with a zod schema; errors name `plugins.<name>.<field>`. */
export function parseOptions<S extends z.ZodType>(pluginName: string, schema: S, options: unknown): z.output<S> {
  const r = schema.safeParse(options ?? {});
  if (!r.success) throw new NowsmsError('NOWSMS_ERR_CONFIG', `invalid options for plug-in ${pluginName}:\n${describeIssues(`plugins.${pluginName}`, r.error)}`);
  return r.data;
}

export function resolveConfig(raw: unknown, configDir: string): ResolvedConfig {
  const r = configSchema.safeParse(raw);
  if (!r.success) throw new NowsmsError('NOWSMS_ERR_CONFIG', `invalid configuration:\n${describeIssues('', r.error)}`);
  const cfg = r.data;
  for (const [i, u] of cfg.users.entries()) {
    if (!u.password && !u.passwordHash)
      throw new NowsmsError('NOWSMS_ERR_CONFIG', `invalid configuration:\nusers.${i}.password: user ${u.name} needs password or passwordHash`);
  }
  const names = new Set<string>();
  for (const p of cfg.plugins) {
    if (names.has(p.name)) throw new NowsmsError('NOWSMS_ERR_CONFIG', `invalid configuration:\nplugins: plug-in ${p.name} is listed twice`);
    names.add(p.name);
  }
  const dataDir = path.resolve(configDir, cfg.dataDir);
  return { ...cfg, dataDir, nodeId: cfg.nodeId ?? `${os.hostname()}:${dataDir}`, configDir };
}

/** Where `nowsms start` without --config looks, in the working directory, in this order. */
const CONFIG_NAMES = ['nowsms.config.ts', 'nowsms.config.mjs', 'nowsms.config.js'];

/**
 * Load nowsms.config.ts (or .mjs/.js): `file`, or the first of CONFIG_NAMES in the working directory. The config
 * is imported into this process's own module graph (see core/loader), so the plug-ins it imports share the
 * gateway's core; it may import other .ts files.
 */
export async function loadConfig(file?: string): Promise<ResolvedConfig> {
  const filepath = file ? path.resolve(file) : CONFIG_NAMES.map((n) => path.join(process.cwd(), n)).find((f) => existsSync(f));
  if (!filepath) throw new NowsmsError('NOWSMS_ERR_CONFIG', `no nowsms.config.ts in ${process.cwd()}: create one or pass --config <file>`);
  if (!existsSync(filepath)) throw new NowsmsError('NOWSMS_ERR_CONFIG', `cannot load config ${file}: there is no such file`);
  let config: unknown;
  try {
    let mod = (await importConfig(filepath)) as { default?: unknown };
    // A CommonJS .js config's module.exports arrives as default; its own `exports.default` once more inside.
    while (mod && typeof mod === 'object' && 'default' in mod && mod.default && typeof mod.default === 'object' && 'default' in mod.default)
      mod = mod.default as { default?: unknown };
    config = mod.default;
  } catch (e) {
    if (isNowsmsError(e)) throw e;
    const cause = e instanceof Error && isNowsmsError(e.cause) ? e.cause : undefined;
    if (cause) throw cause;
    throw new NowsmsError('NOWSMS_ERR_CONFIG', `cannot load config ${file ?? filepath}: ${(e as Error).message}`, { cause: e });
  }
  if (config === undefined) throw new NowsmsError('NOWSMS_ERR_CONFIG', `config ${filepath} has no default export: export default defineConfig({ ... })`);
  return resolveConfig(config, path.dirname(filepath));
}
