import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { TokenHeader, TokenKeys } from '../../application/ports/token-keys.port.js';
import { UnauthenticatedError } from '../../domain/errors.js';

/**
 * The public key of a PEM text: an X.509 certificate (as Auth0 serves and the old service used) or a
 * SPKI/PKCS#1 public key. Literal `\n` sequences, as environment variables often carry, are accepted.
 */
export function publicKeyFromPem(pem: string): KeyObject {
  const text = pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
  const key = text.includes('BEGIN CERTIFICATE') ? new X509Certificate(text).publicKey : createPublicKey(text);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('the key is not an RSA key');
  return key;
}

/** One fixed RSA verification key, parsed once (`AUTH_PUBLIC_KEY`, or the local-mode key). */
export class StaticTokenKeys implements TokenKeys {
  constructor(private readonly key: KeyObject) {}

  async keyFor(header: TokenHeader): Promise<KeyObject> {
    if (header.alg !== 'RS256') throw new UnauthenticatedError('Unauthorized: only RS256 tokens are accepted.');
    return this.key;
  }
}
