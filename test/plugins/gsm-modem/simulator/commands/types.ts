// The shape every AT command implementation has: one function per V.250 form (action, set,
// read "?", test "=?"), each answering with information lines and a final result.
import type { ParsedCommand } from '../command-line.ts';
import type { Modem } from '../modem.ts';
import type { Param } from '../params.ts';
import type { Final } from '../result-codes.ts';

/** Called with what the TE typed after the "> " prompt; undefined means no final result (the modem went away). */
export type PromptHandler = (body: string, send: boolean) => Promise<Final | undefined> | Final | undefined;

export interface PromptRequest {
  kind: 'prompt';
  complete: PromptHandler;
}

export type Outcome = Final | PromptRequest | undefined | void;

export interface CommandContext {
  readonly modem: Modem;
  readonly cmd: ParsedCommand;
  /** One information response (several lines framed as one block, as +CMGL needs). */
  info(...lines: string[]): void;
  /** False once the modem rebooted or vanished since the command started. */
  alive(): boolean;
  /** Runs once the final result code is on the line (ATZ, AT+CFUN=1,1). */
  afterFinal(fn: () => void): void;
}

type Handler<A extends unknown[]> = (ctx: CommandContext, ...args: A) => Outcome | Promise<Outcome>;

export interface CommandHandler {
  /** The SIM must be unlocked first: +CME ERROR 11/12 or +CMS ERROR 311/316 otherwise. */
  needsSim?: 'cme' | 'cms';
  exec?: Handler<[]>;
  set?: Handler<[Param[]]>;
  read?: Handler<[]>;
  test?: Handler<[]>;
}

export type CommandTable = Record<string, CommandHandler>;
