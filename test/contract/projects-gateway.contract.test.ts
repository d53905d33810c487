/** One contract for every ProjectsGateway: in-memory, the embedded SQLite table, and HTTP (got). */
import { join } from 'node:path';
import type { ProjectsGateway } from '../../src/application/ports/projects-gateway.port.js';
import { InMemoryProjectsGateway } from '../../src/adapters/memory/in-memory-projects-gateway.js';
import { HttpProjectsGateway, splitProjectId } from '../../src/adapters/projects/http-projects-gateway.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteProjectsGateway } from '../../src/adapters/sqlite/sqlite-projects-gateway.js';
import { UpstreamUnavailableError } from '../../src/domain/errors.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { tempDir } from '../support/temp-dir.js';
import { stopAll } from '../support/teardown.js';

const dir = tempDir('projects-contract-');
const standIn = new ProjectsStandIn();
beforeAll(() => standIn.start());
afterAll(() => stopAll(standIn, () => dir.remove()));

interface Subject {
  gateway: ProjectsGateway;
  seed: (id: string, project: unknown) => Promise<void>;
}

const adapters: Array<[string, () => Subject]> = [
  ['in-memory', () => {
    const gateway = new InMemoryProjectsGateway();
    return { gateway, seed: (id, p) => gateway.saveProject(id, p) };
  }],
  ['sqlite (embedded)', () => {
    const gateway = new SqliteProjectsGateway(openSqliteDatabase(join(dir.path, `p-${Math.random()}.db`)));
    return { gateway, seed: (id, p) => gateway.saveProject(id, p) };
  }],
  ['http (projects service)', () => {
    standIn.projects.clear();
    return { gateway: new HttpProjectsGateway({ baseUrl: standIn.url }), seed: async (id, p) => void standIn.projects.set(id, p) };
  }],
];

describe.each(adapters)('ProjectsGateway contract: %s', (_name, make) => {
  it('returns the project stored under its id, and undefined for an unknown one', async () => {
    const { gateway, seed } = make();
    const project = { project_name: 'M31 #2 survey', created_at: '2025-01-01T00:00:00Z', targets: [{ ra: 0.7, dec: 41.3 }] };
    await seed('M31 #2 survey#2025-01-01T00:00:00Z', project);
    expect(await gateway.getProject('M31 #2 survey#2025-01-01T00:00:00Z')).toEqual(project);
    expect(await gateway.getProject('M31 #2 survey#2025-01-02T00:00:00Z')).toBeUndefined();
  });
});

describe.each(adapters)('ProjectsGateway contract (create and delete): %s', (_name, make) => {
  it('creates projects under their project_id and deletes them', async () => {
    const { gateway } = make();
    const project = { project_id: 'LCO obs#2024-11-01T14:04:10Z', project_name: 'LCO obs', created_at: '2024-11-01T14:04:10Z', origin: 'LCO' };
    await gateway.createProject(project);
    await gateway.createProject({ ...project, project_id: 'Other#2024-11-01T00:00:00Z', project_name: 'Other', created_at: '2024-11-01T00:00:00Z' });
    expect(await gateway.getProject(project.project_id)).toEqual(project);
    await gateway.deleteProjects([project.project_id]);
    expect(await gateway.getProject(project.project_id)).toBeUndefined();
    expect(await gateway.getProject('Other#2024-11-01T00:00:00Z')).toMatchObject({ project_name: 'Other' });
    await gateway.deleteProjects([]);
  });
});

describe('HTTP projects gateway failures', () => {
  it('creating or deleting while the service fails is UpstreamUnavailable', async () => {
    standIn.failing = true;
    try {
      const gateway = new HttpProjectsGateway({ baseUrl: standIn.url, retries: 0 });
      await expect(gateway.createProject({ project_id: 'x#1' })).rejects.toBeInstanceOf(UpstreamUnavailableError);
      await expect(gateway.deleteProjects(['x#1'])).rejects.toBeInstanceOf(UpstreamUnavailableError);
    } finally {
      standIn.failing = false;
    }
  });

  it('splits ids on the last #, as the projects service keys them', () => {
    expect(splitProjectId('a#b#2025-01-01T00:00:00Z')).toEqual({ project_name: 'a#b', created_at: '2025-01-01T00:00:00Z' });
  });

  it('a 500 is UpstreamUnavailable at once: a server fault, not a passing one, is not retried', async () => {
    standIn.failing = true;
    const before = standIn.requests;
    try {
      await expect(new HttpProjectsGateway({ baseUrl: standIn.url, retries: 1 }).getProject('x#1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
      expect(standIn.requests - before).toBe(1);
    } finally {
      standIn.failing = false;
    }
  });

  it.each([502, 503, 504])('a %i is retried, then UpstreamUnavailable', async (status) => {
    standIn.failing = true;
    standIn.failingStatus = status;
    const before = standIn.requests;
    try {
      await expect(new HttpProjectsGateway({ baseUrl: standIn.url, retries: 1 }).getProject('x#1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
      expect(standIn.requests - before).toBe(2);
    } finally {
      standIn.failing = false;
      standIn.failingStatus = 500;
    }
  }, 15_000);

  it('a refused connection is UpstreamUnavailable', async () => {
    const gateway = new HttpProjectsGateway({ baseUrl: 'http://127.0.0.1:1/', retries: 0, timeoutMs: 1000 });
    await expect(gateway.getProject('x#1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});
