import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FeedCursorCodec } from '../../application/ports/feed-cursors.port.js';
import type { FeedCursor } from '../../domain/feed.js';

const PREFIX = 'c2.';
/** seq (8 bytes) and issuedAt (4 bytes, unsigned seconds: good until 2106), big-endian. */
const PAYLOAD_BYTES = 12;
/** The tag's length: 128 bits, so a forger's odds per try are 2^-128. */
const TAG_BYTES = 16;
const TEXT = new RegExp(`^${PREFIX.replace('.', '\\.')}[A-Za-z0-9_-]{${Math.ceil(((TAG_BYTES + PAYLOAD_BYTES) * 4) / 3)}}$`);

interface Keys {
  readonly mac: Buffer;
  readonly enc: Buffer;
}

/**
 * Cursors as `c2.<base64url of tag and ciphertext>`, sealed under the deployment's secret with a
 * deterministic authenticated encryption (SIV built from HMAC-SHA256): the tag is the HMAC of the
 * site and the payload, the payload is XORed with the HMAC of the tag under a second key. The tag
 * binds the site in without carrying it, the encryption hides the seq (on SQLite, a count of every
 * write of every site) and the issue time, and being deterministic it needs no nonce that could
 * repeat. A text opens only when its tag matches, compared in constant time.
 *
 * `secret` is read once (again after a failure): the stored secret (file-secret.ts, dynamodb-secret.ts)
 * is the same in every process and after a restart, so cursors stay good.
 */
export class HmacFeedCursorCodec implements FeedCursorCodec {
  private keys: Promise<Keys> | undefined;

  constructor(private readonly secret: () => Promise<Uint8Array>) {}

  async seal(cursor: FeedCursor): Promise<string> {
    const keys = await this.derived();
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload.writeBigUInt64BE(BigInt(cursor.seq), 0);
    payload.writeUInt32BE(cursor.issuedAt, 8);
    const tag = this.tag(keys, cursor.site, payload);
    return PREFIX + Buffer.concat([tag, xor(payload, stream(keys, tag))]).toString('base64url');
  }

  async open(text: string, site: string): Promise<FeedCursor | undefined> {
    if (!TEXT.test(text)) return undefined;
    const body = text.slice(PREFIX.length);
    const raw = Buffer.from(body, 'base64url');
    // A text whose last character differs in unused bits decodes alike: only the one spelling opens.
    if (raw.length !== TAG_BYTES + PAYLOAD_BYTES || raw.toString('base64url') !== body) return undefined;
    const keys = await this.derived();
    const tag = raw.subarray(0, TAG_BYTES);
    const payload = xor(raw.subarray(TAG_BYTES), stream(keys, tag));
    if (!timingSafeEqual(tag, this.tag(keys, site, payload))) return undefined;
    const seq = payload.readBigUInt64BE(0);
    if (seq > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return { site, seq: Number(seq), issuedAt: payload.readUInt32BE(8) };
  }

  private tag(keys: Keys, site: string, payload: Buffer): Buffer {
    // The site is lowercase letters and digits, so the NUL after it cannot be part of it.
    return createHmac('sha256', keys.mac).update(`${PREFIX}${site}\0`, 'utf8').update(payload).digest().subarray(0, TAG_BYTES);
  }

  private derived(): Promise<Keys> {
    if (this.keys) return this.keys;
    const keys = this.secret().then((secret) => {
      if (secret.length < 32) throw new Error('The feed-cursor secret is shorter than 32 bytes.');
      return { mac: subkey(secret, 'feed cursor tag'), enc: subkey(secret, 'feed cursor encryption') };
    });
    this.keys = keys;
    // A failed read (the store not answering) is tried again by the next request.
    keys.catch(() => {
      if (this.keys === keys) this.keys = undefined;
    });
    return keys;
  }
}

function subkey(secret: Uint8Array, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose, 'utf8').digest();
}

function stream(keys: Keys, tag: Buffer): Buffer {
  return createHmac('sha256', keys.enc).update(tag).digest().subarray(0, PAYLOAD_BYTES);
}

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ (b[i] ?? 0)));
}
