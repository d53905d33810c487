/**
 * The dialog, as a form: booking a new reservation, editing or deleting one's own, or reading
 * another user's (or an LCO observation) with every field disabled. Times are entered in the
 * site's zone; what the form holds goes to the server as UTC.
 */
import { DateTime } from 'luxon';
import { showAllowance } from './allowance.js';
import { utc } from './api.js';
import { $, dialog, form } from './dom.js';
import { editable, isLco, projectName, utcText } from './events.js';
import { page, setEditing } from './state.js';
import type { StoredEvent } from './wire.js';

const field = <T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(name: string): T => form.elements.namedItem(name) as T;

const localInput = (date: Date): string => DateTime.fromJSDate(date).setZone(page.site!.timezone).toFormat("yyyy-LL-dd'T'HH:mm");
const fromLocalInput = (value: string): string => {
  const time = DateTime.fromISO(value, { zone: page.site!.timezone });
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
  $('event-zone').textContent = `Times in ${page.site!.timezone}; ${utcText(utc(values.start))} – ${utcText(utc(values.end))}.`;
  for (const element of Array.from(form.elements) as HTMLInputElement[]) {
    if (element.name && element.type !== 'button' && element.type !== 'submit') element.disabled = readOnly;
  }
  $('event-save').hidden = readOnly;
  $('event-delete').hidden = !canDelete;
  const error = $('event-error');
  error.textContent = message;
  if (!dialog.open) dialog.showModal();
}

/** The next half hour when the days shown hold the present moment; otherwise 20:00 (site time) on the first day shown. */
function defaultStart(): Date {
  const now = Date.now();
  const view = page.calendar?.view;
  const { site } = page;
  if (!view || !site || (view.activeStart.getTime() <= now && now < view.activeEnd.getTime())) return new Date(Math.ceil(now / 1_800_000) * 1_800_000);
  return DateTime.fromJSDate(view.activeStart).setZone(site.timezone).set({ hour: 20, minute: 0, second: 0, millisecond: 0 }).toJSDate();
}

/** The dialog for a new booking, of the selected range or an hour from defaultStart(). */
export function openBooking(start?: Date, end?: Date): void {
  const { session, site } = page;
  if (!session || !site) return;
  setEditing(undefined);
  const from = start ?? defaultStart();
  fillDialog('Book the telescope', {
    title: `${session.name}'s session`, type: 'realtime', project: '', note: '', start: from, end: end ?? new Date(from.getTime() + 3_600_000),
  }, false, false);
  field<HTMLInputElement>('title').focus();
  void showAllowance(from);
}

/** The dialog for a stored event: editable when the page lets the user change it, read-only otherwise. */
export function openEvent(stored: StoredEvent, message = ''): void {
  const mayEdit = editable(stored);
  setEditing(stored);
  fillDialog(isLco(stored) ? 'LCO observation (read-only)' : mayEdit ? 'Edit reservation' : `${stored.creator || stored.creator_id}'s reservation`, {
    title: stored.title, type: stored.reservation_type, project: projectName(stored.project_id) ? stored.project_id : '', note: stored.reservation_note,
    start: new Date(stored.start), end: new Date(stored.end),
  }, !mayEdit, mayEdit, message);
  // The caller's own allowance, beside their own booking; none beside anyone else's.
  void showAllowance(mayEdit && stored.creator_id === page.session?.userId ? new Date(stored.start) : undefined);
}

/** A new start in the dialog: the allowance of the night it falls in. */
export function listenToStart(): void {
  field<HTMLInputElement>('start').addEventListener('change', () => {
    if (field<HTMLInputElement>('start').disabled) return;
    let start: string;
    try {
      start = fromLocalInput(field<HTMLInputElement>('start').value);
    } catch {
      return; // not a date and a time yet: saving says so
    }
    void showAllowance(new Date(start));
  });
}

/** The form's fields as the event's own; throws when a time is not a date and a time. */
export function dialogValues(): Pick<StoredEvent, 'title' | 'reservation_type' | 'project_id' | 'reservation_note' | 'start' | 'end'> {
  return {
    title: field<HTMLInputElement>('title').value.trim(),
    reservation_type: field<HTMLSelectElement>('type').value,
    project_id: field<HTMLInputElement>('project').value.trim() || 'none',
    reservation_note: field<HTMLTextAreaElement>('note').value,
    start: fromLocalInput(field<HTMLInputElement>('start').value),
    end: fromLocalInput(field<HTMLInputElement>('end').value),
  };
}
