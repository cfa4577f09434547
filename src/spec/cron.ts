/**
 * Checks a cron schedule exactly as the Kubernetes CronJob controller reads it: robfig/cron v3's
 * standard parser (`cron.ParseStandard`), which takes five fields or a descriptor.
 * - Fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-6
 *   or SUN-SAT (7 is refused: robfig's day-of-week ends at 6). Names are case-insensitive and
 *   may bound a range (MON-FRI).
 * - Each comma-separated item is `*` or `?` (any), a value, or a range `a-b`, optionally with a
 *   step `/n` (n >= 1); a value with a step (`5/15`) runs from the value to the field's end.
 * - Descriptors: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, and
 *   `@every <duration>` (a Go duration of at least one second).
 * - `TZ=` / `CRON_TZ=` prefixes are refused by the API server (use the CronJob's timeZone).
 * And a schedule robfig accepts but that never fires: a day of month that no listed month has
 * (`0 0 31 2 *`), when the day of week does not widen it (robfig ORs the two day fields only
 * when neither is `*`).
 * @see https://pkg.go.dev/github.com/robfig/cron/v3#hdr-CRON_Expression_Format
 */
interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Days of each month at most (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A Go duration (time.ParseDuration) such as 1h30m or 90s; returns its length in seconds, or undefined. */
function goDurationSeconds(text: string): number | undefined {
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  if (!/^(?:[0-9]+(?:\.[0-9]*)?(?:ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, u] of text.matchAll(/([0-9]+(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(n) * unit[u];
  return total;
}

/** Returns undefined when valid, else what is wrong with the expression. */
export function cronProblem(expression: string): string | undefined {
  const expr = expression.trim();
  if (/^(?:CRON_)?TZ=/.test(expr)) return 'sets a time zone with TZ=, which the Kubernetes API refuses; remove it (CronJobs run in the controller\'s time zone)';
  if (expr.startsWith('@')) {
    if (DESCRIPTORS.has(expr)) return undefined;
    if (expr.startsWith('@every ')) {
      const seconds = goDurationSeconds(expr.slice('@every '.length).trim());
      if (seconds === undefined) return `has ${JSON.stringify(expr.slice('@every '.length).trim())} after @every, which is not a duration such as 1h30m`;
      if (seconds < 1) return 'repeats more often than once a second; @every needs at least 1s';
      return undefined;
    }
    return `is not a known descriptor; known: ${[...DESCRIPTORS].join(', ')}, @every <duration>`;
  }
  const parts = expr.split(/\s+/);
  if (parts.length !== 5) return `has ${parts.length} fields but a cron schedule has 5 (minute hour day-of-month month day-of-week)`;
  const sets: Array<Set<number>> = [];
  for (let i = 0; i < 5; i++) {
    const parsed = parseField(parts[i], FIELDS[i]);
    if (typeof parsed === 'string') return `${FIELDS[i].name} field ${JSON.stringify(parts[i])} ${parsed}`;
    sets.push(parsed.values);
    if (i === 4) {
      const anyWeekday = parsed.star;
      if (anyWeekday && ![...sets[3]].some((m) => [...sets[2]].some((d) => d <= MONTH_DAYS[m - 1]))) {
        return `never fires: no month in ${JSON.stringify(parts[3])} has a day ${JSON.stringify(parts[2])}; pick a day every listed month has (or use the last day another way)`;
      }
    }
  }
  return undefined;
}

/** The values a field selects, and whether it starts with `*` or `?` (robfig's "star" bit). */
function parseField(field: string, spec: Field): { values: Set<number>; star: boolean } | string {
  const values = new Set<number>();
  let star = false;
  for (const item of field.split(',')) {
    if (item === '') return 'has an empty item; separate values with single commas';
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'has more than one "/"';
    let stepBy = 1;
    if (step !== undefined) {
      if (!/^[0-9]+$/.test(step) || Number(step) < 1) return `has step ${JSON.stringify(step)}; a step is a positive integer`;
      stepBy = Number(step);
    }
    let low: number;
    let high: number;
    if (range === '*' || range === '?') {
      [low, high] = [spec.min, spec.max];
      // robfig keeps the star bit for `*` and `*/1` only.
      if (stepBy === 1) star = true;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) return `has range ${JSON.stringify(range)}; a range is low-high`;
      const parsed: number[] = [];
      for (const bound of bounds) {
        const value = valueOf(bound, spec);
        if (value === undefined) return `has ${JSON.stringify(bound)}; allowed: ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ''}`;
        parsed.push(value);
      }
      low = parsed[0];
      // A single value with a step runs to the field's end, as robfig reads it.
      high = parsed.length === 2 ? parsed[1] : step !== undefined ? spec.max : parsed[0];
      if (low > high) return `has range ${JSON.stringify(range)} whose start is after its end`;
    }
    for (let v = low; v <= high; v += stepBy) values.add(v);
  }
  return { values, star };
}

function valueOf(token: string, spec: Field): number | undefined {
  if (/^[0-9]+$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index < 0) return undefined;
  return spec.name === 'month' ? index + 1 : index;
}
