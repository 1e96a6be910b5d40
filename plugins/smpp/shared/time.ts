// SMPP 3.4's time format (§7.1.1), YYMMDDhhmmsstnnp: absolute times (query_sm's final_date) and relative
// ones (a submit's validity_period).
const two = (n: number) => String(n).padStart(2, '0');

/** An absolute time, in UTC: YYMMDDhhmmss000+. */
export function absoluteTime(d: Date): string {
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}000+`;
}

/**
 * A relative time for a number of minutes, YYMMDDhhmmss000R: days up to 99, then months of 30 days and
 * years of 12 months (a relative validity reaches 63 weeks at most).
 */
export function relativeTime(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const months = days > 99 ? Math.floor(days / 30) : 0;
  const rest = minutes % 1440;
  return `${two(Math.floor(months / 12))}${two(months % 12)}${two(days - months * 30)}${two(Math.floor(rest / 60))}${two(rest % 60)}00000R`;
}
