/**
 * GROUP_CLAIM: the groups a token names join the caller's roles, which BOOKING_RULES.roles reads;
 * a hostile claim (an object, huge names, thousands of entries) adds nothing or a bounded list.
 */
import { ClaimsIdentityResolver } from '../../src/adapters/auth/claims-identity-resolver.js';

const exp = Math.floor(Date.now() / 1000) + 600;
const ROLES = 'https://photonranch.org/user_metadata';

it('adds the groups of GROUP_CLAIM to the roles of the Photon Ranch claim', async () => {
  const resolver = new ClaimsIdentityResolver({ serviceApiKeys: [], groupClaim: 'https://observatory.example/groups' });
  const actor = await resolver.userFromClaims({ sub: 'u1', exp, [ROLES]: { roles: ['admin'] }, 'https://observatory.example/groups': ['students', 'night-owls'] }, 'raw');
  expect(actor).toMatchObject({ kind: 'user', sub: 'u1', isAdmin: true, roles: ['admin', 'students', 'night-owls'] });
  const single = await resolver.userFromClaims({ sub: 'u2', exp, 'https://observatory.example/groups': 'students' }, 'raw');
  expect(single).toMatchObject({ isAdmin: false, roles: ['students'] });
});

it('reads no group without GROUP_CLAIM, and keeps only short names, at most 64, from a hostile claim', async () => {
  const plain = new ClaimsIdentityResolver({ serviceApiKeys: [] });
  expect(await plain.userFromClaims({ sub: 'u1', exp, groups: ['students'] }, 'raw')).not.toHaveProperty('roles');
  const resolver = new ClaimsIdentityResolver({ serviceApiKeys: [], groupClaim: 'groups' });
  const hostile = await resolver.userFromClaims({ sub: 'u1', exp, groups: ['x'.repeat(10_000), { admin: true }, ...Array.from({ length: 5000 }, (_, i) => `g${i}`)] }, 'raw');
  expect(hostile.kind === 'user' && hostile.roles?.length).toBe(64);
  expect(hostile).toMatchObject({ isAdmin: false });
  // A group called "admin" makes nobody an admin: only the roles claim does.
  expect(await resolver.userFromClaims({ sub: 'u1', exp, groups: 'admin' }, 'raw')).toMatchObject({ isAdmin: false });
});
