/**
 * Changing events: moving or resizing one by dragging, saving the dialog (a booking or an edit),
 * deleting. Every refusal shows the server's own reason; a change made elsewhere since the page
 * loaded the event (412) reloads it, and an ended sign-in (401) signs out.
 */
import type { EventApi } from '@fullcalendar/core';
import { signInExpired } from './account.js';
import { refreshAllowance } from './allowance.js';
import { ApiError, deleteEvent, eventHistory, modifyEvent, newEvent, newEventId, utc } from './api.js';
import { dialogValues, listenToStart, openEvent } from './dialog.js';
import { $, dialog, form, reasonOf, say } from './dom.js';
import { utcText } from './events.js';
import { page } from './state.js';
import type { HistoryEntry, StoredEvent } from './wire.js';

/**
 * The last entry of an event's history: /event-history answers a page at a time, so its pages are
 * followed from the version this page had (the change made elsewhere is after it) until one is empty.
 */
async function lastHistoryEntry(stored: StoredEvent): Promise<HistoryEntry | undefined> {
  let last: HistoryEntry | undefined;
  for (let after = stored.version - 1; ;) {
    const entries = await eventHistory(page.session?.token, { event_id: stored.event_id, after_version: Math.max(0, after) });
    if (entries.length === 0 || entries.at(-1)!.version <= after) return last;
    last = entries.at(-1);
    after = last!.version;
  }
}

/** After a 412: the event as it is now (the last entry of its history), with a message, so the user decides again. */
async function reloadAfterConflict(stored: StoredEvent): Promise<void> {
  page.calendar?.refetchEvents();
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

/** A drag or a resize: saved at once, or put back with the reason. */
export async function moveEvent(event: EventApi, revert: () => void): Promise<void> {
  const stored = event.extendedProps.stored as StoredEvent;
  if (!event.start || !event.end) return revert();
  try {
    await modifyEvent(page.session?.token, stored, { start: utc(event.start), end: utc(event.end) });
    say(`Moved "${stored.title}" to ${utcText(utc(event.start))} – ${utcText(utc(event.end))}.`);
    page.calendar?.refetchEvents();
  } catch (error) {
    revert();
    if (signInExpired(error)) return;
    if (error instanceof ApiError && error.status === 412) return reloadAfterConflict(stored);
    say(`Not moved: ${reasonOf(error)}`, 'error');
  }
}

async function save(): Promise<void> {
  const { session, site, editing } = page;
  if (!session || !site) return;
  const values = dialogValues();
  if (editing) {
    const saved = await modifyEvent(session.token, editing, values);
    say(`Saved "${saved.title}".`);
  } else {
    const answer = await newEvent(session.token, {
      event_id: newEventId(), site: site.site, resourceId: site.site, creator: session.name, creator_id: session.userId, origin: 'PTR', ...values,
    });
    say(`Booked "${answer.new_calendar_event.title}", ${utcText(answer.new_calendar_event.start)} – ${utcText(answer.new_calendar_event.end)}.`);
  }
  dialog.close();
  page.calendar?.refetchEvents();
}

async function remove(): Promise<void> {
  const stored = page.editing;
  if (!stored) return;
  await deleteEvent(page.session?.token, stored);
  dialog.close();
  say(`Deleted "${stored.title}".`);
  page.calendar?.refetchEvents();
}

/** A dialog action: a 401 signs out and a 412 reloads the event, as above; any other failure is told in the dialog. */
function guarded(action: () => Promise<void>): () => void {
  return () => {
    const stored = page.editing;
    action().catch((error: unknown) => {
      if (signInExpired(error)) return;
      if (stored && error instanceof ApiError && error.status === 412) {
        void reloadAfterConflict(stored);
        return;
      }
      $('event-error').textContent = `Not saved: ${reasonOf(error)}`;
      // A booking rule (400) or an allowance (409) refused it, or someone else's booking: what is left may have changed.
      if (error instanceof ApiError && (error.status === 400 || error.status === 409)) void refreshAllowance();
    });
  };
}

/** The dialog's buttons: save (the form's submit), delete, close; and its start, whose night's allowance it shows. */
export function listenToDialog(): void {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    guarded(save)();
  });
  $('event-delete').addEventListener('click', guarded(remove));
  $('event-cancel').addEventListener('click', () => dialog.close());
  listenToStart();
}
