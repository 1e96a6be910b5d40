// The admin commands and stream topics a gateway answers: core's, and those plug-ins add in setup()
// (named `<plug-in>.<name>`). Registration is frozen when the gateway starts. A call validates its
// parameters with the command's zod schema, so a handler only ever sees a well-formed request.
import type { z } from 'zod';
import { NowsmsError } from '../errors.ts';

type Awaitable<T> = T | Promise<T>;

export interface AdminCommand<S extends z.ZodType = z.ZodType, R = unknown> {
  name: string;
  /** One line for `hello` and the docs. */
  description: string;
  /** The request's parameters (everything in the request line but `v`, `id` and `command`). */
  request: S;
  /** It only reads: the server does not log it as an operator action (every other command is logged with its actor). */
  readOnly?: boolean;
  /** Throw NowsmsError (or any error with a `NOWSMS_ERR_...` code) to answer with that code. */
  handler(request: z.output<S>): Awaitable<R>;
}

/** Exists for type inference: the handler's parameter is typed from the schema. */
export function defineAdminCommand<S extends z.ZodType, R>(command: AdminCommand<S, R>): AdminCommand<S, R> {
  return command;
}

export type Unsubscribe = () => void;

/**
 * A source of events a client can subscribe to (`subscribe` with `topics: [name]`). `from` is the cursor the
 * client sent for this topic (undefined: from now). `push` never blocks: the server drops events a slow
 * reader cannot take and tells it (`lagged`), so a source never buffers for a client. The returned function
 * is called once, when the client unsubscribes or disconnects.
 */
export interface StreamSource<E = unknown, C = unknown> {
  topic: string;
  description: string;
  subscribe(from: C | undefined, push: (event: E) => void): Awaitable<Unsubscribe>;
}

export class AdminRegistry {
  private readonly commands = new Map<string, AdminCommand>();
  private readonly topics = new Map<string, StreamSource>();
  private frozen = false;

  addCommand(command: AdminCommand, owner = 'core'): void {
    this.check(owner, 'command', command.name, this.commands);
    this.commands.set(command.name, command);
  }

  addTopic(source: StreamSource, owner = 'core'): void {
    this.check(owner, 'topic', source.topic, this.topics);
    this.topics.set(source.topic, source);
  }

  private check(owner: string, what: string, name: string, taken: Map<string, unknown>): void {
    if (this.frozen) throw new NowsmsError('NOWSMS_ERR_FROZEN', `${owner} added admin ${what} ${name} after the gateway started: add it in setup()`);
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name))
      throw new NowsmsError('NOWSMS_ERR_PLUGIN', `${owner}: admin ${what} name ${JSON.stringify(name)}: use letters, digits, dot, dash`);
    if (taken.has(name)) throw new NowsmsError('NOWSMS_ERR_PLUGIN', `${owner}: admin ${what} ${name} is already registered`);
  }

  freeze(): void {
    this.frozen = true;
  }

  list(): { commands: { name: string; description: string }[]; topics: { name: string; description: string }[] } {
    return {
      commands: [...this.commands.values()].map((c) => ({ name: c.name, description: c.description })),
      topics: [...this.topics.values()].map((t) => ({ name: t.topic, description: t.description })),
    };
  }

  /** False for an unknown command too: what cannot be looked up is logged. */
  isReadOnly(name: string): boolean {
    return this.commands.get(name)?.readOnly === true;
  }

  topic(name: string): StreamSource {
    const t = this.topics.get(name);
    if (!t) throw new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no admin topic ${name}: ask 'hello' for the topics this gateway streams`);
    return t;
  }

  /** Validate the parameters and run the command. */
  async call(name: string, params: unknown): Promise<unknown> {
    return this.run(name, this.parse(name, params));
  }

  /** Parameters as the command's schema reads them; NOWSMS_ERR_BAD_REQUEST names the first field at fault. */
  parse(name: string, params: unknown): unknown {
    const command = this.command(name);
    const r = command.request.safeParse(params ?? {});
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const extra = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
    throw Object.assign(
      new NowsmsError('NOWSMS_ERR_BAD_REQUEST', `${name}: ${extra ? `unknown field ${extra}` : `${field || '(request)'}: ${issue.message}`}`),
      { field: extra ?? (field || undefined) },
    );
  }

  /** Run with parameters already parsed. */
  async run(name: string, parsed: unknown): Promise<unknown> {
    return this.command(name).handler(parsed);
  }

  private command(name: string): AdminCommand {
    const c = this.commands.get(name);
    if (!c) throw new NowsmsError('NOWSMS_ERR_UNKNOWN_COMMAND', `unknown admin command ${name}: ask 'hello' for the commands this gateway answers`);
    return c;
  }
}
