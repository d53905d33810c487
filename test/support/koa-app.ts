/** The Koa edge as the tests that build it in process make it: the settings they share, each overridable. */
import { generateKeyPairSync } from 'node:crypto';
import type Koa from 'koa';
import { pino } from 'pino';
import { ClaimsIdentityResolver } from '../../src/adapters/auth/claims-identity-resolver.js';
import { StaticTokenKeys } from '../../src/adapters/auth/static-token-keys.js';
import { buildKoaApp, type KoaAppOptions } from '../../src/adapters/http/koa/app.js';

export function testKoaApp(options: Pick<KoaAppOptions, 'routes'> & Partial<KoaAppOptions>): Koa {
  return buildKoaApp({
    // A key nobody signs with: these tests send no token, or one that must be refused.
    tokenKeys: new StaticTokenKeys(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
    identity: new ClaimsIdentityResolver({ serviceApiKeys: [] }),
    audience: 'master', issuer: 'test', clockToleranceSeconds: 0, allowAnonymousProjectLinks: false,
    rateLimitPerMinute: 600, importTriggersPerMinute: 6, maxInFlight: 256, bodyTimeoutSeconds: 10, bodyMinBytesPerSecond: 1024,
    logger: pino({ level: 'silent' }),
    readinessCheck: async () => undefined,
    about: { service: 'test' },
    openApi: {},
    docs: { tokenHint: '', version: 'test' },
    page: { oidc: null, localSignIn: false },
    ...options,
  });
}
