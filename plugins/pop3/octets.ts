// The bytes of a multi-line answer (RFC 1939 section 3): every line that starts with '.' gets one more
// '.', and a line holding only '.' ends the answer. Sizes announced in LIST and STAT are those of the
// message before this stuffing.
const DOT = 0x2e;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function multiline(bytes: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let from = 0;
  let lineStart = 0;
  while (lineStart < bytes.length) {
    if (bytes[lineStart] === DOT) {
      pieces.push(bytes.subarray(from, lineStart), Buffer.from('.'));
      from = lineStart;
    }
    const lf = bytes.indexOf(LF, lineStart);
    if (lf === -1) break;
    lineStart = lf + 1;
  }
  pieces.push(bytes.subarray(from));
  if (bytes.length > 0 && !bytes.subarray(-2).equals(CRLF)) pieces.push(CRLF);
  pieces.push(TERMINATOR);
  return Buffer.concat(pieces);
}

/** RFC 1939 TOP: the header, the blank line after it, and the first `lines` lines of the body. */
export function topOf(bytes: Buffer, lines: number): Buffer {
  const split = bytes.indexOf(HEADER_END);
  if (split === -1) return bytes;
  let end = split + HEADER_END.length;
  for (let i = 0; i < lines && end < bytes.length; i++) {
    const lf = bytes.indexOf(LF, end);
    end = lf === -1 ? bytes.length : lf + 1;
  }
  return bytes.subarray(0, end);
}
