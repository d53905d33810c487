import { createHash, randomBytes } from 'node:crypto';
import type { FeedKeyCodec } from '../../application/ports/feed-keys.port.js';

/**
 * 256-bit random keys, stored as their SHA-256. A key has the entropy of a secret, so a fast,
 * unsalted hash is enough: nobody can guess one to hash, and a digest read from a leaked store
 * cannot be turned back into an address that works. The lookup is by digest, so its time says
 * nothing about how much of a guessed key was right.
 */
export class CryptoFeedKeyCodec implements FeedKeyCodec {
  newKey(): string {
    return randomBytes(32).toString('base64url');
  }

  digest(key: string): string {
    return createHash('sha256').update(key, 'utf8').digest('base64url');
  }
}
