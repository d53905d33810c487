/**
 * What the page says about an event, and whether it offers to change it. The rules (who may change
 * an event, what is an LCO observation) are the domain's own functions, bundled into the page.
 */
import { DateTime } from 'luxon';
import { mayManage, type Actor } from '../src/domain/actor.js';
import { isLcoOrigin } from '../src/domain/reservation.js';
import { page } from './state.js';
import type { StoredEvent } from './wire.js';

const actor = (): Actor => {
  const { session } = page;
  return session ? { kind: 'user', sub: session.userId, name: session.name, isAdmin: session.admin } : { kind: 'anonymous' };
};

export const isLco = (event: Pick<StoredEvent, 'origin'>): boolean => isLcoOrigin(String(event.origin ?? ''));

/** Whether this page lets the user change the event: the API's owner-or-admin rule; never an LCO observation. */
export const editable = (event: StoredEvent): boolean => !isLco(event) && mayManage(actor(), event);

/** "name#created_at" → name; "none" (or nothing) → nothing. */
export const projectName = (projectId: string): string => (projectId && projectId !== 'none' ? projectId.split('#')[0] ?? projectId : '');

/** A stored UTC time as HH:mm in a time zone. */
export const hhmm = (iso: string, zone: string): string => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');

/** A stored UTC time as "YYYY-MM-DD HH:mm UTC". */
export const utcText = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
