// The command table: which command a received message goes to.
import { matchesMask, type Message } from 'nowsms';
import { commandName, mailtoOf, type CommandOptions } from './options.ts';
import { commandText, splitKeyword } from './placeholders.ts';

export interface Command extends CommandOptions {
  /** The id in the route target (`{ kind: 'command', id }`) and the history. */
  id: string;
  /** mailto: one of the gateway's own domains: the user whose mailbox it lands in. */
  localUser?: string;
  /** receiveNumber normalised, when it is a number. */
  receiveAddress?: string;
}

export function resolveCommands(list: CommandOptions[], localDomains: string[], normalize: (a: string) => string): Command[] {
  return list.map((c) => {
    const mail = typeof c.action === 'string' ? mailtoOf(c.action) : undefined;
    let receiveAddress: string | undefined;
    try {
      receiveAddress = c.receiveNumber !== undefined ? normalize(c.receiveNumber) : undefined;
    } catch {
      receiveAddress = undefined; // a connection id, not a number
    }
    return {
      ...c,
      id: commandName(c),
      ...(mail && localDomains.includes(mail.domain) ? { localUser: mail.local } : {}),
      ...(receiveAddress !== undefined ? { receiveAddress } : {}),
    };
  });
}

function applies(c: Command, message: Message): boolean {
  if (c.receiveNumber !== undefined && c.receiveNumber !== message.via && c.receiveAddress !== message.to && c.receiveNumber !== message.to) return false;
  if (c.sender !== undefined && !matchesMask(message.from, c.sender)) return false;
  return true;
}

/**
 * The command for a received message: a command whose keyword is the message's first word (case-insensitive),
 * in table order; else the first `*` command. Each only when its receive number and sender filter agree.
 */
export function matchCommand(commands: readonly Command[], message: Message): Command | undefined {
  const [word] = splitKeyword(commandText(message));
  const upper = word.toUpperCase();
  return (
    commands.find((c) => c.keyword !== '*' && c.keyword === upper && applies(c, message)) ?? commands.find((c) => c.keyword === '*' && applies(c, message))
  );
}
