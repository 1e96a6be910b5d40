// "(FM: username)" in an MMS subject: NowSMS's "Embed Original Sender Address in Subject Header". An MMS a
// user sends over a connection with the option on carries the marker; a phone's reply keeps the subject
// (with a "Re:" in front), so the marker in a received MMS names the user the reply is for.

// Anywhere in the subject, any case, spaces inside the brackets allowed. A user name is what users.ts takes.
const MARKER = /\(\s*FM\s*:\s*([A-Za-z0-9._@-]+)\s*\)/i;

/** The subject with "(FM: user)" added at the end (once: a subject that already names this user is kept). */
export function withSenderMarker(subject: string | undefined, user: string): string {
  const s = (subject ?? '').trim();
  const found = findSenderMarker(s);
  if (found && found.user === user) return s;
  const base = found ? found.subject : s;
  return base ? `${base} (FM: ${user})` : `(FM: ${user})`;
}

/** The user a subject's "(FM: user)" names, and the subject without the marker; undefined when it has none. */
export function findSenderMarker(subject: string | undefined): { user: string; subject: string } | undefined {
  if (!subject) return undefined;
  const m = MARKER.exec(subject);
  if (!m) return undefined;
  const rest = (subject.slice(0, m.index) + ' ' + subject.slice(m.index + m[0].length)).replace(/\s{2,}/g, ' ').trim();
  // "Re: (FM: alice)" leaves "Re:": a prefix with nothing after it says nothing.
  return { user: m[1]!, subject: /^(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|antw)\s*:\s*)+$/i.test(rest) ? '' : rest };
}
