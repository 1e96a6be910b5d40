// `nowsms <command>`: start the gateway, manage users, inject test messages, list and act on messages.
// A command that changes things asks the running gateway over its admin socket, so it acts at once (its
// users cache, its dispatchers); when no gateway runs, the same admin command runs here, on the store.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { askAdmin } from './admin/client.ts';
import { loginNames, type AdminCommandName, type AdminCommands, type StatusResult } from './admin/protocol.ts';
import { adminSocketPath } from './admin/server.ts';
import { decodePdu, encodeSubmit, isPduError } from './codecs/index.ts';
import { hashPassword } from './auth.ts';
import { loadConfig, type ResolvedConfig } from './config.ts';
import { isNowsmsError, NowsmsError } from './errors.ts';
import { Gateway } from './gateway.ts';
import { createLogger, silentLogger } from './log.ts';
import { MMS_HELP, mms } from './mms-cli.ts';
import { smppPasswordWarning, type UserFields } from './users.ts';
import type { MessageSummary } from './types.ts';

const HELP = `nowsms: an SMS/MMS gateway

  nowsms start [--config <file>]
  nowsms status [--json]                (connections, their state and counters, queue sizes)
  nowsms tui [--readonly] [--no-color]  (the terminal UI: live connections and queues, users, messages, log)
  nowsms users add <name> --password <pw> [user flags]
  nowsms users set <name> [user flags]
  nowsms users list [--json]
  nowsms users remove <name>
  nowsms users hash-password            (reads a password on stdin, prints a passwordHash for the config)
  nowsms inject --from <phone> --to <phone> --text <text> [--mt]   (MO as if received; --mt: to be sent out)
  nowsms messages list [--json] [--user <name>] [--limit <n>]
  nowsms queue list <connection> | --no-route [--page <n>] [--page-size <n>] [--json]
  nowsms messages retry <id>             (a queued message: send it now)
  nowsms messages delete <id>            (a queued, no-route or mailbox message: status deleted)
  nowsms messages requeue <id>           (a no-route message: route it again by the connections' rules)
  nowsms messages move <id> <connection> (a queued or no-route message: onto that connection's queue)
  nowsms admin <command> [<json params>] (any admin command, plug-ins' too; see docs/admin.md)
  nowsms pdu decode <hex> [--no-smsc] [--mo|--mt] [--lenient]   (an SMS PDU as a modem shows it, as JSON; SMS-SUBMIT or SMS-DELIVER/STATUS-REPORT is read from the PDU unless --mo/--mt says)
  nowsms pdu encode --to <phone> --text <text> [--ucs2] [--status-report] [--validity <minutes>]
${MMS_HELP}

user flags:
  --password <pw> | --password-stdin   --full-name <text>
  --smtp-login | --no-smtp-login        (needed for SMTP and POP3)
  --smpp-login | --no-smpp-login
  --http-login | --no-http-login        (send through the HTTP interface: the send URL, Kannel's sendsms, /api/v1)
  --http-admin | --no-http-admin        (read /admin/xmlstatus and provision users over HTTP)
  --rights <a,b>                        (login rights to plug-ins' services, by name; "" for none)
  --receive | --no-receive              (route messages for --recipients to this user; default on)
  --recipients <a,b>                    (phone numbers routed to this user)
  --forced-sender <addr>                --daily-limit <n>  --monthly-limit <n>  --credits <n>
  --allow-ips <ip,cidr>

Every command takes --config <file> (default ./nowsms.config.ts). Commands that change things go through
the running gateway when there is one (it acts at once), else straight to the store; with --json, "via"
says which ("gateway" or "store").
`;

const userOptions = {
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'full-name': { type: 'string' },
  'smtp-login': { type: 'boolean' },
  'no-smtp-login': { type: 'boolean' },
  'smpp-login': { type: 'boolean' },
  'no-smpp-login': { type: 'boolean' },
  'http-login': { type: 'boolean' },
  'no-http-login': { type: 'boolean' },
  'http-admin': { type: 'boolean' },
  'no-http-admin': { type: 'boolean' },
  rights: { type: 'string' },
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
    httpLogin: flag(values, 'http-login', 'no-http-login'),
    httpAdmin: flag(values, 'http-admin', 'no-http-admin'),
    rights: values.rights === undefined ? undefined : (list(values.rights) ?? []),
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
  // A CLI run without the gateway's environment (NOWSMS_DATA_DIR) would otherwise make a second, empty store.
  if (!existsSync(config.dataDir))
    process.stderr.write(
      `nowsms: data directory ${config.dataDir} does not exist yet; creating it (if the gateway uses another, set its NOWSMS_DATA_DIR or --config here too)\n`,
    );
  const gw = await Gateway.open(config, { log: silentLogger() });
  try {
    return await fn(gw);
  } finally {
    await gw.stop();
  }
}

/** Run an admin command on the running gateway, or, when none answers, on the store here. */
async function operate<C extends AdminCommandName>(
  config: ResolvedConfig,
  command: C,
  params: AdminCommands[C]['request'],
): Promise<{ via: 'gateway' | 'store'; result: AdminCommands[C]['result'] }> {
  const asked = await askAdmin(adminSocketPath(config.dataDir), command, params as Record<string, unknown>);
  if (asked.answered) return { via: 'gateway', result: asked.result as AdminCommands[C]['result'] };
  return withGateway(config, async (gw) => ({ via: 'store', result: (await gw.admin.call(command, params)) as AdminCommands[C]['result'] }));
}

function print(out: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(out, null, 2) + '\n' : human() + '\n');
}

function warnSmppPassword(user: { name: string; smppLogin: boolean }, password: string | undefined): void {
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
  const json = Boolean(values.json);
  switch (sub) {
    case 'add':
    case 'set': {
      if (!name) usage(`users ${sub} needs a user name`);
      const fields = userFields(values);
      const { via, result: u } = await operate(config, sub === 'add' ? 'users.add' : 'users.set', { name, ...fields });
      warnSmppPassword(u, fields.password);
      print({ ...u, via }, json, () => `user ${u.name} ${sub === 'add' ? 'added' : 'updated'}`);
      return;
    }
    case 'remove': {
      if (!name) usage('users remove needs a user name');
      const { via } = await operate(config, 'users.remove', { name });
      print({ removed: name, via }, json, () => `user ${name} removed`);
      return;
    }
    case 'list': {
      const { result: all } = await operate(config, 'users.list', {});
      print(all, json, () =>
        all.length === 0
          ? 'no users'
          : all
              .map((u) => `${u.name.padEnd(16)} ${[...loginNames(u), ...(u.receive ? ['receive'] : [])].join(',').padEnd(18)} ${u.recipients.join(',')}`)
              .join('\n'),
      );
      return;
    }
    default:
      usage(`unknown users command: ${sub ?? '(none)'}`);
  }
}

async function inject(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...common, from: { type: 'string' }, to: { type: 'string' }, text: { type: 'string' }, mt: { type: 'boolean' } },
    strict: true,
  });
  if (!values.from || !values.to || values.text === undefined) usage('inject needs --from, --to and --text');
  const config = await loadConfig(values.config);
  const { via, result: a } = await operate(config, 'inject', { from: values.from, to: values.to, text: values.text, direction: values.mt ? 'MT' : 'MO' });
  print({ ...a, via }, Boolean(values.json), () => `message ${a.id} accepted: ${a.target ? JSON.stringify(a.target) : 'no route'}`);
}

async function messages(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'list') return listMessages(rest);
  const { values, positionals } = parseArgs({ args: rest, options: common, allowPositionals: true, strict: true });
  const [id, connection] = positionals;
  if (!id) usage(`messages ${sub ?? ''} needs a message id`);
  const config = await loadConfig(values.config);
  let done;
  switch (sub) {
    case 'retry':
      done = await operate(config, 'messages.retry', { message: id });
      break;
    case 'delete':
      done = await operate(config, 'messages.delete', { message: id });
      break;
    case 'requeue':
      done = await operate(config, 'messages.requeue', { message: id });
      break;
    case 'move':
      if (!connection) usage('messages move needs a message id and a connection');
      done = await operate(config, 'messages.move', { message: id, connection });
      break;
    default:
      usage(`unknown messages command: ${sub ?? '(none)'}`);
  }
  const { via, result } = done;
  print({ ...result, via }, Boolean(values.json), () => `message ${result.id} ${result.status}${result.connection ? ` on ${result.connection}` : ''}`);
}

async function listMessages(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { ...common, user: { type: 'string' }, limit: { type: 'string' } }, strict: true });
  const config = await loadConfig(values.config);
  await withGateway(config, async (gw) => {
    const limit = int(values, 'limit');
    const all = await gw.stores.messages.list({ ...(values.user ? { user: values.user } : {}), ...(limit ? { limit } : {}) });
    print(
      all,
      Boolean(values.json),
      () =>
        all
          .map(
            (m) =>
              `${m.id} ${m.direction} ${m.kind} ${m.from} -> ${m.to} ${m.status}${m.target ? ' ' + JSON.stringify(m.target) : ''}${m.kind === 'mms' ? partsOf(m) : ''}${m.status === 'no-route' ? noRouteWhy(m) : ''}`,
          )
          .join('\n') || 'no messages',
    );
  });
}

async function queue(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'list') usage(`unknown queue command: ${sub ?? '(none)'}`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...common, 'no-route': { type: 'boolean' }, page: { type: 'string' }, 'page-size': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const connection = values['no-route'] ? null : positionals[0];
  if (connection === undefined) usage('queue list needs a connection id, or --no-route');
  if (connection !== null && values['no-route']) usage('queue list takes a connection id or --no-route, not both');
  const page = int(values, 'page');
  const pageSize = int(values, 'page-size');
  const config = await loadConfig(values.config);
  const { via, result: p } = await operate(config, 'queue.list', {
    connection,
    ...(page === undefined ? {} : { page }),
    ...(pageSize === undefined ? {} : { pageSize }),
  });
  print({ ...p, via }, Boolean(values.json), () => {
    const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
    const head = `${connection ?? 'no route'}: ${p.total} message${p.total === 1 ? '' : 's'} waiting (page ${p.page} of ${pages})`;
    return [
      head,
      ...p.items.map(
        (i) =>
          `  ${i.id} ${i.status.padEnd(9)} ${i.from} -> ${i.to} attempts=${i.attempts} next=${i.nextAttemptAt}${i.sending ? ' (sending)' : ''}${i.lastError ? ` last error: ${i.lastError}` : ''}`,
      ),
    ].join('\n');
  });
}

async function admin(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: common, allowPositionals: true, strict: true });
  const [command, params] = positionals;
  if (!command) usage('admin needs a command name (admin hello lists them)');
  let parsed: unknown = {};
  if (params !== undefined) {
    try {
      parsed = JSON.parse(params);
    } catch {
      usage(`admin ${command}: the parameters are one JSON object, not ${params}`);
    }
  }
  const config = await loadConfig(values.config);
  const { via, result } = await operate(config, command as AdminCommandName, parsed as never);
  print({ via, result }, true, () => '');
}

/** Why a message waits: the detail its no-route entry recorded. */
/** An MMS's parts, short: ` [text/plain 12 B, image/jpeg 48213 B, application/smil 310 B]`. */
function partsOf(m: MessageSummary): string {
  return ` [${m.parts.map((p) => `${p.contentType.split(';')[0]} ${p.size} B`).join(', ')}]`;
}

function noRouteWhy(m: MessageSummary): string {
  const why = m.history.findLast((h) => h.status === 'no-route')?.detail;
  return why ? ` (${why})` : '';
}

async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: common, strict: true });
  const config = await loadConfig(values.config);
  const asked = await askAdmin(adminSocketPath(config.dataDir), 'status');
  if (!asked.answered) {
    if (values.json) process.stdout.write(JSON.stringify({ running: false }) + '\n');
    else process.stderr.write(`nowsms: no gateway is running on ${config.dataDir}\n`);
    return 3;
  }
  const result = asked.result as StatusResult;
  print({ running: true, ...result }, Boolean(values.json), () =>
    [
      `gateway running (pid ${result.pid}), node ${result.node}`,
      ...(result.nodes.length > 1
        ? [`  nodes on this database: ${result.nodes.map((n) => (n.connections.length ? `${n.id} (holds ${n.connections.join(', ')})` : n.id)).join('; ')}`]
        : []),
      ...Object.entries(result.connections).map(
        ([id, c]) =>
          `  ${id.padEnd(14)} ${c.kind.padEnd(12)} ${c.state.padEnd(9)} ${(c.listening ?? []).join(' ')} ${c.detail ?? ''} ${Object.entries(c.counters)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
      ),
      ...Object.entries(result.queues).map(([id, q]) => `  queue ${id || '(no route)'}: ${q.queued} queued, ${q.retrying} retrying`),
      ...(result.outbound.length === 0 ? ['  no outbound connection: an MT message waits as no-route until one is configured'] : []),
      ...(result.noRoute > 0
        ? [`  ${result.noRoute} MT message${result.noRoute === 1 ? '' : 's'} waiting with no route ('nowsms queue list --no-route')`]
        : []),
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

/**
 * What a phone sends (SMS-SUBMIT) and what it receives (SMS-DELIVER, STATUS-REPORT) have TP-MTI values that
 * this codec decodes in one direction only, so the PDU says which it is: try the received direction, then
 * the sent one. A PDU that is neither keeps the first error, which names the --mo/--mt flags.
 */
function decodeEitherWay<T>(decode: (direction: 'mt' | 'mo') => T): T {
  try {
    return decode('mt');
  } catch (e) {
    if (!isPduError(e) || e.field !== 'TP-MTI') throw e;
    try {
      return decode('mo');
    } catch (second) {
      throw isPduError(second) && second.field === 'TP-MTI' ? e : second;
    }
  }
}

function pdu(args: string[]): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'no-smsc': { type: 'boolean' },
      mo: { type: 'boolean' },
      mt: { type: 'boolean' },
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
      const hex = positionals[0];
      const decode = (direction: 'mt' | 'mo') => decodePdu(hex, { hasSmsc: !values['no-smsc'], direction, ...(values.lenient ? { lenient: true } : {}) });
      const decoded = values.mo ? decode('mo') : values.mt ? decode('mt') : decodeEitherWay(decode);
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
      // The codec names its API option; here the user typed flags.
      process.stderr.write(`nowsms: ${e.code}: ${e.message.replace(/pass direction: '(mo|mt)'/, 'pass --$1')}\n`);
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
      case 'mms':
        return await mms(args);
      case 'inject':
        await inject(args);
        return 0;
      case 'messages':
        await messages(args);
        return 0;
      case 'queue':
        await queue(args);
        return 0;
      case 'admin':
        await admin(args);
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
