import type { FeedKeyOwner, FeedKeyStore } from '../../application/ports/feed-keys.port.js';

export class InMemoryFeedKeyStore implements FeedKeyStore {
  private readonly byUser = new Map<string, string>();
  private readonly byDigest = new Map<string, FeedKeyOwner>();

  async bind(sub: string, digest: string, createdAt: string, replace: boolean): Promise<boolean> {
    const old = this.byUser.get(sub);
    if (old !== undefined && !replace) return false;
    if (old !== undefined) this.byDigest.delete(old);
    this.byUser.set(sub, digest);
    this.byDigest.set(digest, { sub, createdAt });
    return true;
  }

  async owner(digest: string): Promise<FeedKeyOwner | undefined> {
    return this.byDigest.get(digest);
  }
}
