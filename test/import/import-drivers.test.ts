/** The ways an import runs besides the HTTP route: the server's own schedule, the CLI, the Lambda export. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SubsiteReport } from '../../src/application/use-cases/import-schedules.js';
import type { LcoObservation } from '../../src/domain/lco.js';
import { startCalendar } from '../support/calendar-server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { lambdaNode } from '../support/lambda-node.js';
import { anObservation } from '../support/lco-fixture.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { SiteProxyStandIn } from '../support/site-proxy-stand-in.js';
import { tempDir } from '../support/temp-dir.js';
import { startTogether, stopAll } from '../support/teardown.js';

const run = promisify(execFile);
const SECRET = 'drivers-secret';
let idp: IdentityProvider;
let projects: ProjectsStandIn;
let proxy: SiteProxyStandIn;
let dynamo: DynamoDbLocal;

const hoursFromNow = (h: number): string => new Date(Date.now() + h * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const observations = (count: number, firstId: number, telescope = '0m31'): LcoObservation[] =>
  Array.from({ length: count }, (_, i) => anObservation({
    id: firstId + i, name: `Bulk ${firstId + i}`, site: 'mrc', telescope, state: 'PENDING',
    start: hoursFromNow(1 + i * 0.2), end: hoursFromNow(1.1 + i * 0.2),
  }));

beforeAll(async () => {
  [idp, projects, proxy, dynamo] = await startTogether(
    new IdentityProvider().start(), new ProjectsStandIn().start(), new SiteProxyStandIn().start(), startDynamoDbLocal(),
  );
  proxy.secrets.set('mrc', SECRET);
}, 60_000);
afterAll(() => stopAll(idp, projects, proxy, dynamo));

const lcoEnv = (): Record<string, string> => ({
  LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: SECRET, PROJECTS_API_URL: projects.url, IMPORT_TRIGGERS_PER_MINUTE: '0',
});

it('the server imports on its own schedule from start-up (IMPORT_ENABLED)', async () => {
  proxy.observations.set('mrc', observations(3, 700_000));
  proxy.lastScheduled.set('mrc', '2026-01-01T00:00:00Z');
  const api = await startCalendar(idp, projects, { ...lcoEnv(), IMPORT_ENABLED: 'true', IMPORT_INTERVAL_SECONDS: '300' });
  try {
    let imported: unknown[] = [];
    for (let i = 0; i < 50 && imported.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      imported = (await api.post('/siteevents', { site: 'mrc1', start: hoursFromNow(0), end: hoursFromNow(48) })).json() as unknown[];
    }
    expect(imported).toHaveLength(3);
  } finally {
    await api.close();
  }
});

it('npm run import -- <subsite> prints the report', async () => {
  proxy.observations.set('mrc', observations(2, 710_000, '0m61'));
  proxy.lastScheduled.set('mrc', '2026-01-02T00:00:00Z');
  const dir = tempDir('import-cli-');
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/bootstrap/import.ts', 'mrc2'], {
      env: { ...process.env, NODE_OPTIONS: '', SQLITE_PATH: join(dir.path, 'c.db'), ...lcoEnv() },
    });
    const reports = JSON.parse(stdout) as SubsiteReport[];
    expect(reports).toMatchObject([{ subsite: 'mrc2', status: 'imported', added: ['lco-710000', 'lco-710001'] }]);
  } finally {
    dir.remove();
  }
}, 30_000);

it('the Lambda bundle exports importSchedules, which imports onto DynamoDB', async () => {
  proxy.observations.set('mrc', observations(2, 720_000));
  proxy.lastScheduled.set('mrc', '2026-01-03T00:00:00Z');
  const script = "const m = await import(process.cwd() + '/dist/lambda/index.mjs'); process.stdout.write(JSON.stringify(await m.importSchedules()));";
  const { stdout } = await run(lambdaNode(), ['--input-type=module', '-e', script], {
    env: {
      ...process.env, NODE_OPTIONS: '', STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint,
      DYNAMODB_CALENDAR: `import-${process.pid}`, SCHEDULE_TRACKING_TABLE: `import-t-${process.pid}`, LOG_LEVEL: 'silent',
      AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: 'https://photonranch.test.auth0.example/', ...lcoEnv(),
    },
  });
  const reports = JSON.parse(stdout) as SubsiteReport[];
  expect(reports.find((r) => r.subsite === 'mrc1')).toMatchObject({ status: 'imported', added: ['lco-720000', 'lco-720001'] });
  expect(reports.find((r) => r.subsite === 'aro1')).toMatchObject({ status: 'not_configured' });
}, 60_000);

it('bulk: observations per second through the whole pipeline, and no writes on an unchanged re-import', async () => {
  const count = 400;
  proxy.maxPageSize = 100;
  proxy.observations.set('mrc', observations(count, 800_000));
  proxy.lastScheduled.set('mrc', '2026-01-04T00:00:00Z');
  const api = await startCalendar(idp, projects, lcoEnv());
  try {
    const started = performance.now();
    const first = (await api.request('GET', '/import-schedules/mrc1')).json() as SubsiteReport[];
    const seconds = (performance.now() - started) / 1000;
    expect(first[0]?.added).toHaveLength(count);
    proxy.lastScheduled.set('mrc', '2026-01-04T00:01:00Z');
    const again = (await api.request('GET', '/import-schedules/mrc1')).json() as SubsiteReport[];
    expect(again[0]).toMatchObject({ status: 'imported', writes: 0, unchanged: count });
    process.stderr.write(`lco import: ${count} observations in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} obs/s (SQLite, projects over HTTP); unchanged re-import: ${again[0]?.writes} writes\n`);
  } finally {
    proxy.maxPageSize = 2;
    await api.close();
  }
}, 60_000);
