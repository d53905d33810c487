/**
 * An independent check of twilight times: the low-precision solar formulas of the Astronomical
 * Almanac (declination and equation of time good to about 0.01 degree), solved for the moment the
 * Sun's centre reaches a geometric altitude. Nothing here comes from the ephemeris under test.
 */
const rad = Math.PI / 180;

function sunAt(ms: number): { declination: number; equationMinutes: number } {
  const n = ms / 86_400_000 + 2440587.5 - 2451545.0;
  const meanLongitude = (280.46 + 0.9856474 * n) % 360;
  const anomaly = ((357.528 + 0.9856003 * n) % 360) * rad;
  const longitude = (meanLongitude + 1.915 * Math.sin(anomaly) + 0.02 * Math.sin(2 * anomaly)) * rad;
  const obliquity = (23.439 - 0.0000004 * n) * rad;
  const rightAscension = Math.atan2(Math.cos(obliquity) * Math.sin(longitude), Math.cos(longitude)) / rad;
  let difference = meanLongitude - ((rightAscension + 360) % 360);
  difference = ((difference + 540) % 360) - 180;
  return { declination: Math.asin(Math.sin(obliquity) * Math.sin(longitude)) / rad, equationMinutes: 4 * difference };
}

/**
 * When the Sun's centre crosses `altitude` (degrees) on the UTC date's local afternoon (`-1`, dusk)
 * or the next morning (`+1`, dawn) at a place; null when it does not that night.
 */
export function solarCrossing(date: string, latitude: number, longitude: number, altitude: number, direction: 1 | -1): Date | null {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  let guess = midnight + (12 - longitude / 15) * 3_600_000 + (direction === 1 ? 18 : 6) * 3_600_000;
  for (let i = 0; i < 5; i++) {
    const { declination, equationMinutes } = sunAt(guess);
    const cosH = (Math.sin(altitude * rad) - Math.sin(latitude * rad) * Math.sin(declination * rad)) /
      (Math.cos(latitude * rad) * Math.cos(declination * rad));
    if (cosH < -1 || cosH > 1) return null;
    const hours = Math.acos(cosH) / rad / 15;
    const noonDay = direction === 1 ? midnight + 86_400_000 : midnight;
    const noon = noonDay + (12 - longitude / 15) * 3_600_000 - equationMinutes * 60_000;
    // Dusk is that long after the afternoon's noon; dawn that long before the next noon.
    guess = direction === -1 ? noon + hours * 3_600_000 : noon - hours * 3_600_000;
  }
  return new Date(guess);
}
