/** Service keys are compared in constant time: fixed-length digests, every configured key, every time. */
import { timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { ClaimsIdentityResolver } from '../../src/adapters/auth/claims-identity-resolver.js';

const KEYS = ['projects-service-key-0001', 'another-backend-key-00002', 'x'.repeat(64)];

it('every presented key makes the same comparisons, of 32-byte digests, whatever it matches', () => {
  const calls: Array<[number, number]> = [];
  const resolver = new ClaimsIdentityResolver({
    serviceApiKeys: KEYS,
    compareDigests: (a, b) => {
      calls.push([a.length, b.length]);
      return timingSafeEqual(a, b);
    },
  });
  const presented = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom(...KEYS),
    fc.constantFrom(...KEYS).chain((k) => fc.nat({ max: k.length }).map((n) => k.slice(0, n))), // a right prefix
    fc.constantFrom(...KEYS).map((k) => `${k}x`),
  );
  fc.assert(fc.property(presented, (key) => {
    calls.length = 0;
    const actor = resolver.serviceFromKey(key);
    expect(actor === undefined ? 'refused' : actor.kind).toBe(KEYS.includes(key) ? 'service' : 'refused');
    expect(calls).toEqual(KEYS.map(() => [32, 32]));
  }), { numRuns: 500 });
});

it('with no keys configured, nothing is accepted', () => {
  const resolver = new ClaimsIdentityResolver({ serviceApiKeys: [] });
  expect(resolver.serviceFromKey('')).toBeUndefined();
  expect(resolver.serviceFromKey('projects-service-key-0001')).toBeUndefined();
});
