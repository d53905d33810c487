/**
 * A real OpenID provider on loopback (the npm package oidc-provider) for the calendar page's sign-in:
 * one public client using the authorization code flow with PKCE, its own development login form
 * (any login name, any password), and JWT access tokens for the API's audience, as Auth0 issues
 * them when the page asks with `audience`. The tokens carry the user's name, as Photon Ranch's
 * Auth0 rule adds it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OpenIdProvider {
  readonly issuer: string;
  readonly jwksUri: string;
  /** The `audience` each authorization request carried, in order. */
  readonly audiencesAsked: string[];
  close(): Promise<void>;
}

export async function startOpenIdProvider(options: { clientId: string; redirectUri: string; audience: string }): Promise<OpenIdProvider> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => handle?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const audiencesAsked: string[] = [];

  const provider = new Provider(issuer, {
    clients: [{
      client_id: options.clientId,
      token_endpoint_auth_method: 'none',
      redirect_uris: [options.redirectUri],
      post_logout_redirect_uris: [options.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-provider-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['a cookie key made for this test run only'] },
    pkce: { required: () => true },
    // Lifetimes and CORS said outright (the page calls the token endpoint from its own origin).
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === new URL(options.redirectUri).origin,
    extraParams: ['audience'],
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, name: `Observer ${sub}` }) }),
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string; kind?: string }) =>
      (token.kind === 'AccessToken' && token.accountId ? { name: `Observer ${token.accountId}` } : undefined),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Auth0 names the API with `audience`; here the provider knows the one API there is, and
        // records what the page asked for.
        defaultResource: (ctx: { oidc: { params?: Record<string, unknown> } }) => {
          const asked = ctx.oidc.params?.audience;
          if (typeof asked === 'string') audiencesAsked.push(asked);
          return options.audience;
        },
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid profile',
          audience: options.audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  // Warnings about development defaults (the login form) are expected here.
  provider.on('server_error', (_ctx: unknown, error: Error) => process.stderr.write(`oidc-provider: ${error.stack ?? error.message}\n`));
  handle = provider.callback();
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    audiencesAsked,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
