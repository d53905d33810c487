/**
 * The calendar page (GET /): one telescope's week or day in FullCalendar's time grid, in the site's
 * time zone, with its nights shaded from POST /availability and its events from POST /siteevents.
 * Signed-in users book by selecting a range, move and resize their own events, and edit or delete
 * them in a dialog; every refusal shows the server's own reason.
 *
 * This module starts the page; its parts are: state.ts (what the page remembers, in one place),
 * wire.ts (the API's shapes, from the server's schemas) and api.ts (its calls), address.ts (the
 * site, view and date in the address), account.ts and session.ts (signing in), calendar-view.ts
 * and sources.ts (the calendar and what it shows), dialog.ts and changes.ts (booking, editing,
 * deleting), events.ts, night-bands.ts and dom.ts (what they share).
 */
import { renderAccount, sessions } from './account.js';
import { FIRST_YEAR, LAST_YEAR, placeFromAddress, shownPlace, writeAddress } from './address.js';
import { siteListing } from './api.js';
import { openCalendar } from './calendar-view.js';
import { listenToDialog } from './changes.js';
import { $, reasonOf, say } from './dom.js';
import { page, setSession, setSite, setSites } from './state.js';

function renderSitePicker(current: string | undefined): void {
  const picker = $<HTMLSelectElement>('site');
  picker.replaceChildren(...page.sites.map((s) => new Option(s.name === s.site ? s.site : `${s.name} (${s.site})`, s.site, false, s.site === current)));
  picker.disabled = page.sites.length === 0;
}

async function start(): Promise<void> {
  listenToDialog();
  let place = placeFromAddress();
  try {
    const resumed = await sessions.resume();
    setSession(resumed.session);
    if (resumed.returnedQuery !== undefined) {
      history.replaceState(null, '', `${location.pathname}${resumed.returnedQuery}`);
      place = placeFromAddress();
      if (resumed.session) say(`Signed in as ${resumed.session.name}.`);
    }
  } catch (error) {
    history.replaceState(null, '', location.pathname);
    say(`Could not sign in: ${reasonOf(error)}`, 'error');
  }
  renderAccount();
  const listing = await siteListing().catch((error: unknown) => {
    say(`The sites could not be read: ${reasonOf(error)}`, 'error');
    return { sites: [], with_events: [] };
  });
  const configured = new Set(listing.sites.map((s) => s.site));
  const sites = [...listing.sites, ...listing.with_events.filter((code) => !configured.has(code)).map((code) => ({ site: code, name: code, timezone: 'UTC' }))];
  if (place.site && !sites.some((s) => s.site === place.site)) sites.push({ site: place.site, name: place.site, timezone: 'UTC' });
  setSites(sites);
  setSite(sites.find((s) => s.site === place.site) ?? sites[0]);
  renderSitePicker(page.site?.site);
  if (!page.site) {
    say('No telescope yet: configure SITES, or book at a site through the API, or open /?site=<code>.');
    return;
  }
  $<HTMLSelectElement>('site').addEventListener('change', (e) => {
    const { view, date } = shownPlace();
    setSite(page.sites.find((s) => s.site === (e.target as HTMLSelectElement).value));
    openCalendar({ view, ...(date ? { date } : {}) });
    writeAddress();
  });
  openCalendar(place);
  if (place.badDate !== undefined) {
    say(`The address names the date ${JSON.stringify(place.badDate)}, which is not a day of the calendar (YYYY-MM-DD, years ${FIRST_YEAR} to ${LAST_YEAR}): showing today.`, 'error');
    writeAddress();
  }
  document.body.dataset.ready = 'true';
}

void start();
