import { moonLabels, nightBands, type NightTimes } from '../../web/night-bands.js';

const NONE = {
  sunset: null, civil_dusk: null, nautical_dusk: null, astronomical_dusk: null, astronomical_dawn: null, nautical_dawn: null,
  civil_dawn: null, sunrise: null, moonrise: null, moonset: null, moon_illumination: 0.5,
} satisfies NightTimes;

it('shades a full night in seven bands, darkest in the middle', () => {
  const night: NightTimes = {
    ...NONE, sunset: '2031-01-10T00:50:00Z', civil_dusk: '2031-01-10T01:17:00Z', nautical_dusk: '2031-01-10T01:48:00Z',
    astronomical_dusk: '2031-01-10T02:18:00Z', astronomical_dawn: '2031-01-10T12:40:00Z', nautical_dawn: '2031-01-10T13:10:00Z',
    civil_dawn: '2031-01-10T13:41:00Z', sunrise: '2031-01-10T14:08:00Z',
  };
  expect(nightBands(night)).toEqual([
    { kind: 'civil-twilight', start: '2031-01-10T00:50:00Z', end: '2031-01-10T01:17:00Z' },
    { kind: 'nautical-twilight', start: '2031-01-10T01:17:00Z', end: '2031-01-10T01:48:00Z' },
    { kind: 'astronomical-twilight', start: '2031-01-10T01:48:00Z', end: '2031-01-10T02:18:00Z' },
    { kind: 'night', start: '2031-01-10T02:18:00Z', end: '2031-01-10T12:40:00Z' },
    { kind: 'astronomical-twilight', start: '2031-01-10T12:40:00Z', end: '2031-01-10T13:10:00Z' },
    { kind: 'nautical-twilight', start: '2031-01-10T13:10:00Z', end: '2031-01-10T13:41:00Z' },
    { kind: 'civil-twilight', start: '2031-01-10T13:41:00Z', end: '2031-01-10T14:08:00Z' },
  ]);
});

it('a summer night that never gets astronomically dark is one band as dark as it gets; a Sun that never sets, none', () => {
  const white: NightTimes = {
    ...NONE, sunset: '2031-06-20T20:00:00Z', civil_dusk: '2031-06-20T21:00:00Z', nautical_dusk: '2031-06-20T22:30:00Z',
    nautical_dawn: '2031-06-21T01:00:00Z', civil_dawn: '2031-06-21T02:30:00Z', sunrise: '2031-06-21T03:30:00Z',
  };
  expect(nightBands(white).map((b) => [b.kind, b.start, b.end])).toEqual([
    ['civil-twilight', '2031-06-20T20:00:00Z', '2031-06-20T21:00:00Z'],
    ['nautical-twilight', '2031-06-20T21:00:00Z', '2031-06-20T22:30:00Z'],
    ['astronomical-twilight', '2031-06-20T22:30:00Z', '2031-06-21T01:00:00Z'],
    ['nautical-twilight', '2031-06-21T01:00:00Z', '2031-06-21T02:30:00Z'],
    ['civil-twilight', '2031-06-21T02:30:00Z', '2031-06-21T03:30:00Z'],
  ]);
  expect(nightBands(NONE)).toEqual([]);
});

it("names the Moon's phase per night, waxing or waning from the next night (the previous for the last)", () => {
  expect(moonLabels([0.01, 0.3, 0.6, 0.99, 0.7, 0.2].map((moon_illumination) => ({ moon_illumination })))).toEqual([
    'New Moon, 1% lit', 'Waxing crescent Moon, 30% lit', 'Waxing gibbous Moon, 60% lit', 'Full Moon, 99% lit', 'Waning gibbous Moon, 70% lit',
    'Waning crescent Moon, 20% lit',
  ]);
  expect(moonLabels([{ moon_illumination: 0.42 }])).toEqual(['Crescent Moon, 42% lit']);
});
