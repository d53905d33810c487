/**
 * Who is using the page. Two ways in, as the deployment allows (settings from the server):
 * - OpenID Connect, authorization code with PKCE (oidc-client-ts), asking for an access token for
 *   the API's audience (Auth0's `audience` parameter);
 * - local auth mode only: "sign in as" a name, through the server's development route.
 * Either way the token is shown to the API's GET /me, and the page believes what it answers
 * (the same claims rule the API applies to every request), not the token's contents.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { ApiError, devToken, me } from './api.js';

export interface PageSettings {
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly audience: string } | null;
  readonly localSignIn: boolean;
  /** BOOKING_RULES sets a rule: the booking dialog shows the caller's allowance. */
  readonly bookingRules?: true;
}

export interface Session {
  readonly token: string;
  readonly userId: string;
  readonly name: string;
  readonly admin: boolean;
  /** How the page came by it; signing out of an OpenID session also forgets oidc-client-ts's copy (not the provider's own sign-in). */
  readonly via: 'oidc' | 'local';
}

const LOCAL_KEY = 'photonranch-calendar.local-session';

/** The page's address without its query: where the provider sends the browser back. */
const redirectUri = (): string => `${location.origin}${location.pathname}`;

export class SessionKeeper {
  private readonly users: UserManager | undefined;

  constructor(private readonly settings: PageSettings) {
    this.users = settings.oidc ? new UserManager({
      authority: settings.oidc.issuer,
      client_id: settings.oidc.clientId,
      redirect_uri: redirectUri(),
      post_logout_redirect_uri: redirectUri(),
      response_type: 'code',
      scope: 'openid profile',
      extraQueryParams: { audience: settings.oidc.audience },
      // No hidden iframes: the page's Content-Security-Policy allows none, and a token lasting the
      // session is enough for a calendar page (signing in again is one click).
      automaticSilentRenew: false,
      monitorSession: false,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    }) : undefined;
  }

  get canSignInWithOidc(): boolean {
    return this.users !== undefined;
  }

  /**
   * The session the page already has: from the provider's answer in the address (the return from
   * signing in), or kept in this tab. Resolves to the query the page had before signing in, for
   * the caller to put back.
   */
  async resume(): Promise<{ session: Session | undefined; returnedQuery?: string }> {
    const query = new URLSearchParams(location.search);
    if (this.users && query.has('code') && query.has('state')) {
      const user = await this.users.signinRedirectCallback();
      const session = await this.describe(user.access_token, 'oidc');
      const returnedQuery = typeof user.state === 'string' ? user.state : '';
      return { session, returnedQuery };
    }
    if (this.users) {
      const user = await this.users.getUser();
      if (user && !user.expired) return { session: await this.describe(user.access_token, 'oidc').catch(() => undefined) };
    }
    const kept = sessionStorage.getItem(LOCAL_KEY);
    if (kept && this.settings.localSignIn) {
      return { session: await this.describe(kept, 'local').catch(() => undefined) };
    }
    return { session: undefined };
  }

  /** Off to the provider; the page's current query comes back in the state. */
  async signInWithOidc(): Promise<void> {
    if (!this.users) throw new Error('OpenID Connect sign-in is not configured.');
    await this.users.signinRedirect({ state: location.search });
  }

  async signInAs(name: string, admin: boolean): Promise<Session> {
    const minted = await devToken(name, admin);
    const session = await this.describe(minted.access_token, 'local');
    sessionStorage.setItem(LOCAL_KEY, minted.access_token);
    return session;
  }

  async signOut(session: Session): Promise<void> {
    sessionStorage.removeItem(LOCAL_KEY);
    if (session.via === 'oidc') await this.users?.removeUser();
  }

  private async describe(token: string, via: Session['via']): Promise<Session> {
    try {
      const caller = await me(token);
      return { token, userId: caller.user_id, name: caller.name, admin: caller.admin, via };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) sessionStorage.removeItem(LOCAL_KEY);
      throw error;
    }
  }
}
