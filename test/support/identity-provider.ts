import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

export const ISSUER = 'https://photonranch.test.auth0.example/';
export const AUDIENCE = 'master';
export const ROLES_CLAIM = 'https://photonranch.org/user_metadata';

export interface TokenOptions {
  sub?: string;
  /** null: a token with no name claim. */
  name?: string | null;
  roles?: string[] | null;
  audience?: string;
  issuer?: string;
  kid?: string;
  expiresIn?: number;
  notBefore?: number;
  key?: KeyObject;
}

/**
 * An Auth0 stand-in on loopback: a JWKS endpoint (counting its requests, able to go down, with keys
 * that can be added and removed as a rotation would) and a /userinfo endpoint (able to fail with a
 * status or to hang). Keys are generated when the test starts.
 */
export class IdentityProvider {
  readonly kid = 'test-key-1';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  jwksRequests = 0;
  userinfoRequests = 0;
  /** Requests answered 503 because `down` was set. */
  requestsWhileDown = 0;
  down = false;
  /** When set, /userinfo answers this status (500, ...) instead of the roles. */
  userinfoStatus?: number;
  /** When set, /userinfo waits this long before answering. */
  userinfoDelayMs = 0;
  /** The published keys, by kid: the default key and whatever a test adds. */
  private readonly published = new Map<string, KeyObject>();
  /** Roles /userinfo answers with, by bearer token subject. */
  readonly userinfoRoles = new Map<string, string[]>();
  /** The display names /userinfo answers with, by subject (none when absent). */
  readonly userinfoNames = new Map<string, string>();
  private server?: LoopbackServer;

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.published.set(this.kid, pair.publicKey);
  }

  /** Publishes a new key under `kid` and returns its private half, to sign tokens with. */
  addKey(kid: string): KeyObject {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.published.set(kid, pair.publicKey);
    return pair.privateKey;
  }

  /** Stops publishing the key `kid`, as a provider does once a rotated-out key is retired. */
  removeKey(kid: string): void {
    this.published.delete(kid);
  }

  get jwksUri(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  get userinfoUrl(): string {
    return `${this.url}/userinfo`;
  }

  get url(): string {
    if (!this.server) throw new Error('identity provider not started');
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await startLoopbackServer(async (req, res) => {
      if (this.down) {
        this.requestsWhileDown += 1;
        res.statusCode = 503;
        res.end('down');
        return;
      }
      if (req.url === '/.well-known/jwks.json') {
        this.jwksRequests += 1;
        const keys = [...this.published].map(([kid, key]) => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }));
        sendJson(res, 200, { keys });
        return;
      }
      if (req.url === '/userinfo') {
        this.userinfoRequests += 1;
        if (this.userinfoDelayMs > 0) await new Promise((r) => setTimeout(r, this.userinfoDelayMs));
        if (this.userinfoStatus !== undefined) {
          res.statusCode = this.userinfoStatus;
          res.end('userinfo failed');
          return;
        }
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const sub = (jwt.decode(token) as { sub?: string } | null)?.sub ?? '';
        const name = this.userinfoNames.get(sub);
        sendJson(res, 200, { sub, ...(name === undefined ? {} : { name }), [ROLES_CLAIM]: { roles: this.userinfoRoles.get(sub) ?? [] } });
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** An RS256 access token like Auth0's; options make the broken variants. */
  token(options: TokenOptions = {}): string {
    const payload: Record<string, unknown> = options.name === null ? {} : { name: options.name ?? options.sub ?? 'alice' };
    if (options.roles !== null) payload[ROLES_CLAIM] = { roles: options.roles ?? [] };
    return jwt.sign(payload, options.key ?? this.privateKey, {
      algorithm: 'RS256',
      keyid: options.kid ?? this.kid,
      subject: options.sub ?? 'alice',
      audience: options.audience ?? AUDIENCE,
      issuer: options.issuer ?? ISSUER,
      expiresIn: options.expiresIn ?? 3600,
      ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
    });
  }
}
