/**
 * A timestamp field as seconds: a number in the data's unit, or an ISO 8601 date-time as a shop's
 * export writes it. The repeat bias by age and the session gap read seconds, and exports often
 * hold milliseconds (JavaScript's Date.now) or dates, which would otherwise need a rewrite first.
 */

export const TIME_UNITS = ['s', 'ms'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

const SECONDS_PER: Record<TimeUnit, number> = { s: 1, ms: 1e-3 };

/** YYYY-MM-DD, optionally with hh:mm[:ss[.fff]] after 'T' or a space, and Z or ±hh[:]mm. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** Seconds since 1970-01-01 UTC of an ISO 8601 date-time (UTC without a zone); NaN if none. */
export function isoSeconds(text: string): number {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((f) => Number(f ?? 0));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls an out-of-range field over (Feb 30 = Mar 2): such a date is no date.
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  if (!valid) return NaN;
  const zone = m[8];
  const offsetMinutes =
    zone === undefined || zone === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) *
        (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(zone.length - 2)));
  return ms / 1000 + Number(m[7] ?? 0) - offsetMinutes * 60;
}

/** A field as seconds: a finite number times its unit, else an ISO date-time; NaN if neither. */
export function timestampSeconds(text: string, unit: TimeUnit): number {
  if (text.trim() === '') return NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value * SECONDS_PER[unit] : isoSeconds(text);
}
