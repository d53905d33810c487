import type { Actor } from '../../domain/actor.js';
import { InvalidInputError } from '../../domain/errors.js';
import { allowanceLines, allowanceWindow, hasAllowances, type AllowanceLine } from '../../domain/fair-share.js';
import { parseSiteCode } from '../../domain/reservation.js';
import { parseUtcTime, toEpochSeconds, utcTimeFromMillis } from '../../domain/time.js';
import { availabilityRange } from '../../domain/window.js';
import { ownerCounts } from '../../domain/write-plan.js';
import type { FairShare } from '../fair-share.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';

interface GetAllowanceInput {
  readonly actor: Actor;
  readonly site: string;
  /** The moment whose night, week and rolling window to report; now when not given. */
  readonly at?: string;
}

/** The shape rules a booking at the site must keep, and the starts they allow now (null: no limit). */
interface ShapeRules {
  readonly shortest_minutes: number | null;
  readonly longest_hours: number | null;
  readonly notice_minutes: number | null;
  readonly ahead_days: number | null;
  readonly earliest_start: string | null;
  readonly latest_start: string | null;
}

export interface Allowance {
  readonly site: string;
  readonly at: string;
  /** The role or group whose rules apply (admin included), or null for the site's own. */
  readonly role: string | null;
  readonly exempt: boolean;
  readonly rules: ShapeRules;
  readonly allowances: AllowanceLine[];
}

const NO_SHAPE: ShapeRules = { shortest_minutes: null, longest_hours: null, notice_minutes: null, ahead_days: null, earliest_start: null, latest_start: null };

/**
 * POST /allowance: the booking rules the caller books under at a site, and each allowance's use
 * around a moment, counted over the caller's own bookings there as the write's check counts them
 * (ownerCounts: LCO observations never count). Exempt callers, and deployments without
 * BOOKING_RULES, get no rules and no allowances.
 */
export class GetAllowance {
  constructor(
    private readonly store: ReservationQueries,
    private readonly clock: Clock,
    private readonly fairShare: FairShare,
  ) {}

  async execute({ actor, site: rawSite, at: rawAt }: GetAllowanceInput): Promise<Allowance> {
    // The route needs a token: any other caller was refused before this runs.
    if (actor.kind !== 'user') throw new InvalidInputError('Only a signed-in user has an allowance.');
    const site = parseSiteCode(rawSite);
    const nowMs = this.clock.now();
    const at = rawAt === undefined ? utcTimeFromMillis(nowMs) : parseUtcTime(rawAt, 'at');
    // The calendar's own range (as /availability's): its periods are spelled in the calendar's times, and nobody books further out.
    const range = availabilityRange(nowMs);
    if (at < range.start || at >= range.end) throw new InvalidInputError(`Invalid at: allowances are answered from ${range.start} to ${range.end} (a year back, two years ahead)`);
    const atMs = toEpochSeconds(at) * 1000;
    const rules = this.fairShare.rulesFor(site, actor);
    if (rules.exempt) return { site, at, role: rules.role, exempt: true, rules: NO_SHAPE, allowances: [] };
    const shape: ShapeRules = {
      shortest_minutes: rules.shortest_minutes,
      longest_hours: rules.longest_hours,
      notice_minutes: rules.notice_minutes,
      ahead_days: rules.ahead_days,
      earliest_start: rules.notice_minutes === null ? null : utcTimeFromMillis(nowMs + rules.notice_minutes * 60_000),
      latest_start: rules.ahead_days === null ? null : utcTimeFromMillis(nowMs + rules.ahead_days * 86_400_000),
    };
    if (!hasAllowances(rules)) return { site, at, role: rules.role, exempt: false, rules: shape, allowances: [] };
    const window = allowanceWindow(rules, atMs, nowMs);
    const found = await this.store.findByCreatorEndingAfter(actor.sub, window.start);
    const bookings = found.items.filter((event) => event.site === site && ownerCounts(event, actor.sub));
    return { site, at, role: rules.role, exempt: false, rules: shape, allowances: allowanceLines(rules, bookings, atMs, nowMs) };
  }
}
