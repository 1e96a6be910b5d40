// command_status values in logs and errors: `0x58 ESME_RTHROTTLED` says more than `88`.
import smpp from 'smpp';

const NAMES = new Map<number, string>(Object.entries(smpp.errors).map(([name, code]) => [code, name]));

export function statusName(status: number): string {
  const hex = `0x${status.toString(16).padStart(2, '0')}`;
  const name = NAMES.get(status);
  return name ? `${hex} ${name}` : hex;
}
