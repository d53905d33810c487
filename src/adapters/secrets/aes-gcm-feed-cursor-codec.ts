import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { FeedCursorCodec } from '../../application/ports/feed-cursors.port.js';
import type { FeedCursor } from '../../domain/feed.js';

const PREFIX = 'c2.';
/** seq (8 bytes) and issuedAt (4 bytes, unsigned seconds: good until 2106), big-endian. */
const PAYLOAD_BYTES = 12;
/** GCM's own sizes: a 96-bit nonce, a 128-bit tag (a forger's odds per try are 2^-128). */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_BYTES = NONCE_BYTES + PAYLOAD_BYTES + TAG_BYTES;
const TEXT = new RegExp(`^${PREFIX.replace('.', '\\.')}[A-Za-z0-9_-]{${Math.ceil((SEALED_BYTES * 4) / 3)}}$`);

/**
 * Cursors as `c2.<base64url of nonce, ciphertext and tag>`, sealed under the deployment's secret
 * with AES-256-GCM, the standard authenticated encryption Node's OpenSSL provides (rather than a
 * construction of our own): the encryption hides the seq (on SQLite, a count of every write of
 * every site) and the issue time; the site is the additional authenticated data, so a cursor opens
 * only for its own site's change feed without carrying its name. Nonces are random: at 2^-32 odds of
 * a repeat only past 2^32 cursors under one key, far beyond what a calendar hands out.
 *
 * `secret` is read once (again after a failure): the stored secret (file-secret.ts, dynamodb-secret.ts)
 * is the same in every process and after a restart, so cursors stay good.
 */
export class AesGcmFeedCursorCodec implements FeedCursorCodec {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly secret: () => Promise<Uint8Array>) {}

  async seal(cursor: FeedCursor): Promise<string> {
    const key = await this.derived();
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload.writeBigUInt64BE(BigInt(cursor.seq), 0);
    payload.writeUInt32BE(cursor.issuedAt, 8);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES }).setAAD(siteData(cursor.site));
    const sealed = Buffer.concat([nonce, cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
    return PREFIX + sealed.toString('base64url');
  }

  async open(text: string, site: string): Promise<FeedCursor | undefined> {
    if (!TEXT.test(text)) return undefined;
    const body = text.slice(PREFIX.length);
    const raw = Buffer.from(body, 'base64url');
    // A text whose last character differs in unused bits decodes alike: only the one spelling opens.
    if (raw.length !== SEALED_BYTES || raw.toString('base64url') !== body) return undefined;
    const key = await this.derived();
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES })
      .setAAD(siteData(site))
      .setAuthTag(raw.subarray(NONCE_BYTES + PAYLOAD_BYTES));
    let payload: Buffer;
    try {
      payload = Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, NONCE_BYTES + PAYLOAD_BYTES)), decipher.final()]);
    } catch {
      return undefined; // the tag does not match: made up, altered, another site's or another deployment's
    }
    const seq = payload.readBigUInt64BE(0);
    if (seq > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return { site, seq: Number(seq), issuedAt: payload.readUInt32BE(8) };
  }

  private derived(): Promise<Buffer> {
    if (this.key) return this.key;
    const key = this.secret().then((secret) => {
      if (secret.length < 32) throw new Error('The feed-cursor secret is shorter than 32 bytes.');
      // A key of its own for this one purpose, should the stored secret ever serve another.
      return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'photonranch-calendar feed cursor', 32));
    });
    this.key = key;
    // A failed read (the store not answering) is tried again by the next request.
    key.catch(() => {
      if (this.key === key) this.key = undefined;
    });
    return key;
  }
}

const siteData = (site: string): Buffer => Buffer.from(`feed cursor of site ${site}`, 'utf8');
