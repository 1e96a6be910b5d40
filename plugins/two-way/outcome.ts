// What one attempt of a command came to; the runner records it and decides what happens next.

/** An answer to send back: to the sender, or (a redirect to the send URL) to the numbers it names. */
export interface Answer {
  text: string;
  to?: string[];
}

export type Outcome =
  /** Done: `detail` goes into the history; answers (if any) go back as SMS. */
  | { kind: 'done'; detail: string; answers: Answer[] }
  /** A connection failure, a timeout, a 503: tried again later. */
  | { kind: 'retry'; detail: string }
  /** An HTTP error status, a program's failing exit: recorded, not tried again. */
  | { kind: 'final'; detail: string };

/** At most this much of an answer or error text is kept in the history. */
export const DETAIL_CHARS = 300;

export function excerpt(text: string, max = DETAIL_CHARS): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
