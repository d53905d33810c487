/**
 * The change feed's cursor seal and the secret it is sealed under on SQLite deployments: a sealed
 * cursor opens to what was sealed, only for its site and under its secret, and shows neither its
 * seq nor its time; the secret file is made once, private, and read back the same.
 */
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { cursorSecretPath, loadOrCreateFileSecret } from '../../src/adapters/secrets/file-secret.js';
import { AesGcmFeedCursorCodec } from '../../src/adapters/secrets/aes-gcm-feed-cursor-codec.js';
import { tempDir } from '../support/temp-dir.js';

const secret = randomBytes(32);
const codec = new AesGcmFeedCursorCodec(async () => secret);
const site = fc.stringMatching(/^[a-z0-9]{1,16}$/);
const cursor = fc.record({ site, seq: fc.nat({ max: Number.MAX_SAFE_INTEGER }), issuedAt: fc.nat({ max: 2 ** 32 - 1 }) });

it('opens what it sealed, for that site only, under that secret only; the text shows neither seq nor time', async () => {
  await fc.assert(fc.asyncProperty(cursor, site, async (c, other) => {
    const text = await codec.seal(c);
    expect(text).toMatch(/^c2\.[A-Za-z0-9_-]{54}$/);
    expect(await codec.open(text, c.site)).toEqual(c);
    if (other !== c.site) expect(await codec.open(text, other)).toBeUndefined();
    expect(await new AesGcmFeedCursorCodec(async () => randomBytes(32)).open(text, c.site)).toBeUndefined();
  }), { numRuns: 300 });
  // Consecutive places in the feed give unrelated texts: nothing counts up in them.
  const texts = await Promise.all([41, 42, 43].map((seq) => codec.seal({ site: 'saf', seq, issuedAt: 1_800_000_000 })));
  const shared = (a: string, b: string) => [...a].filter((ch, i) => b[i] === ch).length - 3;
  expect(Math.max(shared(texts[0]!, texts[1]!), shared(texts[1]!, texts[2]!))).toBeLessThan(10);
});

it('refuses every text it did not seal as it is: a changed character, a cut, an addition, another prefix', async () => {
  const text = await codec.seal({ site: 'saf', seq: 7, issuedAt: 1_800_000_000 });
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 64 }), async (junk) => {
    if (junk !== text) expect(await codec.open(junk, 'saf')).toBeUndefined();
  }), { numRuns: 300 });
  const variants = [text.slice(0, -1), `${text}A`, `c1${text.slice(2)}`, text.replace('c2.', 'C2.'), ` ${text}`];
  for (const variant of variants) expect(await codec.open(variant, 'saf')).toBeUndefined();
});

it('keeps its secret beside the database: made once, mode 0600, the same on every read; a damaged file is an error, not a new secret', () => {
  const dir = tempDir('cursor-secret-');
  try {
    const path = cursorSecretPath(join(dir.path, 'data', 'calendar.db'));
    expect(path).toBe(join(dir.path, 'data', 'feed-cursor.key'));
    const first = loadOrCreateFileSecret(path);
    expect(first).toHaveLength(32);
    expect(loadOrCreateFileSecret(path)).toEqual(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, 'short');
    expect(() => loadOrCreateFileSecret(path)).toThrow(/does not hold a secret of 32 bytes/);
  } finally {
    dir.remove();
  }
});
