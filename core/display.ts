/**
 * How people read times, durations and money in spotplane's CLIs, dashboard and reports: dated times in
 * UTC (`2026-11-24 10:01:00 UTC`), durations in the two largest units (`4 min 10 s`), dollars with the
 * precision their size needs.
 */

/** `2026-11-24 10:01:00 UTC`; `–` for nothing; the text itself when it is no time. */
export function dateTime(iso: string | number | Date | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `10:01:00` (UTC, no date): for the rows of one day's timeline where the date is shown once above. */
export function timeOfDay(iso: string | number | Date | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().slice(11, 19);
}

/**
 * A duration in its two largest units: `0.4 s` (tenths under ten seconds: state transitions are that
 * close), `42 s`, `4 min 10 s`, `2 h 5 min`, `3 d 4 h`; `–` for a negative or unknown one.
 */
export function duration(ms: number): string {
  if (!(ms >= 0) || !Number.isFinite(ms)) return '–';
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** `$0.25`, `$1,234.50`, `$0.0123` (small amounts keep four decimals so cents of a cent stay visible). */
export function dollars(amount: number): string {
  if (!Number.isFinite(amount)) return '–';
  const digits = Math.abs(amount) < 1 && amount !== 0 ? 4 : 2;
  return `${amount < 0 ? '-' : ''}$${Math.abs(amount).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: digits,
  })}`;
}

/**
 * Axis ticks people can read: multiples of 1, 2 or 5 times a power of ten ($0.20, $0.25, $0.30; never
 * $0.203), at most `maxTicks` of them between `min` and `max`, and the decimals that step needs.
 *
 * @example
 * niceTicks(0.19, 0.31, 5); // { ticks: [0.2, 0.25, 0.3], step: 0.05, decimals: 2 }
 */
export function niceTicks(
  min: number,
  max: number,
  maxTicks = 6,
): { ticks: number[]; step: number; decimals: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { ticks: [], step: 1, decimals: 0 };
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, maxTicks - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10]
    .map((m) => m * power)
    .find((s) => Math.floor(max / s) - Math.ceil(min / s) + 1 <= maxTicks) ?? 10 * power) as number;
  const decimals = Math.max(
    0,
    ...[step].map((s) => (s.toPrecision(12).replace(/0+$/, '').split('.')[1] ?? '').length),
  );
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) {
    ticks.push(Number((i * step).toFixed(decimals)));
  }
  return { ticks, step, decimals };
}
