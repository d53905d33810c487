/**
 * The booking rules of this deployment (BOOKING_RULES) put to work: which rules an actor books under
 * at a site, in the site's zone (SITES; UTC for a site without a place), and the judge a write is
 * planned with. Without rules every write is planned with NO_RULES, exactly as before they existed.
 */
import type { Actor } from '../domain/actor.js';
import { hasRules, judgeBooking, siteRules, type BookingRules, type SiteRules } from '../domain/fair-share.js';
import { NO_RULES, type Judge } from '../domain/write-plan.js';
import type { SkySettings } from './sky.js';
import { token } from './token.js';

export const BookingRulesToken = token<BookingRules>('BookingRules');

export class FairShare {
  private readonly active: boolean;

  constructor(
    private readonly rules: BookingRules,
    private readonly places: Pick<SkySettings, 'sites'>,
  ) {
    this.active = hasRules(rules);
  }

  /** The site's zone: where SITES places it, else UTC. */
  zone(site: string): string {
    return Object.hasOwn(this.places.sites, site) ? this.places.sites[site]!.timezone : 'UTC';
  }

  /** The rules settled per site and role: they change only with the configuration (siteRules). */
  private readonly settled = new Map<string, SiteRules>();

  /** The rules `actor` books under at `site`, every field settled. */
  rulesFor(site: string, actor: Actor): SiteRules {
    // What siteRules reads of an actor: whether a user, an admin, and their roles.
    const key = `${site}\u0000${actor.kind === 'user' ? `${actor.isAdmin ? 'admin' : 'user'}\u0000${(actor.roles ?? []).join('\u0000')}` : actor.kind}`;
    let rules = this.settled.get(key);
    if (!rules) {
      rules = siteRules(this.rules, site, this.zone(site), actor);
      // Bounded: sites times the role sets people hold; a hostile token's roles cannot grow it without end.
      if (this.settled.size >= 10_000) this.settled.clear();
      this.settled.set(key, rules);
    }
    return rules;
  }

  /** The judge of the writes `actor` makes at `nowMs`: each booking under the rules of its site. */
  judge(actor: Actor, nowMs: number): Judge {
    if (!this.active) return NO_RULES;
    return (after, before) => judgeBooking(this.rulesFor((after ?? before)!.site, actor), after, before, nowMs);
  }
}

export const FairShareToken = token<FairShare>('FairShare');
