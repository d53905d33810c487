import { RateLimiter } from '../../src/adapters/http/rate-limit.js';

describe('RateLimiter (token bucket per client)', () => {
  it('allows a burst of perMinute, then refuses with the wait until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter(600, () => now);
    for (let i = 0; i < 600; i++) expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('bob').allowed).toBe(true); // clients do not share a bucket
    now += 100; // 600 a minute = one per 100 ms
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
  });

  it('earns requests back at the configured rate, never above the burst', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) limiter.take('c');
    const refused = limiter.take('c');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 10 * 60_000; // ten minutes idle: still only 60 at once
    let allowed = 0;
    while (limiter.take('c').allowed) allowed += 1;
    expect(allowed).toBe(60);
  });

  it('a slow limit names a longer wait', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('c');
    limiter.take('c');
    expect(limiter.take('c')).toEqual({ allowed: false, retryAfterSeconds: 30 });
  });

  it('keeps memory bounded: past maxClients the least recently seen client is forgotten', () => {
    const limiter = new RateLimiter(1, () => 0, 100);
    for (let i = 0; i < 10_000; i++) limiter.take(`client-${i}`);
    expect(limiter.clients).toBe(100);
    expect(limiter.take('client-9999').allowed).toBe(false); // recent: still remembered
    expect(limiter.take('client-0').allowed).toBe(true); // forgotten: a fresh bucket
  });
});
