import { startTogether } from './teardown.js';

it('startTogether: when one part fails to start, the parts that started are stopped and the failure is thrown', async () => {
  const stopped: string[] = [];
  const part = (name: string) => ({ stop: () => { stopped.push(name); } });
  await expect(startTogether(Promise.resolve(part('server')), Promise.reject(new Error('no browser')), Promise.resolve(part('idp'))))
    .rejects.toThrow('no browser');
  expect(stopped.sort()).toEqual(['idp', 'server']);
  const [a, b] = await startTogether(Promise.resolve(part('a')), Promise.resolve(part('b')));
  a.stop();
  b.stop();
  expect(stopped).toEqual(['idp', 'server', 'a', 'b']);
});
