// Texts people send: GSM 7-bit characters (extension table included), Latin-1 and beyond, emoji (UTF-16
// surrogate pairs), combining marks, long runs that need several segments.
import fc from 'fast-check';

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

const char = fc.oneof(
  { arbitrary: fc.constantFrom(...GSM_BASIC), weight: 8 },
  { arbitrary: fc.constantFrom(...GSM_EXTENSION), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
  { arbitrary: fc.constantFrom('😀', '👍🏽', 'é', 'ș', '中', '\u0301'), weight: 1 },
);

/** Up to about five segments' worth. */
export const smsText = fc.array(char, { maxLength: 800 }).map((cs) => cs.join(''));
