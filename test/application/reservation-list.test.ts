import { ReservationList } from '../../src/application/reservation-list.js';
import { aReservation } from '../support/builders.js';

describe('ReservationList', () => {
  const a = aReservation({ event_id: 'a', reservation_note: 'ünïcode "quoted" \\ ☄' });
  const b = aReservation({ event_id: 'b', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' });

  it('a list of stored texts is sent as those texts joined, byte for byte', () => {
    // Spacing JSON.stringify would not produce: proof that the texts are joined, not re-serialised.
    const texts = [JSON.stringify(a, null, 1), JSON.stringify(b)];
    const list = ReservationList.fromJson(texts);
    expect(list.length).toBe(2);
    expect(list.toJson().text).toBe(`[${texts[0]},${texts[1]}]`);
    expect(list.items).toEqual([a, b]);
    // Reading the items does not change what is sent.
    expect(list.toJson().text).toBe(`[${texts[0]},${texts[1]}]`);
  });

  it('a list of objects is sent through JSON.stringify, and an empty one as []', () => {
    expect(ReservationList.of([a, b]).toJson().text).toBe(JSON.stringify([a, b]));
    expect(ReservationList.of([]).toJson().text).toBe('[]');
    expect(ReservationList.fromJson([]).toJson().text).toBe('[]');
    expect(ReservationList.fromJson([]).length).toBe(0);
  });
});
