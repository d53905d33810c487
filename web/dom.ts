/** The page's fixed elements (index.html) and the small helpers every part of it uses to speak. */
import { ApiError } from './api.js';
import type { PageSettings } from './session.js';

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
export const dialog = $<HTMLDialogElement>('event-dialog');
export const form = $<HTMLFormElement>('event-form');
const status = $('status');

/** The server's settings for the page (index.html), fixed while it is open. */
export const pageSettings = JSON.parse(document.getElementById('calendar-settings')?.textContent ?? '{}') as PageSettings;

/** A message in the page's live region: read out by screen readers, and what the tests look for. */
export function say(message: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = message;
  status.dataset.kind = kind;
}

/** What the server said, as it said it. */
export const reasonOf = (error: unknown): string =>
  error instanceof ApiError ? (error.status > 0 ? `${error.status}: ${error.reason}` : error.reason) : String(error);

export function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
