// Start-up failures that a reset cannot cure, by what the modem's owner has to do about them.

/** Needs the operator (a wrong PIN, a blocked SIM, no PDU mode): the modem stays down until a restart with a changed config. */
export class FatalModemError extends Error {
  override name = 'FatalModemError';
}

/** Not fixable by a reset (no SIM card yet): reopen the port later, with backoff. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}
