// RFC 1939 section 8: a maildrop is opened by one session at a time. The lock lives in this process, keyed
// by the store it guards, so two POP3 servers of one gateway share it and two test gateways do not.
export class MailboxLocks {
  private readonly held = new Set<string>();

  tryLock(user: string): (() => void) | undefined {
    if (this.held.has(user)) return undefined;
    this.held.add(user);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(user);
    };
  }
}

const byStore = new Map<string, MailboxLocks>();

export function locksFor(storeKey: string): MailboxLocks {
  let locks = byStore.get(storeKey);
  if (!locks) byStore.set(storeKey, (locks = new MailboxLocks()));
  return locks;
}
