// MM7 status codes (3GPP TS 23.140, the RequestStatus table of the MM7 technical realisation) and what
// each means for a message we submitted: worth trying again later, or never going to work.
//
// How each failure is classed (the spec names the condition; whether a retry can help is ours to decide):
// - 2xxx client errors: the request itself is wrong (address, content, ids, format): permanent.
// - 3000 Server error ("failed to fulfil an apparently valid request"): temporary. 3001 Not possible,
//   3002 Message rejected, 3003 Multiple addresses not supported, 3004 Application addressing not
//   supported: the MMSC will answer the same again: permanent.
// - 4000 General service error: temporary (nothing says it is final). 4006 Service unavailable ("temporary
//   overload"): temporary. 4005 Service error ("should not be sent again"), 4001 Improper identification,
//   4002 Unsupported version, 4003 Unsupported operation, 4004 Validation error, 4007 Service denied (no
//   permission or funds), 4008 Application denied: permanent.
// - A code outside the table: by its class (3xxx temporary, any other failure permanent).

export interface StatusInfo {
  code: number;
  text: string;
  failure: 'permanent' | 'temporary' | undefined;
}

const TABLE: readonly StatusInfo[] = [
  { code: 1000, text: 'Success', failure: undefined },
  { code: 1100, text: 'Partial success', failure: undefined },
  { code: 2000, text: 'Client error', failure: 'permanent' },
  { code: 2001, text: 'Operation restricted', failure: 'permanent' },
  { code: 2002, text: 'Address Error', failure: 'permanent' },
  { code: 2003, text: 'Address Not Found', failure: 'permanent' },
  { code: 2004, text: 'Multimedia content refused', failure: 'permanent' },
  { code: 2005, text: 'Message ID Not found', failure: 'permanent' },
  { code: 2006, text: 'LinkedID not found', failure: 'permanent' },
  { code: 2007, text: 'Message format corrupt', failure: 'permanent' },
  { code: 2008, text: 'Application ID not found', failure: 'permanent' },
  { code: 2009, text: 'Reply Application ID not found', failure: 'permanent' },
  { code: 3000, text: 'Server Error', failure: 'temporary' },
  { code: 3001, text: 'Not Possible', failure: 'permanent' },
  { code: 3002, text: 'Message rejected', failure: 'permanent' },
  { code: 3003, text: 'Multiple addresses not supported', failure: 'permanent' },
  { code: 3004, text: 'Application Addressing not supported', failure: 'permanent' },
  { code: 4000, text: 'General service error', failure: 'temporary' },
  { code: 4001, text: 'Improper identification', failure: 'permanent' },
  { code: 4002, text: 'Unsupported version', failure: 'permanent' },
  { code: 4003, text: 'Unsupported Operation', failure: 'permanent' },
  { code: 4004, text: 'Validation error', failure: 'permanent' },
  { code: 4005, text: 'Service error', failure: 'permanent' },
  { code: 4006, text: 'Service unavailable', failure: 'temporary' },
  { code: 4007, text: 'Service denied', failure: 'permanent' },
  { code: 4008, text: 'Application denied', failure: 'permanent' },
];

const BY_CODE = new Map(TABLE.map((s) => [s.code, s]));

/** Every status code of the table, in order. */
export const MM7_STATUSES: readonly StatusInfo[] = TABLE;

/** The TS 23.140 name of a status code ("Address Error"), or a generic one by its class. */
export function statusText(code: number): string {
  const known = BY_CODE.get(code);
  if (known) return known.text;
  if (code >= 1000 && code < 2000) return 'Success';
  if (code >= 2000 && code < 3000) return 'Client error';
  if (code >= 3000 && code < 4000) return 'Server Error';
  if (code >= 4000 && code < 5000) return 'General service error';
  return `Status ${code}`;
}

/** undefined for success (1xxx); otherwise whether a later retry may succeed. */
export function failureOf(code: number): 'permanent' | 'temporary' | undefined {
  const known = BY_CODE.get(code);
  if (known) return known.failure;
  if (code >= 1000 && code < 2000) return undefined;
  if (code >= 3000 && code < 4000) return 'temporary';
  return 'permanent';
}

export function isSuccess(code: number): boolean {
  return code >= 1000 && code < 2000;
}
