/** Service keys are compared in constant time: fixed-length digests, every configured key, every time. */
import { timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { ClaimsIdentityResolver } from '../../src/adapters/auth/claims-identity-resolver.js';
import { ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { join } from 'node:path';
import { SsmServiceApiKeys } from '../../src/adapters/auth/ssm-service-api-keys.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { IdentityUnavailableError } from '../../src/domain/errors.js';
import { killSpawnedServers, spawnServer } from '../support/child-server.js';
import { startLoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

const KEYS = ['projects-service-key-0001', 'another-backend-key-00002', 'x'.repeat(64)];

it('every presented key makes the same comparisons, of 32-byte digests, whatever it matches', async () => {
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
  await fc.assert(fc.asyncProperty(presented, async (key) => {
    calls.length = 0;
    const actor = await resolver.serviceFromKey(key);
    expect(actor === undefined ? 'refused' : actor.kind).toBe(KEYS.includes(key) ? 'service' : 'refused');
    expect(calls).toEqual(KEYS.map(() => [32, 32]));
  }), { numRuns: 500 });
});

it('with no keys configured, nothing is accepted', async () => {
  const resolver = new ClaimsIdentityResolver({ serviceApiKeys: [] });
  expect(await resolver.serviceFromKey('')).toBeUndefined();
  expect(await resolver.serviceFromKey('projects-service-key-0001')).toBeUndefined();
});

describe('service keys from SSM (SERVICE_API_KEYS_SOURCE=ssm)', () => {
  /** A fake SSM client: the parameter's value (or a failure), counting the reads. */
  function fakeSsm(initial: string | Error | undefined) {
    const state = { value: initial, reads: 0, asked: [] as unknown[] };
    const client = {
      send: async (command: { input: unknown }) => {
        state.reads += 1;
        state.asked.push(command.input);
        await new Promise((r) => setTimeout(r, 5));
        if (state.value instanceof Error) throw state.value;
        if (state.value === undefined) throw new ParameterNotFound({ message: 'not found', $metadata: {} });
        return { Parameter: { Value: state.value } };
      },
    } as unknown as SSMClient;
    return { state, client };
  }

  it('reads the SecureString once for concurrent callers, uses it for its TTL, then reads it again (a rotation)', async () => {
    let now = 0;
    const { state, client } = fakeSsm('first-key-0123456789, second-key-0123456789');
    const source = new SsmServiceApiKeys({ parameterName: '/photonranch-calendar/dev/service-api-keys', source: { client }, ttlMs: 60_000, nowMs: () => now });
    const resolver = new ClaimsIdentityResolver({ serviceApiKeys: source });
    const answers = await Promise.all(Array.from({ length: 20 }, () => resolver.serviceFromKey('second-key-0123456789')));
    expect(answers.every((a) => a?.kind === 'service')).toBe(true);
    expect(state.reads).toBe(1);
    expect(state.asked[0]).toEqual({ Name: '/photonranch-calendar/dev/service-api-keys', WithDecryption: true });
    state.value = 'rotated-key-0123456789';
    expect(await resolver.serviceFromKey('first-key-0123456789')).toBeDefined(); // within the TTL
    now = 60_000;
    expect(await resolver.serviceFromKey('first-key-0123456789')).toBeUndefined();
    expect(await resolver.serviceFromKey('rotated-key-0123456789')).toBeDefined();
    expect(state.reads).toBe(2);
  });

  it('a missing parameter accepts no key; a failed read is a 503-class error, or the last set read', async () => {
    let now = 0;
    const missing = fakeSsm(undefined);
    const none = new ClaimsIdentityResolver({ serviceApiKeys: new SsmServiceApiKeys({ parameterName: '/p', source: { client: missing.client } }) });
    expect(await none.serviceFromKey('anything-0123456789')).toBeUndefined();

    const errors: unknown[] = [];
    const failing = fakeSsm(Object.assign(new Error('AccessDenied'), { name: 'AccessDeniedException' }));
    const source = new SsmServiceApiKeys({ parameterName: '/p', source: { client: failing.client }, ttlMs: 1000, nowMs: () => now, onError: (e) => errors.push(e) });
    await expect(source.keys()).rejects.toBeInstanceOf(IdentityUnavailableError);
    expect(errors).toHaveLength(1);
    failing.state.value = 'good-key-0123456789abc';
    expect(await source.keys()).toEqual(['good-key-0123456789abc']);
    failing.state.value = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    now = 5000;
    expect(await source.keys()).toEqual(['good-key-0123456789abc']);
  });

  it('a parameter with a key shorter than 16 characters accepts none of its keys, and says why', async () => {
    const errors: unknown[] = [];
    const { client } = fakeSsm('long-enough-key-0123456, short');
    const source = new SsmServiceApiKeys({ parameterName: '/p', source: { client }, onError: (e) => errors.push(e) });
    expect(await source.keys()).toEqual([]);
    expect(String(errors[0])).toMatch(/shorter than 16 characters/);
  });

  it('configuration: ssm is refused together with SERVICE_API_KEYS; the parameter is named per stage', () => {
    expect(() => loadConfig({ SERVICE_API_KEYS_SOURCE: 'ssm', SERVICE_API_KEYS: 'a-key-of-16-chars-or-more' })).toThrow(/SERVICE_API_KEYS is set but SERVICE_API_KEYS_SOURCE=ssm/);
    expect(loadConfig({ SERVICE_API_KEYS_SOURCE: 'ssm', STAGE: 'prod' })).toMatchObject({
      serviceApiKeysSource: 'ssm', serviceApiKeysParameter: '/photonranch-calendar/prod/service-api-keys', serviceApiKeys: [],
    });
    expect(loadConfig({}).serviceApiKeysSource).toBe('env');
  });

  it('a server process reads its keys from SSM over the AWS API (an SSM stand-in on loopback)', async () => {
    const asked: Array<{ target: string | undefined; body: unknown }> = [];
    const ssm = await startLoopbackServer((req, res, body) => {
      asked.push({ target: req.headers['x-amz-target'] as string | undefined, body: JSON.parse(body) });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ Parameter: { Name: '/photonranch-calendar/dev/service-api-keys', Type: 'SecureString', Value: 'ssm-held-key-0123456789' } }));
    });
    const dir = tempDir('ssm-keys-');
    try {
      const server = await spawnServer({
        SQLITE_PATH: join(dir.path, 'c.db'), IMPORT_ENABLED: 'false', SERVICE_API_KEYS: '', SERVICE_API_KEYS_SOURCE: 'ssm',
        AWS_ENDPOINT_URL_SSM: ssm.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1',
      });
      const link = (key: string) => fetch(`${server.url}/remove-project-from-events`, { method: 'POST', body: '{"events":["x"]}', headers: { 'x-api-key': key } });
      expect((await link('ssm-held-key-0123456789')).status).toBe(200);
      expect((await link('not-the-key-0123456789')).status).toBe(401);
      expect(asked).toEqual([{ target: 'AmazonSSM.GetParameter', body: { Name: '/photonranch-calendar/dev/service-api-keys', WithDecryption: true } }]);
    } finally {
      await killSpawnedServers();
      await ssm.close();
      dir.remove();
    }
  }, 30_000);
});
