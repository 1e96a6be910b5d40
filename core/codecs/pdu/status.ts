// TP-ST (23.040 §9.2.3.15) reduced to what a gateway acts on: done, still trying, or given up.
import type { StatusClass } from './types.ts';

/**
 * 0x00-0x1F: transaction completed (received, forwarded but unconfirmed, or replaced).
 * 0x20-0x3F: temporary error, the SC is still trying.
 * 0x40-0x5F: permanent error; 0x60-0x7F: temporary error but the SC has stopped trying.
 * 0x80-0xFF are reserved: a value that cannot be read as success and promises no later report
 * counts as failed, so a message never waits forever on one.
 */
export function statusClass(status: number): StatusClass {
  if (status <= 0x1f) return 'delivered';
  if (status <= 0x3f) return 'pending';
  return 'failed';
}
