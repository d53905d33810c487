import { ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { pino } from 'pino';
import type { ImportSchedules, SubsiteReport } from '../../src/application/use-cases/import-schedules.js';
import { HttpLcoClient } from '../../src/adapters/lco/http-lco-client.js';
import { EnvSiteProxySecrets } from '../../src/adapters/secrets/env-site-proxy-secrets.js';
import { SsmSiteProxySecrets } from '../../src/adapters/secrets/ssm-site-proxy-secrets.js';
import { ConfigError, loadConfig } from '../../src/bootstrap/config.js';
import { scheduleImports } from '../../src/bootstrap/server.js';
import { DEFAULT_LCO_SITES } from '../../src/domain/lco.js';
import { UpstreamUnavailableError } from '../../src/domain/errors.js';
import { sendJson, startLoopbackServer } from '../support/loopback-server.js';

describe('the in-process import schedule', () => {
  it('runs at once and then every interval, never two runs at the same time, and stops cleanly', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const slowImport = {
      execute: async (): Promise<SubsiteReport[]> => {
        running += 1;
        runs += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 120)); // longer than the interval
        running -= 1;
        return [];
      },
    } as unknown as ImportSchedules;
    const stop = scheduleImports(slowImport, 0.03, pino({ level: 'silent' }));
    await new Promise((r) => setTimeout(r, 500));
    await stop();
    const afterStop = runs;
    await new Promise((r) => setTimeout(r, 100));
    expect(maxRunning).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(runs).toBe(afterStop);
  });
});

describe('site-proxy secrets', () => {
  it('env: SITE_PROXY_SECRET_<WEMA>, blank means not configured', async () => {
    const secrets = new EnvSiteProxySecrets({ SITE_PROXY_SECRET_MRC: 's3cret', SITE_PROXY_SECRET_ARO: ' ' });
    expect(await secrets.secretFor('mrc')).toBe('s3cret');
    expect(await secrets.secretFor('aro')).toBeUndefined();
    expect(await secrets.secretFor('eco')).toBeUndefined();
  });

  it('SSM: /site-proxy-secret/<wema> decrypted, cached; missing means not configured; failures are upstream errors', async () => {
    const asked: unknown[] = [];
    const ssm = {
      send: async (command: { input: { Name: string; WithDecryption: boolean } }) => {
        asked.push(command.input);
        if (command.input.Name === '/site-proxy-secret/mrc') return { Parameter: { Value: 'from-ssm' } };
        if (command.input.Name === '/site-proxy-secret/aro') throw new ParameterNotFound({ message: 'not found', $metadata: {} });
        throw Object.assign(new Error('AccessDenied'), { name: 'AccessDeniedException' });
      },
    } as unknown as SSMClient;
    const secrets = new SsmSiteProxySecrets({ client: ssm });
    expect(await secrets.secretFor('mrc')).toBe('from-ssm');
    expect(await secrets.secretFor('mrc')).toBe('from-ssm');
    expect(asked).toEqual([{ Name: '/site-proxy-secret/mrc', WithDecryption: true }]);
    expect(await secrets.secretFor('aro')).toBeUndefined();
    await expect(secrets.secretFor('eco')).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});

describe('LCO configuration', () => {
  it('defaults to the contract mapping and the public site proxies', () => {
    const config = loadConfig({});
    expect(config.lcoSites).toEqual(DEFAULT_LCO_SITES);
    expect(config.lcoSiteProxyUrl).toBe('https://{wema}-proxy.lco.global/');
    expect(config).toMatchObject({ importEnabled: true, importIntervalSeconds: 300, importWindowDays: 21, importFullRefreshSeconds: 3600, siteProxySecretsSource: 'env' });
  });

  it('LCO_SITES overrides the sites and mapping; secrets are collected from SITE_PROXY_SECRET_*', () => {
    const config = loadConfig({ LCO_SITES: '{"tst": {"0m4": "tst1"}}', SITE_PROXY_SECRET_TST: 'x' });
    expect(config.lcoSites).toEqual({ tst: { '0m4': 'tst1' } });
    expect(config.siteProxySecrets).toEqual({ SITE_PROXY_SECRET_TST: 'x' });
  });

  it.each([
    [{ LCO_SITES: 'not json' }, 'LCO_SITES'],
    [{ LCO_SITES: '{"MRC": {"0m31": "mrc1"}}' }, 'LCO_SITES'],
    [{ LCO_SITES: '["mrc"]' }, 'LCO_SITES'],
    [{ LCO_SITE_PROXY_URL: 'https://proxy.example/' }, 'LCO_SITE_PROXY_URL'],
    [{ IMPORT_INTERVAL_SECONDS: '1' }, 'IMPORT_INTERVAL_SECONDS'],
    [{ SITE_PROXY_SECRETS_SOURCE: 'vault' }, 'SITE_PROXY_SECRETS_SOURCE'],
  ])('%p is refused naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});

describe('the LCO client', () => {
  it('never sends the secret to another host named by a next link', async () => {
    let otherHostCalls = 0;
    const other = await startLoopbackServer((_req, res) => {
      otherHostCalls += 1;
      sendJson(res, 200, { results: [] });
    });
    const proxy = await startLoopbackServer((_req, res) => sendJson(res, 200, { count: 3, next: `${other.url}/steal`, results: [] }));
    try {
      const client = new HttpLcoClient({ urlTemplate: `${proxy.url}/{wema}/`, retries: 0 });
      const query = { wema: 'mrc', telescope: '0m31', window: { start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }, states: ['PENDING'] };
      await expect(client.fetchSchedule(query, 'secret')).rejects.toThrow(/another host/);
      expect(otherHostCalls).toBe(0);
    } finally {
      await proxy.close();
      await other.close();
    }
  });

  it('gives up on an endless next chain', async () => {
    const proxy = await startLoopbackServer((req, res) => sendJson(res, 200, { next: `http://${req.headers.host}${req.url}`, results: [] }));
    try {
      const client = new HttpLcoClient({ urlTemplate: `${proxy.url}/{wema}/`, retries: 0, maxPages: 5 });
      const query = { wema: 'mrc', telescope: '0m31', window: { start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }, states: ['PENDING'] };
      await expect(client.fetchSchedule(query, 'secret')).rejects.toThrow(/more than 5 pages/);
    } finally {
      await proxy.close();
    }
  });
});
