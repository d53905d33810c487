/**
 * FairShare, the rules put to work: each actor's rules at each site are the domain's siteRules,
 * whatever was asked before (they are kept per site and role), in the site's zone (UTC without a
 * place), and without rules every write is planned with NO_RULES.
 */
import type { Actor } from '../../src/domain/actor.js';
import { siteRules, type BookingRules } from '../../src/domain/fair-share.js';
import { NO_RULES } from '../../src/domain/write-plan.js';
import { FairShare } from '../../src/application/fair-share.js';

const RULES: BookingRules = {
  default: { per_night: { hours: 4 } },
  sites: { saf: { per_night: { hours: 6 } } },
  roles: { students: { per_night: { hours: 2 } }, staff: 'exempt', admin: { per_night: { hours: 12 } } },
};
const PLACES = { sites: { saf: { name: 'Apache Ridge', latitude: 35.5, longitude: -105.9, elevation_m: 2134, timezone: 'America/Denver' } } };

const actors: Actor[] = [
  { kind: 'user', sub: 'a', isAdmin: false },
  { kind: 'user', sub: 'b', isAdmin: false, roles: ['students'] },
  { kind: 'user', sub: 'c', isAdmin: false, roles: ['staff'] },
  { kind: 'user', sub: 'd', isAdmin: true },
  { kind: 'user', sub: 'e', isAdmin: false, roles: ['observer', 'students'] },
  { kind: 'service', name: 'service-key' },
  { kind: 'anonymous' },
];

it('gives every actor at every site the rules siteRules settles, asked in any order and again', () => {
  const fairShare = new FairShare(RULES, PLACES);
  for (const round of [0, 1]) {
    for (const site of ['saf', 'mrc1']) {
      for (const actor of round === 0 ? actors : [...actors].reverse()) {
        const zone = site === 'saf' ? 'America/Denver' : 'UTC';
        expect(fairShare.rulesFor(site, actor)).toEqual(siteRules(RULES, site, zone, actor));
      }
    }
  }
  expect(fairShare.rulesFor('saf', actors[1]!).per_night).toEqual({ hours: 2 });
  expect(fairShare.rulesFor('saf', actors[0]!).per_night).toEqual({ hours: 6 });
  expect(fairShare.rulesFor('mrc1', actors[0]!).per_night).toEqual({ hours: 4 });
});

it('plans with NO_RULES when BOOKING_RULES sets nothing', () => {
  expect(new FairShare({}, PLACES).judge(actors[0]!, Date.now())).toBe(NO_RULES);
  expect(new FairShare(RULES, PLACES).judge(actors[0]!, Date.now())).not.toBe(NO_RULES);
});
