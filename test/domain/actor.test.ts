import {
  assertMayLinkProject, assertMayManage, assertMayUseOrigin, ownerOfNewEvent, type Actor,
} from '../../src/domain/actor.js';
import { ForbiddenError, NotReservationOwnerError } from '../../src/domain/errors.js';

const alice: Actor = { kind: 'user', sub: 'alice', isAdmin: false };
const admin: Actor = { kind: 'user', sub: 'root', isAdmin: true };
const service: Actor = { kind: 'service', name: 'projects' };
const anonymous: Actor = { kind: 'anonymous' };
const alicesEvent = { creator_id: 'alice' };
const bobsEvent = { creator_id: 'bob' };

describe('owner-or-admin', () => {
  it.each([
    ['the owner', alice, alicesEvent, true],
    ['another user', alice, bobsEvent, false],
    ['an admin', admin, bobsEvent, true],
    ['a service key', service, bobsEvent, false],
    ['anonymous', anonymous, bobsEvent, false],
  ])('%s may manage: %p', (_who, actor, event, allowed) => {
    const attempt = (): void => assertMayManage(actor, event);
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(NotReservationOwnerError);
  });

  it.each([
    ['the owner', alice, alicesEvent, true],
    ['another user', alice, bobsEvent, false],
    ['an admin', admin, bobsEvent, true],
    ['a service key', service, bobsEvent, true],
    ['anonymous (compatibility switch)', anonymous, bobsEvent, true],
  ])('%s may link a project: %p', (_who, actor, event, allowed) => {
    const attempt = (): void => assertMayLinkProject(actor, event);
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(NotReservationOwnerError);
  });
});

describe('owner of a new event', () => {
  it('is the caller when creator_id is missing, empty or their own', () => {
    expect(ownerOfNewEvent(alice, undefined)).toBe('alice');
    expect(ownerOfNewEvent(alice, '')).toBe('alice');
    expect(ownerOfNewEvent(alice, 'alice')).toBe('alice');
  });

  it("refuses a non-admin creating in another's name", () => {
    expect(() => ownerOfNewEvent(alice, 'bob')).toThrow(ForbiddenError);
  });

  it('lets an admin create for others', () => {
    expect(ownerOfNewEvent(admin, 'bob')).toBe('bob');
  });

  it('refuses callers that are not users', () => {
    expect(() => ownerOfNewEvent(service, undefined)).toThrow(ForbiddenError);
    expect(() => ownerOfNewEvent(anonymous, undefined)).toThrow(ForbiddenError);
  });

  it('reserves origin LCO to admins', () => {
    expect(() => assertMayUseOrigin(alice, 'LCO')).toThrow(ForbiddenError);
    expect(() => assertMayUseOrigin(alice, 'lco')).toThrow(ForbiddenError);
    expect(() => assertMayUseOrigin(alice, 'ptr')).not.toThrow();
    expect(() => assertMayUseOrigin(admin, 'LCO')).not.toThrow();
  });
});
