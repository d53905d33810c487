import jwt from 'jsonwebtoken';
import { LOCAL_ISSUER, LOCAL_KID, ROLES_CLAIM, type LocalKeyPair } from './local-signing-key.js';

// Apart from local-signing-key.ts so that the server, which only verifies, never loads jsonwebtoken
// at start (it costs the Lambda cold start about 10 ms).

interface LocalTokenRequest {
  readonly sub: string;
  readonly name?: string;
  readonly admin?: boolean;
  readonly audience: string;
  readonly expiresInSeconds?: number;
}

/** An access token signed with the local key, shaped like the Auth0 tokens production receives. */
export function signLocalToken(keys: LocalKeyPair, request: LocalTokenRequest): string {
  return jwt.sign(
    { name: request.name ?? request.sub, [ROLES_CLAIM]: { roles: request.admin ? ['admin'] : [] } },
    keys.privateKey,
    {
      algorithm: 'RS256',
      keyid: LOCAL_KID,
      subject: request.sub,
      audience: request.audience,
      issuer: LOCAL_ISSUER,
      expiresIn: request.expiresInSeconds ?? 12 * 3600,
    },
  );
}
