import {
  DEFAULT_LCO_SITES, findSubsite, importedEventId, lcoProjectId, observationToCalendarView, subsitesOf,
} from '../../src/domain/lco.js';
import { importObservations, observationToEvent, observationToProject, planSync } from '../../src/domain/lco-import.js';
import { aReservation } from '../support/builders.js';
import { anObservation, sampleObservation } from '../support/lco-fixture.js';

const NOW = '2030-03-10T15:00:00Z';

describe('the LCO fixture as a calendar event', () => {
  const event = observationToEvent(sampleObservation(), 'mrc1', NOW);

  it('maps every field the calendar needs', () => {
    expect(event).toMatchObject({
      event_id: 'lco-700000001',
      start: '2030-03-11T04:10:00Z',
      end: '2030-03-11T04:40:30Z',
      creator: 'testobserver',
      creator_id: 'testobserver#LCO',
      site: 'mrc1',
      resourceId: 'mrc1',
      title: 'Synthetic Vega Monitor (via LCO)',
      reservation_type: 'project',
      origin: 'LCO',
      project_id: 'Synthetic Vega Monitor#2030-03-10T09:15:42Z',
      project_priority: 'standard',
      last_modified: NOW,
    });
    expect(event.reservation_note).toMatch(/LCO scheduler/);
  });

  it('derives the event id from the observation id, the same on every import', () => {
    expect(observationToEvent(sampleObservation(), 'mrc1', '2030-01-01T00:00:00Z').event_id).toBe(event.event_id);
    expect(importedEventId(1)).not.toBe(importedEventId(2));
  });

  it.each([['RAPID_RESPONSE', 'time_critical'], ['TIME_CRITICAL', 'time_critical'], ['NORMAL', 'standard']])(
    '%s observations get priority %s', (type, priority) => {
      expect(observationToEvent(anObservation({ id: 1, observation_type: type }), 'mrc1', NOW).project_priority).toBe(priority);
    },
  );
});

describe('the LCO fixture as a project', () => {
  const project = observationToProject(sampleObservation(), 'mrc1') as Record<string, any>;

  it('names the project <name>#<created to the second>Z, from LCO, for the submitter', () => {
    expect(project).toMatchObject({
      project_id: 'Synthetic Vega Monitor#2030-03-10T09:15:42Z',
      project_name: 'Synthetic Vega Monitor',
      created_at: '2030-03-10T09:15:42Z',
      origin: 'LCO',
      user_id: 'testobserver#LCO',
      project_sites: ['mrc1'],
    });
    expect(lcoProjectId(sampleObservation())).toBe(project.project_id);
  });

  it('converts target RA from degrees to hours and keeps each distinct target once', () => {
    expect(project.project_targets.map((t: any) => t.name)).toEqual(['Vega', 'NGC 7000']);
    expect(project.project_targets[0].ra).toBeCloseTo(279.23473479 / 15, 10);
    expect(project.project_targets[1].ra).toBeCloseTo(314.75 / 15, 10);
    expect(project.project_targets[0].dec).toBeCloseTo(38.78368896, 10);
  });

  it('has one exposure per instrument config, with filter, count, time, mode and offsets', () => {
    expect(project.exposures).toHaveLength(6);
    expect(project.exposures[0]).toMatchObject({ target: 'Vega', filter: 'mrc-B', count: 3, exposure: 30, zoom: 'Full', offset_ra: 4, offset_dec: 3, angle: 10 });
    expect(project.exposures[1]).toMatchObject({ filter: 'mrc-V', count: 2, exposure: 20, offset_ra: 0, offset_dec: 0 });
    expect(project.exposures[2]).toMatchObject({ target: 'NGC 7000', filter: 'mrc-L', count: 5, exposure: 60 });
    expect(project.remaining).toEqual([3, 2, 5, 3, 2, 5]);
  });

  it('carries the constraints (lunar phase as a percentage), the dates, the event, and the full observation', () => {
    expect(project.project_constraints).toMatchObject({
      max_airmass: 2, lunar_dist_min: 45, lunar_phase_max: 60, start_date: '2030-03-11T04:10:00Z', expiry_date: '2030-03-11T04:40:30Z',
    });
    expect(project.scheduled_with_events).toEqual([{ event_id: 'lco-700000001', start: '2030-03-11T04:10:00Z', end: '2030-03-11T04:40:30Z', site: 'mrc1' }]);
    expect(project.full_lco_observation).toEqual(sampleObservation());
  });
});

it('shapes the read-through view like an event, keeping the raw observation unchanged', () => {
  const view = observationToCalendarView(sampleObservation(), 'mrc1');
  expect(view).toMatchObject({
    event_id: '700000001', id: '700000001', creator_id: 'testobserver#LCO', reservation_type: 'observation', origin: 'LCO',
    title: 'Synthetic Vega Monitor (via LCO)', observation_type: 'NORMAL', observation_state: 'PENDING', request_state: 'PENDING',
    last_modified: '2030-03-10T09:15:42.654321Z',
  });
  expect(view.observation_data).toEqual(sampleObservation());
});

it('maps WEMA and telescope to PTR sites, and back', () => {
  expect(subsitesOf(DEFAULT_LCO_SITES).map((s) => s.ptrSite)).toEqual(['mrc1', 'mrc2', 'aro1', 'eco1', 'eco2']);
  expect(findSubsite(DEFAULT_LCO_SITES, 'eco2')).toEqual({ wema: 'eco', telescope: '0m28', ptrSite: 'eco2' });
  expect(findSubsite(DEFAULT_LCO_SITES, 'saf')).toBeUndefined();
});

describe('planSync', () => {
  const window = { start: '2024-11-01T00:00:00Z', end: '2024-11-22T00:00:00Z' };
  const event = (id: number, start = '2024-11-02T07:00:00Z') =>
    observationToEvent(anObservation({ id, start, end: start.replace('07:00', '07:30') }), 'mrc1', NOW);

  it('adds new, updates changed in place, removes vanished, keeps unchanged; ignores last_modified', () => {
    const kept = event(1);
    const moved = event(2);
    const vanished = event(3);
    const plan = planSync(
      [{ ...kept, last_modified: '2030-01-01T00:00:00Z' }, event(2, '2024-11-03T07:00:00Z'), event(4)].map((e) => ({ event: e, tag: e.event_id })),
      [kept, moved, vanished],
      window,
    );
    expect(plan.unchanged.map((e) => e.event_id)).toEqual(['lco-1']);
    expect(plan.update.map((u) => [u.previous.start, u.next.event.start])).toEqual([['2024-11-02T07:00:00Z', '2024-11-03T07:00:00Z']]);
    // What travels with an event (for the import, its project) comes back with it.
    expect(plan.add.map((a) => a.tag)).toEqual(['lco-4']);
    expect(plan.update.map((u) => u.next.tag)).toEqual(['lco-2']);
    expect(plan.remove.map((e) => e.event_id)).toEqual(['lco-3']);
  });

  it('never touches user events or imported events outside the window', () => {
    const user = aReservation({ site: 'mrc1', start: '2024-11-02T07:00:00Z', end: '2024-11-02T08:00:00Z' });
    const past = { ...event(5), start: '2024-10-01T07:00:00Z', end: '2024-10-01T07:30:00Z' };
    const plan = planSync([], [user, past], window);
    expect(plan.remove).toEqual([]);
  });
});

describe('importObservations', () => {
  const window = { start: '2030-03-10T00:00:00Z', end: '2030-03-20T00:00:00Z' };

  it("pairs each observation's event with its project: the event points at the project, the project at the event", () => {
    const observations = [sampleObservation(), anObservation({ id: 2, start: '2030-03-12T01:00:00Z', end: '2030-03-12T02:00:00Z' })];
    const { imported, invalid } = importObservations(observations, 'mrc1', NOW, window);
    expect(invalid).toEqual([]);
    expect(imported.map((i) => i.event.event_id)).toEqual(['lco-700000001', 'lco-2']);
    for (const { event, project } of imported) {
      expect(event.project_id).toBe(project.project_id);
      expect(project.scheduled_with_events).toEqual([{ event_id: event.event_id, start: event.start, end: event.end, site: 'mrc1' }]);
      expect(project.user_id).toBe(event.creator_id);
      expect(project.project_priority).toBe(event.project_priority);
    }
    expect(imported[0]).toEqual({ event: observationToEvent(sampleObservation(), 'mrc1', NOW), project: observationToProject(sampleObservation(), 'mrc1') });
  });

  it('leaves out observations outside the window and lists those that cannot be imported, with why', () => {
    const { imported, invalid } = importObservations([
      anObservation({ id: 3, start: '2030-04-01T01:00:00Z', end: '2030-04-01T02:00:00Z' }),
      anObservation({ id: 4, start: '2030-03-12T02:00:00Z', end: '2030-03-12T01:00:00Z' }),
      anObservation({ id: 5, start: 'not a time', end: '2030-03-12T01:00:00Z' }),
    ], 'mrc1', NOW, window);
    expect(imported).toEqual([]);
    expect(invalid.map((i) => i.id)).toEqual([4, 5]);
    expect(invalid[0]!.reason).toMatch(/ends before it starts/);
  });
});
