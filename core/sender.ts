// Which sender address a user's MT message carries.
import type { ResolvedConfig } from './config.ts';
import type { Address, User } from './types.ts';

/** The user's forced sender, else their first recipient address (so replies come back to them), else the default. */
export function senderFor(user: User | undefined, config: Pick<ResolvedConfig, 'sms'>): Address | undefined {
  return user?.forcedSender ?? user?.recipients[0] ?? config.sms.defaultSender;
}
