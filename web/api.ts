/**
 * The page's calls to the calendar API. Paths are relative to the page, so that the page works
 * behind a path prefix (an API Gateway stage) as well as at a server's root.
 */
import type {
  AllowanceAnswer, AllowanceBody, AvailabilityAnswer, AvailabilityBody, DeleteEventBody, EventHistoryBody, HistoryEntry, Me, ModifyEventBody, NewEventAnswer, NewEventBody,
  SiteEventsAnswer, SiteEventsBody, SiteListing, StoredEvent,
} from './wire.js';

export interface Answer {
  readonly ok: boolean;
  readonly status: number;
  /** The body as sent: JSON for a success, the server's own plain-text reason for an error. */
  readonly text: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(`${status}: ${reason}`);
    this.name = 'ApiError';
  }
}

const address = (path: string): string => new URL(path.replace(/^\//, ''), document.baseURI).href;

export async function call(method: 'GET' | 'POST', path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(address(path), {
      method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }), cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'The calendar could not be reached; check the connection and try again.');
  }
  return { ok: response.ok, status: response.status, text: await response.text() };
}

/** The answer's JSON; an error answer throws an ApiError carrying the server's reason. */
export async function json<T>(method: 'GET' | 'POST', path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<T> {
  const answer = await call(method, path, options);
  if (!answer.ok) throw new ApiError(answer.status, answer.text.trim() || `HTTP ${answer.status}`);
  return JSON.parse(answer.text) as T;
}

/** A UTC instant in the calendar's one stored form, YYYY-MM-DDTHH:mm:ssZ. */
export const utc = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An event id the server has not seen: a random UUID (crypto.randomUUID exists only on secure origins). */
export function newEventId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- the routes the page calls, typed by the server's schemas (wire.ts) ----

/** If-Match with the version the page saw: a change made elsewhere since then answers 412. */
const precondition = (event: StoredEvent): Record<string, string> => ({ 'if-match': `"${event.version}"` });

export const siteEvents = (body: SiteEventsBody): Promise<SiteEventsAnswer> => json('POST', 'siteevents', { body });

export const availability = (body: AvailabilityBody): Promise<AvailabilityAnswer> => json('POST', 'availability', { body });

export const siteListing = (): Promise<SiteListing> => json('POST', 'sites');

export const newEvent = (token: string, body: NewEventBody): Promise<NewEventAnswer> => json('POST', 'newevent', { token, body });

/** The event with `changes`, the version the page saw as the precondition. */
export function modifyEvent(token: string | undefined, stored: StoredEvent, changes: Partial<StoredEvent>): Promise<StoredEvent> {
  const body: ModifyEventBody = { originalEvent: { event_id: stored.event_id, start: stored.start }, modifiedEvent: { ...stored, ...changes } };
  return json('POST', 'modifyevent', { token, headers: precondition(stored), body });
}

/** Deletes the event if it is still at the version the page saw; an error answer throws its reason. */
export async function deleteEvent(token: string | undefined, stored: StoredEvent): Promise<void> {
  const body: DeleteEventBody = { event_id: stored.event_id };
  const answer = await call('POST', 'delete', { token, headers: precondition(stored), body });
  if (!answer.ok) throw new ApiError(answer.status, answer.text.trim());
}

export const eventHistory = (token: string | undefined, body: EventHistoryBody): Promise<HistoryEntry[]> => json('POST', 'event-history', { token, body });

export const me = (token: string): Promise<Me> => json('GET', 'me', { token });

export const allowance = (token: string, body: AllowanceBody): Promise<AllowanceAnswer> => json('POST', 'allowance', { token, body });

/** Local auth mode's "sign in as": a development route of the Koa server, outside the route table and so without a schema. */
export const devToken = (name: string, admin: boolean): Promise<{ access_token: string }> => json('POST', 'dev/token', { body: { name, admin } });
