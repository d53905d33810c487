/**
 * Fair share: the booking rules and time allowances of a site (BOOKING_RULES), and how a write is
 * judged by them. Shape rules (how short or long a booking, how soon or how far ahead it starts)
 * are judged on the request alone, and refused with a 400. Allowances (hours and bookings per
 * night, per week, per rolling N nights, and held in the future at once) are conditions of the
 * write's plan over the owner's own bookings at the site, checked by the store in the write's
 * atomic step like the conflict rule, and refused with a 409 that names the rule, the period and
 * the numbers.
 *
 * A write is charged only its difference: a period is refused only when the write raises its usage
 * and leaves it above the limit, so a modify that shrinks or keeps a booking always passes, a delete
 * always refunds, and rules tightened later never touch what is booked (only new writes are judged).
 * LCO observations are never judged and never count. Only periods that end after the write are
 * judged: time already past is no longer shared.
 */
import type { Actor } from './actor.js';
import type { Booking } from './conflicts.js';
import { AllowanceExceededError, BookingBegunError, BookingRuleError } from './errors.js';
import {
  addNights, dateOfDay, dayLabel, nightNumber, nightOf, nightRange, nightSpan, nightsSpan, nightsSpanOf, overlapMs, weekOf, weekStart, type NightDate, type Span,
} from './periods.js';
import { isLcoOrigin, type Reservation } from './reservation.js';
import { formatUtcTime } from './time.js';
import type { Condition } from './write-plan.js';

/** Most hours, most bookings, in a period; a missing or null field is no limit. */
export interface Quota {
  readonly hours?: number | null;
  readonly bookings?: number | null;
}

export interface RollingQuota extends Quota {
  /** The window's length in nights, 1 to MAX_ROLLING_NIGHTS. */
  readonly nights: number;
}

/** One set of rules; a missing field is inherited (default, then site, then role), null is no limit. */
export interface RuleSet {
  readonly shortest_minutes?: number | null;
  readonly longest_hours?: number | null;
  /** A booking starts at least this long after it is made. */
  readonly notice_minutes?: number | null;
  /** A booking starts at most this far ahead. */
  readonly ahead_days?: number | null;
  readonly per_night?: Quota | null;
  readonly per_week?: Quota | null;
  readonly rolling?: RollingQuota | null;
  /** What one user may hold from now on, at once (the future part of each booking). */
  readonly held?: Quota | null;
}

export const EXEMPT = 'exempt';

/** BOOKING_RULES: a default, each site's changes to it, and each role's (or group's) changes to those, or exemption. */
export interface BookingRules {
  readonly default?: RuleSet;
  readonly sites?: Readonly<Record<string, RuleSet>>;
  /** By role or group name (the roles claim, or GROUP_CLAIM); `admin` is exempt unless named here. */
  readonly roles?: Readonly<Record<string, RuleSet | typeof EXEMPT>>;
}

/** The longest rolling window: its periods, and the owner's bookings a store reads for them, stay within about a month. */
export const MAX_ROLLING_NIGHTS = 31;
/**
 * How far before a write an owner's bookings can matter to it: the longest period that still ends
 * after the write (a rolling window, or a week, each a night longer across a clock change) plus a
 * margin for clocks that disagree. A store keeping an owner's bookings apart (DynamoDB) may drop
 * those that ended longer ago than this.
 */
export const OWNER_LOOKBACK_DAYS = MAX_ROLLING_NIGHTS + 9;

/** The rules one actor books under at one site: every field settled, null where there is no limit. */
export interface SiteRules {
  readonly site: string;
  /** The site's IANA zone (UTC for a site without a place). */
  readonly zone: string;
  /** The role or group whose rules apply, if any. */
  readonly role: string | null;
  readonly exempt: boolean;
  readonly shortest_minutes: number | null;
  readonly longest_hours: number | null;
  readonly notice_minutes: number | null;
  readonly ahead_days: number | null;
  readonly per_night: Quota | null;
  readonly per_week: Quota | null;
  readonly rolling: RollingQuota | null;
  readonly held: Quota | null;
}

const RULE_FIELDS = ['shortest_minutes', 'longest_hours', 'notice_minutes', 'ahead_days', 'per_night', 'per_week', 'rolling', 'held'] as const;

function overlay(base: Record<string, unknown>, changes: RuleSet | undefined): void {
  if (!changes) return;
  for (const field of RULE_FIELDS) if (changes[field] !== undefined) base[field] = changes[field];
}

/** The role whose rules an actor books under: admin first, then the first of BOOKING_RULES.roles the actor holds. */
function roleOf(rules: BookingRules, actor: Actor): { name: string; rules: RuleSet | typeof EXEMPT } | null {
  if (actor.kind !== 'user') return null;
  const roles = rules.roles ?? {};
  if (actor.isAdmin) return { name: 'admin', rules: Object.hasOwn(roles, 'admin') ? roles.admin! : EXEMPT };
  const held = new Set(actor.roles ?? []);
  for (const [name, set] of Object.entries(roles)) if (name !== 'admin' && held.has(name)) return { name, rules: set };
  return null;
}

/** The rules `actor` books under at `site`: the default, overlaid by the site's, then by the actor's role's (or exempt). */
export function siteRules(rules: BookingRules, site: string, zone: string, actor: Actor): SiteRules {
  const settled: Record<string, unknown> = Object.fromEntries(RULE_FIELDS.map((field) => [field, null]));
  overlay(settled, rules.default);
  overlay(settled, rules.sites && Object.hasOwn(rules.sites, site) ? rules.sites[site] : undefined);
  const role = roleOf(rules, actor);
  if (role && role.rules !== EXEMPT) overlay(settled, role.rules);
  return { ...(settled as unknown as Omit<SiteRules, 'site' | 'zone' | 'role' | 'exempt'>), site, zone, role: role?.name ?? null, exempt: role?.rules === EXEMPT };
}

/** Whether any rule is set at all: without BOOKING_RULES nothing is judged. */
export function hasRules(rules: BookingRules): boolean {
  return Object.keys(rules.default ?? {}).length > 0 || Object.keys(rules.sites ?? {}).length > 0 || Object.keys(rules.roles ?? {}).length > 0;
}

const HOUR_MS = 3_600_000;
/** Stored times are canonical UTC (time.ts), which the runtime's own parser reads exactly and fastest. */
const msOf = (time: string): number => Date.parse(time);
const spanOf = (booking: Pick<Booking, 'start' | 'end'>): Span => ({ start: msOf(booking.start), end: msOf(booking.end) });
const timeOf = (ms: number): string => formatUtcTime(Math.floor(ms / 1000));

/**
 * A duration as people write it: in hours where it is a whole hundredth of one (`1.5 h`, `4 h`,
 * `0.25 h`), else spelled out to the second (`4 h 1 s`, `14 min 59 s`), so that a refusal never
 * rounds a booking into agreement with the rule it breaks.
 */
export function hoursText(ms: number): string {
  return ms % 36_000 === 0 ? `${ms / HOUR_MS} h` : durationText(ms);
}

/** A duration spelled out to the second: `30 min`, `1 h 30 min`, `14 min 59 s`. */
export function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts = [[Math.floor(seconds / 3600), 'h'], [Math.floor((seconds % 3600) / 60), 'min'], [seconds % 60, 's']] as const;
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}`).join(' ') || '0 h';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A period an allowance is counted in. */
export interface Period {
  readonly kind: 'per_night' | 'per_week' | 'rolling' | 'held';
  readonly span: Span;
  /** Its first night (a day number) and how many nights, to name it (none: held). */
  readonly first?: number;
  readonly nights?: number;
}

/** As a refusal names a period: `on the night of 14 Dec 2026`. Made only for a refusal: judging names none. */
function periodLabel(period: Period): string {
  const first = dayLabel(dateOfDay(period.first ?? 0));
  if (period.kind === 'per_night') return `on the night of ${first}`;
  if (period.kind === 'per_week') return `in the week of ${first}`;
  if (period.kind === 'rolling') return `in the ${period.nights} nights from ${first} to ${dayLabel(dateOfDay(period.first! + period.nights! - 1))}`;
  return 'held from now on';
}

/** The periods of each allowance that a booking over `span` is counted in and that end after `now`. */
export function periodsOf(rules: SiteRules, span: Span, now: number): Period[] {
  const [bookingFirst, lastNight] = nightRange(rules.zone, span);
  // Nights longer ago than the longest period that can still end after now are never judged: a
  // booking begun long ago costs no more periods than one begun tonight.
  const firstNight = Math.max(bookingFirst, nightNumber(rules.zone, now) - MAX_ROLLING_NIGHTS - 7);
  const periods: Period[] = [];
  if (rules.per_night) {
    for (let night = firstNight; night <= lastNight; night++) periods.push({ kind: 'per_night', span: nightsSpanOf(rules.zone, night, 1), first: night, nights: 1 });
  }
  if (rules.per_week) {
    for (let monday = weekStart(firstNight); monday <= lastNight; monday += 7) {
      periods.push({ kind: 'per_week', span: nightsSpanOf(rules.zone, monday, 7), first: monday, nights: 7 });
    }
  }
  if (rules.rolling) {
    const n = rules.rolling.nights;
    // Every window of n nights holding one of the booking's nights.
    for (let first = firstNight + 1 - n; first <= lastNight; first++) periods.push({ kind: 'rolling', span: nightsSpanOf(rules.zone, first, n), first, nights: n });
  }
  if (rules.held) periods.push({ kind: 'held', span: { start: now, end: Number.MAX_SAFE_INTEGER } });
  return periods.filter((period) => period.span.end > now);
}

interface Usage {
  readonly ms: number;
  readonly bookings: number;
}

function usageIn(spans: readonly Span[], period: Span): Usage {
  let ms = 0;
  let count = 0;
  for (const span of spans) {
    const inside = overlapMs(span, period);
    if (inside > 0) {
      ms += inside;
      count += 1;
    }
  }
  return { ms, bookings: count };
}

const QUOTA_WORDS: Record<Exclude<Period['kind'], 'held'>, string> = { per_night: 'per night', per_week: 'per week', rolling: '' };

function quotaOf(rules: SiteRules, kind: Period['kind']): Quota | null {
  return kind === 'per_night' ? rules.per_night : kind === 'per_week' ? rules.per_week : kind === 'rolling' ? rules.rolling : rules.held;
}

function perWords(rules: SiteRules, kind: Exclude<Period['kind'], 'held'>): string {
  return kind === 'rolling' ? `in any ${rules.rolling!.nights} nights` : QUOTA_WORDS[kind];
}

/**
 * Throws AllowanceExceededError unless the owner's bookings at the site, with `after` in place of
 * its stored version (`bookings` are as stored before the write), stay within every allowance in
 * every period of `periods` (periodsOf `after`), or the write does not raise that period's usage.
 */
export function checkAllowances(rules: SiteRules, after: Booking, bookings: readonly Booking[], periods: readonly Period[]): void {
  const owned = bookings.filter((b) => b.creator_id === after.creator_id && b.site === after.site);
  const ownedSpans = owned.map(spanOf);
  const otherSpans = ownedSpans.filter((_, i) => owned[i]!.event_id !== after.event_id);
  const afterSpan = spanOf(after);
  for (const period of periods) {
    const quota = quotaOf(rules, period.kind)!;
    const was = usageIn(ownedSpans, period.span);
    const held = usageIn(otherSpans, period.span);
    const needs = overlapMs(afterSpan, period.span);
    const will = { ms: held.ms + needs, bookings: held.bookings + (needs > 0 ? 1 : 0) };
    const limitMs = quota.hours === null || quota.hours === undefined ? null : quota.hours * HOUR_MS;
    if (limitMs !== null && will.ms > limitMs && will.ms > was.ms) {
      throw new AllowanceExceededError(period.kind, 'hours', period.kind === 'held'
        ? `At ${rules.site} you may hold ${hoursText(limitMs)} of future bookings at once; you hold ${hoursText(held.ms)}, and this booking needs ${hoursText(needs)}.`
        : `At ${rules.site} you may book ${hoursText(limitMs)} ${perWords(rules, period.kind)}; you hold ${hoursText(held.ms)} ${periodLabel(period)}, and this booking needs ${hoursText(needs)}.`);
    }
    const limit = quota.bookings;
    if (limit !== null && limit !== undefined && will.bookings > limit && will.bookings > was.bookings) {
      throw new AllowanceExceededError(period.kind, 'bookings', period.kind === 'held'
        ? `At ${rules.site} you may hold ${plural(limit, 'future booking')} at once; you already hold ${held.bookings}.`
        : `At ${rules.site} you may make ${plural(limit, 'booking')} ${perWords(rules, period.kind)}; you already have ${held.bookings} ${periodLabel(period)}.`);
    }
  }
}

/** Whether a write changes what a booking is charged for: its site, times or owner, or whether it counts at all (an LCO observation made a booking). */
function bookingMoves(before: Reservation | undefined, after: Reservation): boolean {
  return !before || before.site !== after.site || before.start !== after.start || before.end !== after.end || before.creator_id !== after.creator_id
    || isLcoOrigin(before.origin) !== isLcoOrigin(after.origin);
}

/** Whether any allowance is set: only then is a booking's past fixed (judgeBooking), and is there any use to report (/allowance). */
export const hasAllowances = (rules: SiteRules): boolean => Boolean(rules.per_night || rules.per_week || rules.rolling || rules.held);

/**
 * Judges a booking a write makes (`after`; null: the write removes it) over the stored event it
 * replaces (`before`, if any): throws BookingRuleError (400) for a shape rule it breaks, or
 * BookingBegunError (409) for a change to the past of a booking under allowances, and returns the
 * allowance condition the store checks in the write's atomic step (none when exempt, an LCO
 * observation, or nothing that is charged changes: a project link, a new title).
 *
 * Time already used stays counted: a booking under allowances that has begun may be ended early
 * (its end moved, to now or later), never deleted, moved or cut into its past, which would give
 * back time spent at the telescope. A delete refunds a booking that has not begun.
 */
export function judgeBooking(rules: SiteRules, after: Reservation | null, before: Reservation | undefined, now: number): Condition[] {
  if (rules.exempt) return [];
  const countedBefore = before !== undefined && !isLcoOrigin(before.origin);
  if (countedBefore && hasAllowances(rules) && spanOf(before).start < now) assertPastKept(rules, before, after, now);
  if (after === null || isLcoOrigin(after.origin) || !bookingMoves(before, after)) return [];
  const span = spanOf(after);
  // A booking moved to another telescope is a new booking there, judged in full.
  // So is an LCO observation made a booking: it never counted before.
  const elsewhere = !countedBefore || before.site !== after.site;
  const timesChange = elsewhere || before.start !== after.start || before.end !== after.end;
  const startChanges = elsewhere || before.start !== after.start;
  if (timesChange) assertShape(rules, span, elsewhere ? undefined : spanOf(before), now);
  if (startChanges && rules.notice_minutes !== null && span.start < now + rules.notice_minutes * 60_000) {
    throw new BookingRuleError('notice', rules.notice_minutes === 0
      ? `At ${rules.site} a booking may not start in the past: from ${timeOf(now)} on.`
      : `At ${rules.site} a booking starts at least ${durationText(rules.notice_minutes * 60_000)} after it is made: from ${timeOf(now + rules.notice_minutes * 60_000)} on.`);
  }
  if (startChanges && rules.ahead_days !== null && span.start > now + rules.ahead_days * 86_400_000) {
    throw new BookingRuleError('ahead', `At ${rules.site} a booking starts at most ${rules.ahead_days} days ahead: by ${timeOf(now + rules.ahead_days * 86_400_000)}.`);
  }
  const periods = periodsOf(rules, span, now);
  if (periods.length === 0) return [];
  const start = Math.min(...periods.map((p) => p.span.start));
  const end = Math.max(...periods.map((p) => p.span.end));
  return [{
    rule: 'allowance',
    site: after.site,
    owner: after.creator_id,
    window: { start: timeOf(start), end: end >= Number.MAX_SAFE_INTEGER ? FOREVER : timeOf(end) },
    check: (bookings) => checkAllowances(rules, after, bookings, periods),
  }];
}

/**
 * The length rules, charged like the allowances only for what a change makes worse: a booking
 * longer than a rule tightened later may shrink towards it, and one that has begun may be ended
 * early however short that leaves it.
 */
function assertShape(rules: SiteRules, span: Span, was: Span | undefined, now: number): void {
  const length = span.end - span.start;
  const wasLength = was ? was.end - was.start : undefined;
  const endedEarly = was !== undefined && was.start < now && span.start === was.start && span.end < was.end;
  if (rules.shortest_minutes !== null && length < rules.shortest_minutes * 60_000 && !endedEarly && (wasLength === undefined || length < wasLength)) {
    throw new BookingRuleError('shortest', `At ${rules.site} a booking lasts at least ${durationText(rules.shortest_minutes * 60_000)}; this one lasts ${durationText(length)}.`);
  }
  if (rules.longest_hours !== null && length > rules.longest_hours * HOUR_MS && (wasLength === undefined || length > wasLength)) {
    throw new BookingRuleError('longest', `At ${rules.site} a booking lasts at most ${hoursText(rules.longest_hours * HOUR_MS)}; this one lasts ${hoursText(length)}.`);
  }
}

/** Refuses a write that would give back a begun booking's used time: its delete, its move, an end before now. */
function assertPastKept(rules: SiteRules, before: Reservation, after: Reservation | null, now: number): void {
  const was = spanOf(before);
  const kept = after !== null && after.site === before.site && after.creator_id === before.creator_id && !isLcoOrigin(after.origin)
    && after.start === before.start && spanOf(after).end >= Math.min(was.end, now);
  if (kept) return;
  const ended = was.end <= now;
  throw new BookingBegunError(ended
    ? `At ${rules.site} your booking from ${before.start} to ${before.end} has been used, and it counts against your allowance: it can no longer be deleted or changed.`
    : `At ${rules.site} your booking from ${before.start} to ${before.end} has begun, and the time used counts against your allowance: you may end it early (its end moved to ${timeOf(now)} or later), not delete it, move it or cut its past.`);
}

/** The end of every open window: the last time the calendar can spell. */
export const FOREVER = '9999-12-31T23:59:59Z';

/** One allowance as /allowance reports it. */
export interface AllowanceLine {
  readonly rule: Period['kind'];
  readonly period: { readonly start: string; readonly end: string | null; readonly label: string };
  readonly limit_hours: number | null;
  readonly used_hours: number;
  readonly left_hours: number | null;
  readonly limit_bookings: number | null;
  readonly used_bookings: number;
  readonly left_bookings: number | null;
}

const hours = (ms: number): number => Number((ms / HOUR_MS).toFixed(4));

/**
 * Each allowance's use around `at` (the night it falls in, that night's week, the rolling window
 * ending with that night, and what is held from now on), counted over the owner's bookings at the
 * site (`bookings`, LCO observations left out by the caller).
 */
export function allowanceLines(rules: SiteRules, bookings: readonly Pick<Booking, 'start' | 'end'>[], at: number, now: number): AllowanceLine[] {
  const night: NightDate = nightOf(rules.zone, at);
  const periods: Array<{ kind: Period['kind']; span: Span; label: string; quota: Quota }> = [];
  if (rules.per_night) periods.push({ kind: 'per_night', span: nightSpan(rules.zone, night), label: `the night of ${dayLabel(night)}`, quota: rules.per_night });
  if (rules.per_week) {
    const monday = weekOf(night);
    periods.push({ kind: 'per_week', span: nightsSpan(rules.zone, monday, 7), label: `the week of ${dayLabel(monday)}`, quota: rules.per_week });
  }
  if (rules.rolling) {
    const first = addNights(night, 1 - rules.rolling.nights);
    periods.push({ kind: 'rolling', span: nightsSpan(rules.zone, first, rules.rolling.nights), label: `the ${rules.rolling.nights} nights from ${dayLabel(first)} to ${dayLabel(night)}`, quota: rules.rolling });
  }
  if (rules.held) periods.push({ kind: 'held', span: { start: now, end: Number.MAX_SAFE_INTEGER }, label: 'held from now on', quota: rules.held });
  return periods.map(({ kind, span, label, quota }) => {
    const used = usageIn(bookings.map(spanOf), span);
    const limitHours = quota.hours ?? null;
    const limitBookings = quota.bookings ?? null;
    return {
      rule: kind,
      period: { start: timeOf(span.start), end: span.end >= Number.MAX_SAFE_INTEGER ? null : timeOf(span.end), label },
      limit_hours: limitHours,
      used_hours: hours(used.ms),
      left_hours: limitHours === null ? null : Math.max(0, hours(limitHours * HOUR_MS - used.ms)),
      limit_bookings: limitBookings,
      used_bookings: used.bookings,
      left_bookings: limitBookings === null ? null : Math.max(0, limitBookings - used.bookings),
    };
  });
}

/** The window of the owner's bookings that allowanceLines needs around `at`. */
export function allowanceWindow(rules: SiteRules, at: number, now: number): { start: string; end: string } {
  const night = nightOf(rules.zone, at);
  const first = addNights(night, 1 - (rules.rolling?.nights ?? 1));
  const weekStart = weekOf(night);
  const start = Math.min(localStart(rules, first), localStart(rules, weekStart), now);
  return { start: timeOf(start), end: rules.held ? FOREVER : timeOf(nightsSpan(rules.zone, weekStart, 7).end) };
}

const localStart = (rules: SiteRules, date: NightDate): number => nightSpan(rules.zone, date).start;
