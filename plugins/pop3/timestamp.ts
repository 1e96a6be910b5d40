// The APOP challenge of RFC 1939 section 7: `<process-ID.clock@hostname>`, a msg-id that must differ for
// every greeting (mpop refuses anything not shaped like this). The clock only moves forward, so two
// sessions greeted in one millisecond still get different challenges.
let last = 0;

export function apopTimestamp(hostname: string, now = Date.now()): string {
  last = Math.max(now, last + 1);
  return `<${process.pid}.${last}@${hostname}>`;
}

/** A hostname usable inside the msg-id (os.hostname() may hold characters a msg-id cannot). */
export function msgIdHost(hostname: string): string {
  const clean = hostname.replace(/[^A-Za-z0-9.-]/g, '-').replace(/^[.-]+|[.-]+$/g, '');
  return clean || 'localhost';
}
