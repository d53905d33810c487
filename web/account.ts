/**
 * Who is using the page, in its header: signed in (with Book… and Sign out), a way to sign in as
 * the deployment allows, or a note that the page is read-only. session.ts does the signing in.
 */
import { ApiError } from './api.js';
import { openBooking } from './dialog.js';
import { $, button, dialog, pageSettings as settings, reasonOf, say } from './dom.js';
import { SessionKeeper, type Session } from './session.js';
import { page, setSession } from './state.js';

export const sessions = new SessionKeeper(settings);

export function renderAccount(): void {
  const account = $('account');
  account.replaceChildren();
  const { session } = page;
  if (session) {
    const who = document.createElement('span');
    who.id = 'signed-in-as';
    who.textContent = `Signed in as ${session.name}${session.admin ? ' (admin)' : ''}`;
    const out = button('Sign out', async () => {
      await sessions.signOut(session);
      sessionChanged(undefined, 'Signed out.');
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
      sessions.signInAs(name, ($<HTMLInputElement>('sign-in-admin')).checked).then(
        (s) => sessionChanged(s, `Signed in as ${s.name}. Select a time in the calendar to book it.`),
        (error: unknown) => say(`Could not sign in: ${reasonOf(error)}`, 'error'));
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
  page.calendar?.setOption('selectable', page.session !== undefined);
}

/** A new session, or none: said, shown in the header, and the events redrawn (which are the user's, which they may drag). */
function sessionChanged(session: Session | undefined, message: string, kind: 'info' | 'error' = 'info'): void {
  setSession(session);
  say(message, kind);
  renderAccount();
  page.calendar?.refetchEvents();
}

/** A 401 on a change: the token has expired (or was revoked); the page says so and offers sign-in again. */
export function signInExpired(error: unknown): boolean {
  const ended = page.session;
  if (!(error instanceof ApiError) || error.status !== 401 || !ended) return false;
  void sessions.signOut(ended);
  if (dialog.open) dialog.close();
  sessionChanged(undefined, `Your sign-in has ended (${error.reason}); sign in again to change the calendar.`, 'error');
  return true;
}
