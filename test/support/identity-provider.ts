import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

export const ISSUER = 'https://photonranch.test.auth0.example/';
export const AUDIENCE = 'master';
export const ROLES_CLAIM = 'https://photonranch.org/user_metadata';

export interface TokenOptions {
  sub?: string;
  name?: string;
  roles?: string[] | null;
  audience?: string;
  issuer?: string;
  kid?: string;
  expiresIn?: number;
  notBefore?: number;
  key?: KeyObject;
}

/**
 * An Auth0 stand-in on loopback: a JWKS endpoint (counting its requests, able to go down) and a
 * /userinfo endpoint. Keys are generated when the test starts.
 */
export class IdentityProvider {
  readonly kid = 'test-key-1';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  jwksRequests = 0;
  userinfoRequests = 0;
  down = false;
  /** Roles /userinfo answers with, by bearer token subject. */
  readonly userinfoRoles = new Map<string, string[]>();
  private server?: LoopbackServer;

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
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
    this.server = await startLoopbackServer((req, res) => {
      if (this.down) {
        res.statusCode = 503;
        res.end('down');
        return;
      }
      if (req.url === '/.well-known/jwks.json') {
        this.jwksRequests += 1;
        const jwk = this.publicKey.export({ format: 'jwk' });
        sendJson(res, 200, { keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256' }] });
        return;
      }
      if (req.url === '/userinfo') {
        this.userinfoRequests += 1;
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const sub = (jwt.decode(token) as { sub?: string } | null)?.sub ?? '';
        sendJson(res, 200, { sub, [ROLES_CLAIM]: { roles: this.userinfoRoles.get(sub) ?? [] } });
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
    const payload: Record<string, unknown> = { name: options.name ?? options.sub ?? 'alice' };
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
