/**
 * The caller's booking rules and time allowances at the site, beside the booking dialog (POST
 * /allowance), as plain lines: "Per night (the night of 12 Dec 2026): 3 h of 4 h used, 1 h left".
 * Asked only where the deployment has BOOKING_RULES (pageSettings.bookingRules), so that without
 * them the page makes the requests it always made; where no rule applies to the caller (exempt, or
 * none set for the site) the panel says so in a line, or stays hidden when there is nothing at all.
 */
import { DateTime } from 'luxon';
import { hoursText } from '../src/domain/fair-share.js';
import { allowance, utc } from './api.js';
import { $, pageSettings, reasonOf } from './dom.js';
import { askAllowance, page } from './state.js';
import type { AllowanceAnswer } from './wire.js';

type Line = AllowanceAnswer['allowances'][number];

const RULE_NAMES: Record<Line['rule'], string> = { per_night: 'Per night', per_week: 'Per week', rolling: 'Rolling', held: 'Held from now on' };

const hours = (h: number): string => hoursText(h * 3_600_000);

/** "Per night (the night of 12 Dec 2026): 3 h of 4 h used, 1 h left; 1 of 2 bookings used, 1 left." */
export function allowanceText(line: Line): string {
  const parts: string[] = [];
  if (line.limit_hours !== null) parts.push(`${hours(line.used_hours)} of ${hours(line.limit_hours)} used, ${hours(line.left_hours ?? 0)} left`);
  if (line.limit_bookings !== null) parts.push(`${line.used_bookings} of ${line.limit_bookings} bookings used, ${line.left_bookings ?? 0} left`);
  const period = line.rule === 'held' ? '' : ` (${line.period.label})`;
  return `${RULE_NAMES[line.rule]}${period}: ${parts.join('; ')}.`;
}

/** A start the rules allow, in the site's zone: "Wed 9 Dec 20:00". */
const when = (iso: string): string => DateTime.fromISO(iso, { zone: 'utc' }).setZone(page.site!.timezone).toFormat('ccc d LLL HH:mm');

/** "Bookings last 15 min to 4 h; start from Wed 9 Dec 20:00 to Fri 8 Jan 20:00."; empty without shape rules. */
export function shapeText(rules: AllowanceAnswer['rules']): string {
  const { shortest_minutes: shortest, longest_hours: longest, earliest_start: earliest, latest_start: latest } = rules;
  const phrases: string[] = [];
  if (shortest !== null && longest !== null) phrases.push(`Bookings last ${shortest} min to ${hours(longest)}`);
  else if (shortest !== null) phrases.push(`Bookings last at least ${shortest} min`);
  else if (longest !== null) phrases.push(`Bookings last at most ${hours(longest)}`);
  if (earliest !== null || latest !== null) {
    const span = earliest !== null && latest !== null ? `from ${when(earliest)} to ${when(latest)}` : earliest !== null ? `from ${when(earliest)} on` : `by ${when(latest!)}`;
    phrases.push(phrases.length > 0 ? `start ${span}` : `Bookings start ${span}`);
  }
  return phrases.length > 0 ? `${phrases.join('; ')}.` : '';
}

/** The panel as the answer says: hidden when no rule applies and the caller is not exempt (nothing to say). */
function render(answer: AllowanceAnswer): void {
  const panel = $('allowance');
  const rules = $('allowance-rules');
  const lines = $('allowance-lines');
  $('allowance-title').textContent = `Your allowance at ${answer.site}`;
  if (answer.exempt) {
    rules.textContent = `No booking rules or allowances apply to you here${answer.role ? ` (${answer.role})` : ''}.`;
    lines.replaceChildren();
  } else {
    rules.textContent = shapeText(answer.rules);
    lines.replaceChildren(...answer.allowances.map((line) => {
      const item = document.createElement('li');
      item.dataset.rule = line.rule;
      item.textContent = allowanceText(line);
      return item;
    }));
  }
  panel.hidden = !answer.exempt && rules.textContent === '' && answer.allowances.length === 0;
}

/**
 * Shows the caller's allowance around `at` (the booking's start) beside the dialog, or hides the
 * panel (`at` undefined: a dialog that books nothing, or no BOOKING_RULES). A failure is said in the
 * panel, not hidden.
 */
export async function showAllowance(at: Date | undefined): Promise<void> {
  const panel = $('allowance');
  const { session, site } = page;
  const request = askAllowance(at);
  const latest = (): boolean => request === page.allowance.request;
  if (!at || !pageSettings.bookingRules || !session || !site) {
    panel.hidden = true;
    return;
  }
  try {
    const answer = await allowance(session.token, { site: site.site, at: utc(at) });
    if (latest()) render(answer);
  } catch (error) {
    if (!latest()) return;
    $('allowance-rules').textContent = `Your allowance could not be read: ${reasonOf(error)}`;
    $('allowance-lines').replaceChildren();
    panel.hidden = false;
  }
}

/** Asks again for the time last asked about: after the server refused a booking, what it counted may have changed. */
export const refreshAllowance = (): Promise<void> => showAllowance(page.allowance.at);
