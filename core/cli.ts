// `nowsms <command>`: start the gateway, manage users, inject test messages, list messages.
// Every command but start opens the store directly, so it works whether or not the gateway runs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { adminSocketPath, askAdmin } from './admin.ts';
import { decodePdu, encodeSubmit, isPduError } from './codecs/index.ts';
import { hashPassword } from './auth.ts';
import { loadConfig, type ResolvedConfig } from './config.ts';
import { isNowsmsError, NowsmsError } from './errors.ts';
import { Gateway } from './gateway.ts';
import { createLogger, silentLogger } from './log.ts';
import type { StoredUser } from './types.ts';
import { addUser, publicView, removeUser, setUser, smppPasswordWarning, type UserFields } from './users.ts';

const HELP = `nowsms: an SMS/MMS gateway

  nowsms start [--config <file>]
  nowsms status [--json]                (connections, their state and counters, queue sizes)
  nowsms users add <name> --password <pw> [user flags]
  nowsms users set <name> [user flags]
  nowsms users list [--json]
  nowsms users remove <name>
  nowsms users hash-password            (reads a password on stdin, prints a passwordHash for the config)
  nowsms inject --from <phone> --to <phone> --text <text>
  nowsms messages list [--json] [--user <name>] [--limit <n>]
  nowsms pdu decode <hex> [--no-smsc] [--mo] [--lenient]   (an SMS PDU as a modem shows it, as JSON)
  nowsms pdu encode --to <phone> --text <text> [--ucs2] [--status-report] [--validity <minutes>]

user flags:
  --password <pw> | --password-stdin   --full-name <text>
  --smtp-login | --no-smtp-login        (needed for SMTP and POP3)
  --smpp-login | --no-smpp-login
  --receive | --no-receive              (route messages for --recipients to this user; default on)
  --recipients <a,b>                    (phone numbers routed to this user)
  --forced-sender <addr>                --daily-limit <n>  --monthly-limit <n>  --credits <n>
  --allow-ips <ip,cidr>

Every command takes --config <file> (default ./nowsms.config.ts).
`;

const userOptions = {
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'full-name': { type: 'string' },
  'smtp-login': { type: 'boolean' },
  'no-smtp-login': { type: 'boolean' },
  'smpp-login': { type: 'boolean' },
  'no-smpp-login': { type: 'boolean' },
  receive: { type: 'boolean' },
  'no-receive': { type: 'boolean' },
  recipients: { type: 'string' },
  'forced-sender': { type: 'string' },
  'daily-limit': { type: 'string' },
  'monthly-limit': { type: 'string' },
  credits: { type: 'string' },
  'allow-ips': { type: 'string' },
} as const;

const common = { config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function usage(message: string): never {
  throw new NowsmsError('NOWSMS_ERR_USAGE', `${message}\n\n${HELP}`);
}

function flag(values: Record<string, unknown>, on: string, off: string): boolean | undefined {
  if (values[on] && values[off]) usage(`--${on} and --${off} contradict each other`);
  return values[on] ? true : values[off] ? false : undefined;
}

function int(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) usage(`--${name} takes a whole number, not ${String(v)}`);
  return n;
}

function list(v: unknown): string[] | undefined {
  return typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

function readStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

function userFields(values: Record<string, unknown>): UserFields {
  const fields: UserFields = {
    password: values['password-stdin'] ? readStdin() : (values.password as string | undefined),
    fullName: values['full-name'] as string | undefined,
    smtpLogin: flag(values, 'smtp-login', 'no-smtp-login'),
    smppLogin: flag(values, 'smpp-login', 'no-smpp-login'),
    receive: flag(values, 'receive', 'no-receive'),
    recipients: list(values.recipients),
    forcedSender: values['forced-sender'] as string | undefined,
    dailyLimit: int(values, 'daily-limit'),
    monthlyLimit: int(values, 'monthly-limit'),
    credits: int(values, 'credits'),
    allowIps: list(values['allow-ips']),
  };
  for (const k of Object.keys(fields) as (keyof UserFields)[]) if (fields[k] === undefined) delete fields[k];
  return fields;
}

async function withGateway<T>(config: ResolvedConfig, fn: (gw: Gateway) => Promise<T>): Promise<T> {
  const gw = await Gateway.open(config, { log: silentLogger() });
  try {
    return await fn(gw);
  } finally {
    await gw.stop();
  }
}

function print(out: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(out, null, 2) + '\n' : human() + '\n');
}

function warnSmppPassword(user: StoredUser, password: string | undefined): void {
  const warning = smppPasswordWarning(user, password);
  if (warning) process.stderr.write(`nowsms: warning: ${warning}\n`);
}

async function users(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: { ...common, ...userOptions }, allowPositionals: true, strict: true });
  if (sub === 'hash-password') {
    process.stdout.write((await hashPassword(readStdin())) + '\n');
    return;
  }
  const config = await loadConfig(values.config);
  const name = positionals[0];
  await withGateway(config, async (gw) => {
    const store = gw.stores.users;
    switch (sub) {
      case 'add': {
        if (!name) usage('users add needs a user name');
        const fields = userFields(values);
        const u = await addUser(store, gw.auth, config, name, fields);
        warnSmppPassword(u, fields.password);
        print(publicView(u), Boolean(values.json), () => `user ${u.name} added`);
        return;
      }
      case 'set': {
        if (!name) usage('users set needs a user name');
        const fields = userFields(values);
        const u = await setUser(store, gw.auth, config, name, fields);
        warnSmppPassword(u, fields.password);
        print(publicView(u), Boolean(values.json), () => `user ${u.name} updated`);
        return;
      }
      case 'remove': {
        if (!name) usage('users remove needs a user name');
        if (!(await removeUser(store, name))) throw new NowsmsError('NOWSMS_ERR_USER', `no user ${name}`);
        print({ removed: name }, Boolean(values.json), () => `user ${name} removed`);
        return;
      }
      case 'list': {
        const all = (await store.list()).map(publicView);
        print(all, Boolean(values.json), () =>
          all.length === 0
            ? 'no users'
            : all
                .map(
                  (u) =>
                    `${u.name.padEnd(16)} ${[u.smtpLogin && 'smtp', u.smppLogin && 'smpp', u.receive && 'receive'].filter(Boolean).join(',').padEnd(18)} ${u.recipients.join(',')}`,
                )
                .join('\n'),
        );
        return;
      }
      default:
        usage(`unknown users command: ${sub ?? '(none)'}`);
    }
  });
}

async function inject(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { ...common, from: { type: 'string' }, to: { type: 'string' }, text: { type: 'string' } }, strict: true });
  if (!values.from || !values.to || values.text === undefined) usage('inject needs --from, --to and --text');
  const config = await loadConfig(values.config);
  await withGateway(config, async (gw) => {
    const [a] = await gw.submit([
      {
        direction: 'MO',
        kind: 'sms',
        from: values.from!,
        to: values.to!,
        via: 'cli',
        parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(values.text!, 'utf8') }],
      },
    ]);
    print(a, Boolean(values.json), () => `message ${a!.id} accepted: ${a!.target ? JSON.stringify(a!.target) : 'no route'}`);
  });
}

async function messages(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'list') usage(`unknown messages command: ${sub ?? '(none)'}`);
  const { values } = parseArgs({ args: rest, options: { ...common, user: { type: 'string' }, limit: { type: 'string' } }, strict: true });
  const config = await loadConfig(values.config);
  await withGateway(config, async (gw) => {
    const limit = int(values, 'limit');
    const all = await gw.stores.messages.list({ ...(values.user ? { user: values.user } : {}), ...(limit ? { limit } : {}) });
    print(
      all,
      Boolean(values.json),
      () =>
        all.map((m) => `${m.id} ${m.direction} ${m.kind} ${m.from} -> ${m.to} ${m.status}${m.target ? ' ' + JSON.stringify(m.target) : ''}`).join('\n') ||
        'no messages',
    );
  });
}

async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: common, strict: true });
  const config = await loadConfig(values.config);
  const result = (await askAdmin(adminSocketPath(config.dataDir), { command: 'status' })) as
    | {
        pid: number;
        connections: Record<string, { kind: string; state: string; detail?: string; listening?: string[]; counters: Record<string, number> }>;
        queues: Record<string, { queued: number; retrying: number }>;
      }
    | undefined;
  if (!result) {
    if (values.json) process.stdout.write(JSON.stringify({ running: false }) + '\n');
    else process.stderr.write(`nowsms: no gateway is running on ${config.dataDir}\n`);
    return 3;
  }
  print({ running: true, ...result }, Boolean(values.json), () =>
    [
      `gateway running (pid ${result.pid})`,
      ...Object.entries(result.connections).map(
        ([id, c]) =>
          `  ${id.padEnd(14)} ${c.kind.padEnd(12)} ${c.state.padEnd(9)} ${(c.listening ?? []).join(' ')} ${c.detail ?? ''} ${Object.entries(c.counters)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
      ),
      ...Object.entries(result.queues).map(([id, q]) => `  queue ${id || '(no route)'}: ${q.queued} queued, ${q.retrying} retrying`),
    ].join('\n'),
  );
  return 0;
}

/** JSON for PDU fields: Buffers as hex, Dates as ISO strings. */
function pduJson(value: unknown): string {
  return JSON.stringify(
    value,
    function (key, v) {
      const raw = (this as Record<string, unknown>)[key];
      if (Buffer.isBuffer(raw)) return raw.toString('hex').toUpperCase();
      if (raw instanceof Date) return raw.toISOString();
      return v;
    },
    2,
  );
}

function pdu(args: string[]): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'no-smsc': { type: 'boolean' },
      mo: { type: 'boolean' },
      lenient: { type: 'boolean' },
      to: { type: 'string' },
      text: { type: 'string' },
      ucs2: { type: 'boolean' },
      'status-report': { type: 'boolean' },
      validity: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  try {
    if (sub === 'decode') {
      if (!positionals[0]) usage('pdu decode needs the PDU in hex');
      const decoded = decodePdu(positionals[0], {
        hasSmsc: !values['no-smsc'],
        direction: values.mo ? 'mo' : 'mt',
        ...(values.lenient ? { lenient: true } : {}),
      });
      process.stdout.write(pduJson(decoded) + '\n');
      return 0;
    }
    if (sub === 'encode') {
      if (!values.to || values.text === undefined) usage('pdu encode needs --to and --text');
      const validity = int(values, 'validity');
      const pdus = encodeSubmit({
        to: values.to,
        text: values.text,
        encoding: values.ucs2 ? 'ucs2' : 'auto',
        ...(values['status-report'] ? { statusReport: true } : {}),
        ...(validity === undefined ? {} : { validityMinutes: validity }),
      });
      process.stdout.write(pduJson(pdus) + '\n');
      return 0;
    }
  } catch (e) {
    if (isPduError(e)) {
      process.stderr.write(`nowsms: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  usage(`unknown pdu command: ${sub ?? '(none)'}`);
}

async function start(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: common, strict: true });
  const config = await loadConfig(values.config);
  const log = createLogger({ level: config.log.level, ...(config.log.pretty === undefined ? {} : { pretty: config.log.pretty }) });
  const gw = await Gateway.open(config, { log });
  await gw.start();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    gw.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'start':
        await start(args);
        return -1; // keeps running
      case 'users':
        await users(args);
        return 0;
      case 'status':
        return await status(args);
      case 'pdu':
        return pdu(args);
      case 'inject':
        await inject(args);
        return 0;
      case 'messages':
        await messages(args);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return 0;
      default:
        usage(`unknown command: ${command}`);
    }
  } catch (e) {
    if (isNowsmsError(e)) {
      process.stderr.write(`nowsms: ${e.code}: ${e.message}\n`);
      return e.code === 'NOWSMS_ERR_USAGE' ? 2 : 1;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`nowsms: NOWSMS_ERR_USAGE: ${e.message}\n\n${HELP}`);
      return 2;
    }
    process.stderr.write(`nowsms: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
