import { LazyLcoClient, LazyProjectsGateway, LazyTokenKeys } from '../../src/bootstrap/lazy-adapters.js';
import { InMemoryProjectsGateway } from '../../src/adapters/memory/in-memory-projects-gateway.js';

it('loads nothing until first use, then once for every concurrent caller', async () => {
  let loads = 0;
  const keys = new LazyTokenKeys(async () => {
    loads += 1;
    await new Promise((r) => setTimeout(r, 10));
    return { keyFor: async (header) => ({ kid: header.kid }) };
  });
  expect(loads).toBe(0);
  const found = await Promise.all([keys.keyFor({ kid: 'a' }), keys.keyFor({ kid: 'b' }), keys.keyFor({ kid: 'c' })]);
  expect(found).toEqual([{ kid: 'a' }, { kid: 'b' }, { kid: 'c' }]);
  expect(loads).toBe(1);
});

it('a failed load is tried again by the next call', async () => {
  let loads = 0;
  const gateway = new LazyProjectsGateway(async () => {
    loads += 1;
    if (loads === 1) throw new Error('module failed to load');
    return new InMemoryProjectsGateway();
  });
  await expect(gateway.getProject('p#1')).rejects.toThrow('module failed to load');
  await gateway.createProject({ project_id: 'p#1', name: 'x' });
  expect(await gateway.getProject('p#1')).toMatchObject({ name: 'x' });
  await gateway.deleteProjects(['p#1']);
  expect(await gateway.getProject('p#1')).toBeUndefined();
  expect(loads).toBe(2);
});

it('the LCO client forwards both calls', async () => {
  const client = new LazyLcoClient(async () => ({
    fetchSchedule: async (query, secret) => ({ observations: [], invalid: [{ id: query.wema, reason: secret }] }),
    lastScheduleTime: async (wema, secret) => `${wema}:${secret}`,
  }));
  expect(await client.lastScheduleTime('mrc', 's')).toBe('mrc:s');
  expect(await client.fetchSchedule({ wema: 'mrc', telescope: '0m31', window: { start: 'a', end: 'b' }, states: [] }, 's'))
    .toEqual({ observations: [], invalid: [{ id: 'mrc', reason: 's' }] });
});
