/**
 * The calendar page (GET /): one telescope's week or day in FullCalendar's time grid, in the site's
 * time zone, with its nights shaded from POST /availability and its events from POST /siteevents.
 * Signed-in users book by selecting a range, move and resize their own events, and edit or delete
 * them in a dialog; every refusal shows the server's own reason. The rules (who may change an
 * event, what is an LCO observation) are the domain's own functions, bundled into the page.
 */
import { Calendar, type EventApi, type EventInput, type EventSourceFuncArg } from '@fullcalendar/core';
import interactionPlugin from '@fullcalendar/interaction';
import luxonPlugin from '@fullcalendar/luxon3';
import timeGridPlugin from '@fullcalendar/timegrid';
import { DateTime } from 'luxon';
import { mayManage, type Actor } from '../src/domain/actor.js';
import { isLcoOrigin } from '../src/domain/reservation.js';
import { availabilityRange } from '../src/domain/window.js';
import { ApiError, call, json, newEventId, utc } from './api.js';
import { BAND_KINDS, moonLabels, nightBands, type NightTimes } from './night-bands.js';
import { SessionKeeper, type PageSettings, type Session } from './session.js';

/** An event as POST /siteevents answers it. */
interface StoredEvent {
  readonly event_id: string;
  readonly start: string;
  readonly end: string;
  readonly creator: string;
  readonly creator_id: string;
  readonly site: string;
  readonly title: string;
  readonly reservation_type: string;
  readonly origin: string;
  readonly project_id: string;
  readonly reservation_note: string;
  readonly version: number;
  readonly [key: string]: unknown;
}

interface SiteInfo {
  readonly site: string;
  readonly name: string;
  readonly timezone: string;
}

const settings = JSON.parse(document.getElementById('calendar-settings')?.textContent ?? '{}') as PageSettings;
const sessions = new SessionKeeper(settings);
let session: Session | undefined;
let sites: SiteInfo[] = [];
let site: SiteInfo | undefined;
let calendar: Calendar | undefined;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = $('status');
const dialog = $<HTMLDialogElement>('event-dialog');
const form = $<HTMLFormElement>('event-form');

/** A message in the page's live region: read out by screen readers, and what the tests look for. */
function say(message: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = message;
  status.dataset.kind = kind;
}

/** What the server said, as it said it. */
const reasonOf = (error: unknown): string =>
  error instanceof ApiError ? (error.status > 0 ? `${error.status}: ${error.reason}` : error.reason) : String(error);

const actor = (): Actor => (session ? { kind: 'user', sub: session.userId, name: session.name, isAdmin: session.admin } : { kind: 'anonymous' });
const isLco = (event: Pick<StoredEvent, 'origin'>): boolean => isLcoOrigin(String(event.origin ?? ''));
/** Whether this page lets the user change the event: the API's owner-or-admin rule; never an LCO observation. */
const editable = (event: StoredEvent): boolean => !isLco(event) && mayManage(actor(), event);

/** "name#created_at" → name; "none" → nothing. */
const projectName = (projectId: string): string => (projectId && projectId !== 'none' ? projectId.split('#')[0] ?? projectId : '');

// ---- the address: site, view and date, so that a link shows the same thing ----

interface Place { site?: string; view: 'week' | 'day'; date?: string; badDate?: string }

/** The years a link may name: JavaScript reads years below 100 as 19xx, and the server keeps times only to 9999. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 9998;

/**
 * The place a link names. A date that is not a calendar day (2026-13-45) is not passed on:
 * FullCalendar would roll it over into another month (14 Feb 2027) and show that as if asked for;
 * nor is one outside FIRST_YEAR to LAST_YEAR (0000-01-01 would show 1900, 9999-12-31 a week the
 * server refuses).
 */
function placeFromAddress(query = new URLSearchParams(location.search)): Place {
  const date = query.get('date');
  const day = date !== null && /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : undefined;
  const valid = day !== undefined && day.isValid && day.year >= FIRST_YEAR && day.year <= LAST_YEAR;
  return {
    ...(query.get('site') ? { site: query.get('site')! } : {}),
    view: query.get('view') === 'day' ? 'day' : 'week',
    ...(valid && date ? { date } : date ? { badDate: date } : {}),
  };
}

function writeAddress(): void {
  if (!calendar || !site) return;
  const view = calendar.view.type === 'timeGridDay' ? 'day' : 'week';
  const date = DateTime.fromJSDate(calendar.getDate()).setZone(site.timezone).toISODate();
  const query = new URLSearchParams({ site: site.site, view, ...(date ? { date } : {}) });
  const next = `${location.pathname}?${query.toString()}`;
  if (next !== `${location.pathname}${location.search}`) history.replaceState(null, '', next);
}

// ---- sign-in ----

function renderAccount(): void {
  const account = $('account');
  account.replaceChildren();
  if (session) {
    const who = document.createElement('span');
    who.id = 'signed-in-as';
    who.textContent = `Signed in as ${session.name}${session.admin ? ' (admin)' : ''}`;
    const out = button('Sign out', async () => {
      await sessions.signOut(session!);
      session = undefined;
      say('Signed out.');
      renderAccount();
      calendar?.refetchEvents();
    });
    const book = button('Book…', () => openBooking());
    book.id = 'book-button';
    account.append(who, book, out);
  } else if (settings.localSignIn) {
    const signIn = document.createElement('form');
    signIn.id = 'local-sign-in';
    signIn.innerHTML = '<label for="sign-in-name">Sign in as</label> <input id="sign-in-name" name="name" required maxlength="64" autocomplete="username"> ' +
      '<label><input type="checkbox" id="sign-in-admin"> admin</label> <button type="submit">Sign in</button>';
    signIn.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = ($<HTMLInputElement>('sign-in-name')).value.trim();
      sessions.signInAs(name, ($<HTMLInputElement>('sign-in-admin')).checked).then((s) => {
        session = s;
        say(`Signed in as ${s.name}. Select a time in the calendar to book it.`);
        renderAccount();
        calendar?.refetchEvents();
      }, (error: unknown) => say(`Could not sign in: ${reasonOf(error)}`, 'error'));
    });
    account.append(signIn);
  } else if (sessions.canSignInWithOidc) {
    account.append(button('Sign in', () => {
      sessions.signInWithOidc().catch((error: unknown) => say(`Could not sign in: ${reasonOf(error)}`, 'error'));
    }));
  } else {
    const note = document.createElement('p');
    note.id = 'read-only-note';
    note.textContent = 'Read-only: sign-in is not configured. Set UI_OIDC_ISSUER, UI_OIDC_CLIENT_ID and UI_OIDC_AUDIENCE ' +
      '(with AUTH_JWKS_URI), or run the server in local auth mode, to book from this page.';
    account.append(note);
  }
  calendar?.setOption('selectable', session !== undefined);
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

// ---- the calendar ----

async function loadEvents(info: EventSourceFuncArg): Promise<EventInput[]> {
  if (!site) return [];
  const events = await json<StoredEvent[]>('POST', 'siteevents', { body: { site: site.site, start: utc(info.start), end: utc(info.end) } });
  return events.map((event) => {
    const lco = isLco(event);
    const mine = session !== undefined && event.creator_id === session.userId;
    return {
      id: event.event_id,
      title: event.title || '(untitled)',
      start: event.start,
      end: event.end,
      editable: editable(event),
      classNames: [lco ? 'event-lco' : 'event-ptr', `type-${(event.reservation_type || 'other').replace(/[^a-z0-9-]/gi, '')}`, ...(mine ? ['event-mine'] : [])],
      extendedProps: { stored: event },
    };
  });
}

async function loadNights(info: EventSourceFuncArg): Promise<EventInput[]> {
  if (!site) return [];
  // The server computes nights only within its range (a year back, two years ahead): a view past it
  // asks for the part inside, or for nothing, rather than for a refusal.
  const range = availabilityRange(Date.now());
  const start = utc(info.start) < range.start ? range.start : utc(info.start);
  const end = utc(info.end) > range.end ? range.end : utc(info.end);
  if (start >= end) return [];
  const availability = await json<{ night_times: string; nights: NightTimes[] }>('POST', 'availability', { body: { site: site.site, start, end } });
  const labels = moonLabels(availability.nights);
  return availability.nights.flatMap((night, i) => {
    const bands = nightBands(night);
    // The Moon's label sits in the darkest band of its night (the first, when two are as dark).
    const depth = (kind: string): number => BAND_KINDS.indexOf(kind as (typeof BAND_KINDS)[number]);
    const darkest = bands.reduce((best, band, j) => (depth(band.kind) > depth(bands[best]!.kind) ? j : best), 0);
    return bands.map((band, j) => ({
      start: band.start,
      end: band.end,
      display: 'background',
      classNames: ['night-band', `band-${band.kind}`],
      title: j === darkest ? labels[i] ?? '' : '',
      extendedProps: { band: band.kind },
    }));
  });
}

const hhmm = (iso: string, zone: string): string => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');
const utcText = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function openCalendar(place: Place): void {
  if (!site) return;
  calendar?.destroy();
  const zone = site.timezone;
  $('zone').textContent = `Times in ${zone}`;
  calendar = new Calendar($('calendar'), {
    plugins: [timeGridPlugin, interactionPlugin, luxonPlugin],
    timeZone: zone,
    initialView: place.view === 'day' ? 'timeGridDay' : 'timeGridWeek',
    ...(place.date ? { initialDate: place.date } : {}),
    headerToolbar: { left: 'prev,next today', center: 'title', right: 'timeGridWeek,timeGridDay' },
    // Words, not FullCalendar's icon font: its icons are role="img" without a text alternative, and
    // a screen reader says "Previous" better than a chevron.
    buttonIcons: false,
    buttonText: { prev: 'Previous', next: 'Next', today: 'Today', week: 'Week', day: 'Day' },
    height: 'auto',
    allDaySlot: false,
    nowIndicator: true,
    slotDuration: '00:30:00',
    slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
    eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
    eventInteractive: true,
    selectable: session !== undefined,
    selectMirror: true,
    editable: false,
    eventSources: [
      { id: 'nights', events: (info, ok, fail) => { loadNights(info).then(ok, (e: unknown) => { say(`Nights unavailable: ${reasonOf(e)}`, 'error'); fail(e as Error); }); } },
      { id: 'events', events: (info, ok, fail) => { loadEvents(info).then(ok, (e: unknown) => { say(`Events unavailable: ${reasonOf(e)}`, 'error'); fail(e as Error); }); } },
    ],
    eventContent: (arg) => {
      if (arg.event.display === 'background') {
        return arg.event.title ? { html: `<span class="moon">${escapeHtml(arg.event.title)}</span>` } : true;
      }
      const stored = arg.event.extendedProps.stored as StoredEvent | undefined;
      // The mirror of a selection being made has no stored event behind it: FullCalendar draws it.
      if (!stored) return true;
      const lines = [
        `<span class="event-time">${escapeHtml(arg.timeText)}</span>`,
        `<span class="event-title">${escapeHtml(arg.event.title)}</span>`,
        `<span class="event-creator">${escapeHtml(stored.creator || stored.creator_id)}</span>`,
        `<span class="event-type">${escapeHtml(isLco(stored) ? 'LCO observation' : stored.reservation_type)}</span>`,
        ...(projectName(stored.project_id) ? [`<span class="event-project">Project: ${escapeHtml(projectName(stored.project_id))}</span>`] : []),
      ];
      return { html: lines.join('') };
    },
    eventDidMount: (arg) => {
      if (!arg.event.start || !arg.event.end) return;
      const start = utc(arg.event.start);
      const end = utc(arg.event.end);
      if (arg.event.display === 'background') {
        arg.el.title = `${arg.event.title ? `${arg.event.title}. ` : ''}${String(arg.event.extendedProps.band).replace('-', ' ')} ${utcText(start)} – ${utcText(end)}`;
        return;
      }
      const stored = arg.event.extendedProps.stored as StoredEvent | undefined;
      if (!stored) return;
      arg.el.dataset.eventId = stored.event_id;
      arg.el.title = `${arg.event.title} (${stored.creator}): ${hhmm(start, zone)}–${hhmm(end, zone)} ${zone}, ${utcText(start)} – ${utcText(end)}`;
      arg.el.setAttribute('aria-label', `${arg.event.title}, ${isLco(stored) ? 'LCO observation' : stored.reservation_type} by ${stored.creator}, ` +
        `${hhmm(start, zone)} to ${hhmm(end, zone)} (${utcText(start)} to ${utcText(end)})`);
    },
    datesSet: () => writeAddress(),
    select: (info) => {
      calendar?.unselect();
      openBooking(info.start, info.end);
    },
    eventClick: (info) => {
      info.jsEvent.preventDefault();
      const stored = info.event.extendedProps.stored as StoredEvent | undefined;
      if (stored) openEvent(stored);
    },
    eventDrop: (info) => { void moveEvent(info.event, info.revert); },
    eventResize: (info) => { void moveEvent(info.event, info.revert); },
  });
  calendar.render();
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// ---- changing events ----

/** If-Match with the version the page saw: a change made elsewhere since then answers 412. */
const precondition = (event: StoredEvent): Record<string, string> => ({ 'if-match': `"${event.version}"` });

async function modify(stored: StoredEvent, changes: Partial<StoredEvent>): Promise<StoredEvent> {
  return json<StoredEvent>('POST', 'modifyevent', {
    token: session?.token,
    headers: precondition(stored),
    body: { originalEvent: { event_id: stored.event_id, start: stored.start }, modifiedEvent: { ...stored, ...changes } },
  });
}

type HistoryEntry = { version: number; action: string; event: StoredEvent };

/**
 * The last entry of an event's history: /event-history answers a page at a time, so its pages are
 * followed from the version this page had (the change made elsewhere is after it) until one is empty.
 */
async function lastHistoryEntry(stored: StoredEvent): Promise<HistoryEntry | undefined> {
  let last: HistoryEntry | undefined;
  for (let after = stored.version - 1; ;) {
    const page = await json<HistoryEntry[]>('POST', 'event-history', { token: session?.token, body: { event_id: stored.event_id, after_version: Math.max(0, after) } });
    if (page.length === 0 || page.at(-1)!.version <= after) return last;
    last = page.at(-1);
    after = last!.version;
  }
}

/** After a 412: the event as it is now (the last entry of its history), with a message, so the user decides again. */
async function reloadAfterConflict(stored: StoredEvent): Promise<void> {
  calendar?.refetchEvents();
  const last = await lastHistoryEntry(stored).catch(() => undefined);
  // A delete, or the import taking its observation away, leaves nothing to reload.
  const fresh = last && !['deleted', 'import-removed'].includes(last.action) ? last.event : undefined;
  const message = 'This reservation was changed elsewhere after the calendar loaded it; it has been reloaded. Check it and try again.';
  if (fresh && dialog.open) openEvent(fresh, message);
  else {
    if (!fresh) dialog.close();
    say(fresh ? message : 'This reservation was deleted elsewhere after the calendar loaded it.', 'error');
  }
}

async function moveEvent(event: EventApi, revert: () => void): Promise<void> {
  const stored = event.extendedProps.stored as StoredEvent;
  if (!event.start || !event.end) return revert();
  try {
    await modify(stored, { start: utc(event.start), end: utc(event.end) });
    say(`Moved "${stored.title}" to ${utcText(utc(event.start))} – ${utcText(utc(event.end))}.`);
    calendar?.refetchEvents();
  } catch (error) {
    revert();
    if (signInExpired(error)) return;
    if (error instanceof ApiError && error.status === 412) return reloadAfterConflict(stored);
    say(`Not moved: ${reasonOf(error)}`, 'error');
  }
}

// ---- the dialog: book, edit, delete, or read another user's event ----

const field = <T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(name: string): T => form.elements.namedItem(name) as T;
let editing: StoredEvent | undefined;

const localInput = (date: Date): string => DateTime.fromJSDate(date).setZone(site!.timezone).toFormat("yyyy-LL-dd'T'HH:mm");
const fromLocalInput = (value: string): string => {
  const time = DateTime.fromISO(value, { zone: site!.timezone });
  if (!time.isValid) throw new Error('Give the start and end as a date and a time.');
  return utc(time.toJSDate());
};

function fillDialog(title: string, values: { title: string; type: string; project: string; note: string; start: Date; end: Date }, readOnly: boolean, canDelete: boolean, message = ''): void {
  $('event-dialog-title').textContent = title;
  field<HTMLInputElement>('title').value = values.title;
  field<HTMLSelectElement>('type').value = ['realtime', 'project'].includes(values.type) ? values.type : 'realtime';
  field<HTMLInputElement>('project').value = values.project;
  field<HTMLTextAreaElement>('note').value = values.note;
  field<HTMLInputElement>('start').value = localInput(values.start);
  field<HTMLInputElement>('end').value = localInput(values.end);
  $('event-zone').textContent = `Times in ${site!.timezone}; ${utcText(utc(values.start))} – ${utcText(utc(values.end))}.`;
  for (const element of Array.from(form.elements) as HTMLInputElement[]) {
    if (element.name && element.type !== 'button' && element.type !== 'submit') element.disabled = readOnly;
  }
  $('event-save').hidden = readOnly;
  $('event-delete').hidden = !canDelete;
  const error = $('event-error');
  error.textContent = message;
  if (!dialog.open) dialog.showModal();
}

/** The next half hour when the calendar shows today; otherwise 20:00 (site time) on the first day shown. */
function defaultStart(): Date {
  const now = Date.now();
  const view = calendar?.view;
  if (!view || !site || (view.activeStart.getTime() <= now && now < view.activeEnd.getTime())) return new Date(Math.ceil(now / 1_800_000) * 1_800_000);
  return DateTime.fromJSDate(view.activeStart).setZone(site.timezone).set({ hour: 20, minute: 0, second: 0, millisecond: 0 }).toJSDate();
}

function openBooking(start?: Date, end?: Date): void {
  if (!session || !site) return;
  editing = undefined;
  const from = start ?? defaultStart();
  fillDialog('Book the telescope', {
    title: `${session.name}'s session`, type: 'realtime', project: '', note: '', start: from, end: end ?? new Date(from.getTime() + 3_600_000),
  }, false, false);
  field<HTMLInputElement>('title').focus();
}

function openEvent(stored: StoredEvent, message = ''): void {
  const mayEdit = editable(stored);
  editing = stored;
  fillDialog(isLco(stored) ? 'LCO observation (read-only)' : mayEdit ? 'Edit reservation' : `${stored.creator || stored.creator_id}'s reservation`, {
    title: stored.title, type: stored.reservation_type, project: projectName(stored.project_id) ? stored.project_id : '', note: stored.reservation_note,
    start: new Date(stored.start), end: new Date(stored.end),
  }, !mayEdit, mayEdit, message);
}

async function save(): Promise<void> {
  if (!session || !site) return;
  const values = {
    title: field<HTMLInputElement>('title').value.trim(),
    reservation_type: field<HTMLSelectElement>('type').value,
    project_id: field<HTMLInputElement>('project').value.trim() || 'none',
    reservation_note: field<HTMLTextAreaElement>('note').value,
    start: fromLocalInput(field<HTMLInputElement>('start').value),
    end: fromLocalInput(field<HTMLInputElement>('end').value),
  };
  if (editing) {
    const saved = await modify(editing, values);
    say(`Saved "${saved.title}".`);
  } else {
    const answer = await json<{ new_calendar_event: StoredEvent }>('POST', 'newevent', {
      token: session.token,
      body: { event_id: newEventId(), site: site.site, resourceId: site.site, creator: session.name, creator_id: session.userId, origin: 'PTR', ...values },
    });
    say(`Booked "${answer.new_calendar_event.title}", ${utcText(answer.new_calendar_event.start)} – ${utcText(answer.new_calendar_event.end)}.`);
  }
  dialog.close();
  calendar?.refetchEvents();
}

async function remove(): Promise<void> {
  if (!editing) return;
  const stored = editing;
  const answer = await call('POST', 'delete', { token: session?.token, headers: precondition(stored), body: { event_id: stored.event_id } });
  if (!answer.ok) throw new ApiError(answer.status, answer.text.trim());
  dialog.close();
  say(`Deleted "${stored.title}".`);
  calendar?.refetchEvents();
}

/** A 401 on a change: the token has expired (or was revoked); the page says so and offers sign-in again. */
function signInExpired(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 401 || !session) return false;
  const ended = session;
  session = undefined;
  void sessions.signOut(ended);
  if (dialog.open) dialog.close();
  renderAccount();
  say(`Your sign-in has ended (${error.reason}); sign in again to change the calendar.`, 'error');
  calendar?.refetchEvents();
  return true;
}

function guarded(action: () => Promise<void>): () => void {
  return () => {
    const stored = editing;
    action().catch((error: unknown) => {
      if (signInExpired(error)) return;
      if (stored && error instanceof ApiError && error.status === 412) {
        void reloadAfterConflict(stored);
        return;
      }
      $('event-error').textContent = `Not saved: ${reasonOf(error)}`;
    });
  };
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  guarded(save)();
});
$('event-delete').addEventListener('click', guarded(remove));
$('event-cancel').addEventListener('click', () => dialog.close());

// ---- start ----

function renderSitePicker(current: string | undefined): void {
  const picker = $<HTMLSelectElement>('site');
  picker.replaceChildren(...sites.map((s) => new Option(s.name === s.site ? s.site : `${s.name} (${s.site})`, s.site, false, s.site === current)));
  picker.disabled = sites.length === 0;
}

async function start(): Promise<void> {
  let place = placeFromAddress();
  try {
    const resumed = await sessions.resume();
    session = resumed.session;
    if (resumed.returnedQuery !== undefined) {
      history.replaceState(null, '', `${location.pathname}${resumed.returnedQuery}`);
      place = placeFromAddress();
      if (session) say(`Signed in as ${session.name}.`);
    }
  } catch (error) {
    history.replaceState(null, '', location.pathname);
    say(`Could not sign in: ${reasonOf(error)}`, 'error');
  }
  renderAccount();
  const listing = await json<{ sites: SiteInfo[]; with_events: string[] }>('POST', 'sites').catch((error: unknown) => {
    say(`The sites could not be read: ${reasonOf(error)}`, 'error');
    return { sites: [], with_events: [] };
  });
  const configured = new Set(listing.sites.map((s) => s.site));
  sites = [...listing.sites, ...listing.with_events.filter((code) => !configured.has(code)).map((code) => ({ site: code, name: code, timezone: 'UTC' }))];
  if (place.site && !sites.some((s) => s.site === place.site)) sites.push({ site: place.site, name: place.site, timezone: 'UTC' });
  site = sites.find((s) => s.site === place.site) ?? sites[0];
  renderSitePicker(site?.site);
  if (!site) {
    say('No telescope yet: configure SITES, or book at a site through the API, or open /?site=<code>.');
    return;
  }
  $<HTMLSelectElement>('site').addEventListener('change', (e) => {
    const view = calendar?.view.type === 'timeGridDay' ? 'day' : 'week';
    const date = calendar && site ? DateTime.fromJSDate(calendar.getDate()).setZone(site.timezone).toISODate() ?? undefined : undefined;
    site = sites.find((s) => s.site === (e.target as HTMLSelectElement).value);
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
