/**
 * A small snapshot shaped like real `/states/all` answers: padded callsigns, an empty one, a row
 * without position, an aircraft on the ground, negative altitude in flight, an 18-field row with
 * category. Ingestion only checks shape, so a handful of rows covers it.
 */
import type { RawSnapshot } from "../../handlers/shared/stateVector";

export function sampleSnapshot(time: number): RawSnapshot {
  return {
    time,
    states: [
      ["a2d2c6", "N281MA  ", "United States", time, time, -118.1803, 33.9294, 396.24, false, 100.99, 266.79, -1.63, null, 381, "4704", false, 0],
      ["3c6444", "DLH4AB  ", "Germany", time - 2, time - 1, 8.5622, 50.0379, null, true, 0, 250.31, null, null, null, "1000", false, 0],
      ["4ca7b5", "", "Ireland", null, time - 40, null, null, null, false, null, null, null, null, null, null, false, 0],
      ["e48a1f", "TAM3321 ", "Brazil", time, time, -46.4731, -23.4356, -30.48, false, 71.2, 94.6, -4.2, null, -12.1, "7700", false, 0, 6],
    ],
  };
}
