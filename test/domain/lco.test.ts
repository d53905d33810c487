import {
  DEFAULT_LCO_SITES, findSubsite, importedEventId, lcoProjectId, observationToCalendarView, observationToEvent,
  observationToProject, planSync, subsitesOf,
} from '../../src/domain/lco.js';
import { aReservation } from '../support/builders.js';
import { anObservation, sampleObservation } from '../support/lco-fixture.js';

const NOW = '2024-11-01T15:00:00Z';

describe('the LCO fixture as a calendar event', () => {
  const event = observationToEvent(sampleObservation(), 'mrc1', NOW);

  it('maps every field the calendar needs', () => {
    expect(event).toMatchObject({
      event_id: 'lco-583116837',
      start: '2024-11-02T07:22:14Z',
      end: '2024-11-02T07:26:56Z',
      creator: 'tbeccue',
      creator_id: 'tbeccue#LCO',
      site: 'mrc1',
      resourceId: 'mrc1',
      title: 'Full Detailed Observation (via LCO)',
      reservation_type: 'project',
      origin: 'LCO',
      project_id: 'Full Detailed Observation#2024-11-01T14:04:10Z',
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
      project_id: 'Full Detailed Observation#2024-11-01T14:04:10Z',
      project_name: 'Full Detailed Observation',
      created_at: '2024-11-01T14:04:10Z',
      origin: 'LCO',
      user_id: 'tbeccue#LCO',
      project_sites: ['mrc1'],
    });
    expect(lcoProjectId(sampleObservation())).toBe(project.project_id);
  });

  it('converts target RA from degrees to hours and keeps each distinct target once', () => {
    expect(project.project_targets.map((t: any) => t.name)).toEqual(['40 Eridani', 'm31']);
    expect(project.project_targets[0].ra).toBeCloseTo(63.8179984124771 / 15, 10);
    expect(project.project_targets[1].ra).toBeCloseTo(10.684708 / 15, 10);
    expect(project.project_targets[0].dec).toBeCloseTo(-7.6528696608383, 10);
  });

  it('has one exposure per instrument config, with filter, count, time, mode and offsets', () => {
    expect(project.exposures).toHaveLength(6);
    expect(project.exposures[0]).toMatchObject({ target: '40 Eridani', filter: 'mrc-L', count: 1, exposure: 15, zoom: 'Full', offset_ra: 2, offset_dec: 1, angle: 5 });
    expect(project.exposures[1]).toMatchObject({ filter: 'mrc-R', count: 2, exposure: 10, offset_ra: 0, offset_dec: 0 });
    expect(project.remaining).toEqual([1, 2, 1, 1, 2, 1]);
  });

  it('carries the constraints (lunar phase as a percentage), the dates, the event, and the full observation', () => {
    expect(project.project_constraints).toMatchObject({
      max_airmass: 1.6, lunar_dist_min: 30, lunar_phase_max: 100, start_date: '2024-11-02T07:22:14Z', expiry_date: '2024-11-02T07:26:56Z',
    });
    expect(project.scheduled_with_events).toEqual([{ event_id: 'lco-583116837', start: '2024-11-02T07:22:14Z', end: '2024-11-02T07:26:56Z', site: 'mrc1' }]);
    expect(project.full_lco_observation).toEqual(sampleObservation());
  });
});

it('shapes the read-through view like an event, keeping the raw observation unchanged', () => {
  const view = observationToCalendarView(sampleObservation(), 'mrc1');
  expect(view).toMatchObject({
    event_id: '583116837', id: '583116837', creator_id: 'tbeccue#LCO', reservation_type: 'observation', origin: 'LCO',
    title: 'Full Detailed Observation (via LCO)', observation_type: 'NORMAL', observation_state: 'PENDING', request_state: 'PENDING',
    last_modified: '2024-11-01T14:04:10.425770Z',
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
      [{ ...kept, last_modified: '2030-01-01T00:00:00Z' }, event(2, '2024-11-03T07:00:00Z'), event(4)],
      [kept, moved, vanished],
      window,
    );
    expect(plan.unchanged.map((e) => e.event_id)).toEqual(['lco-1']);
    expect(plan.update.map((u) => [u.previous.start, u.next.start])).toEqual([['2024-11-02T07:00:00Z', '2024-11-03T07:00:00Z']]);
    expect(plan.add.map((e) => e.event_id)).toEqual(['lco-4']);
    expect(plan.remove.map((e) => e.event_id)).toEqual(['lco-3']);
  });

  it('never touches user events or imported events outside the window', () => {
    const user = aReservation({ site: 'mrc1', start: '2024-11-02T07:00:00Z', end: '2024-11-02T08:00:00Z' });
    const past = { ...event(5), start: '2024-10-01T07:00:00Z', end: '2024-10-01T07:30:00Z' };
    const plan = planSync([], [user, past], window);
    expect(plan.remove).toEqual([]);
  });
});
