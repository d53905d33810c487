/**
 * The calendar itself: FullCalendar's time grid for the telescope shown, in the site's time zone,
 * how it draws the nights and the events, and what a selection, a click or a drag does.
 */
import { Calendar } from '@fullcalendar/core';
import interactionPlugin from '@fullcalendar/interaction';
import luxonPlugin from '@fullcalendar/luxon3';
import timeGridPlugin from '@fullcalendar/timegrid';
import { writeAddress, type Place } from './address.js';
import { utc } from './api.js';
import { moveEvent } from './changes.js';
import { openBooking, openEvent } from './dialog.js';
import { $, escapeHtml, reasonOf, say } from './dom.js';
import { hhmm, isLco, projectName, utcText } from './events.js';
import { loadEvents, loadNights } from './sources.js';
import { page, setCalendar } from './state.js';
import type { StoredEvent } from './wire.js';

/** Draws a new calendar for the telescope shown (in place of the one drawn before), at `place`'s view and date. */
export function openCalendar(place: Place): void {
  const { site } = page;
  if (!site) return;
  page.calendar?.destroy();
  const zone = site.timezone;
  $('zone').textContent = `Times in ${zone}`;
  const calendar = new Calendar($('calendar'), {
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
    selectable: page.session !== undefined,
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
      page.calendar?.unselect();
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
  setCalendar(calendar);
  calendar.render();
}
