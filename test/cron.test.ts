/** Cron schedules as robfig/cron's standard parser (the CronJob controller's) reads them. */
import { cronProblem } from '../src/spec/cron';

test.each([
  '30 2 * * *',
  '*/15 * * * *',
  '0 9-17 * * MON-FRI',
  '0 0 1 jan,jul *',
  '5/15 * * * *',
  '0 0 ? * SUN',
  '0 0 31 2 MON',
  '0 0 29 2 *',
  // `*/2` drops the star bit: the day fields are ORed, so it fires on every other weekday of February.
  '0 0 30 2 */2',
  '@hourly',
  '@midnight',
  '@every 1h30m',
  '@every 90s',
])('accepts %j', (schedule) => {
  expect(cronProblem(schedule)).toBeUndefined();
});

test.each([
  ['0 0 * * 7', 'day of week field "7" has "7"; allowed: 0-6 or SUN-SAT'],
  ['0 0 31 2 *', 'never fires: no month in "2" has a day "31"; pick a day every listed month has (or use the last day another way)'],
  // `*/1` keeps robfig's star bit, so the day fields are ANDed and February 30 never comes.
  ['0 0 30 2 */1', 'never fires: no month in "2" has a day "30"; pick a day every listed month has (or use the last day another way)'],
  ['0 0 * 13 *', 'month field "13" has "13"; allowed: 1-12 or JAN-DEC'],
  ['0 0 * * MON-', 'day of week field "MON-" has ""; allowed: 0-6 or SUN-SAT'],
  ['1-2-3 * * * *', 'minute field "1-2-3" has range "1-2-3"; a range is low-high'],
  ['*/5/2 * * * *', 'minute field "*/5/2" has more than one "/"'],
  ['@every 500ms', 'repeats more often than once a second; @every needs at least 1s'],
  ['TZ=UTC 0 2 * * *', "sets a time zone with TZ=, which the Kubernetes API refuses; remove it (CronJobs run in the controller's time zone)"],
  ['0 2 * *', 'has 4 fields but a cron schedule has 5 (minute hour day-of-month month day-of-week)'],
])('rejects %j', (schedule, problem) => {
  expect(cronProblem(schedule)).toBe(problem);
});
