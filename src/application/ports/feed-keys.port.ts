import { token } from '../token.js';

/** Who a private calendar-feed key belongs to, and since when. */
export interface FeedKeyOwner {
  readonly sub: string;
  readonly createdAt: string;
}

/**
 * The private calendar-feed keys, kept only as digests (FeedKeyCodec), in the store every process
 * and Lambda instance shares.
 */
export interface FeedKeyStore {
  /**
   * Binds a key digest to the user. Without `replace`, binds nothing and answers false when the
   * user has a key already. With it, the user's old digest stops resolving in the same atomic step.
   */
  bind(sub: string, digest: string, createdAt: string, replace: boolean): Promise<boolean>;

  /** The owner of a key digest, or undefined. */
  owner(digest: string): Promise<FeedKeyOwner | undefined>;
}

/** Makes calendar-feed keys and their digests (randomness and hashing live outside the application). */
export interface FeedKeyCodec {
  /** A new random key, URL-safe. */
  newKey(): string;
  /** The digest stored in place of a key; the same for the same key, in every process. */
  digest(key: string): string;
}

export const FeedKeyStoreToken = token<FeedKeyStore>('FeedKeyStore');
export const FeedKeyCodecToken = token<FeedKeyCodec>('FeedKeyCodec');
