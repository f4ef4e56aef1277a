// FinishLynx names a race by three numbers: event, round, heat. The hub keeps them stable so that a
// file written for a race always finds it again, whatever else changes in the meet:
// - event: events.event_number, fixed when the event is created and never reused in the meet;
// - round: a fixed number per round name, heat 1, semi 2, final 3, ALSO for an event that has only
//   a final. Numbering a lone final 1 would read better in FinishLynx, but the number would change
//   (1 -> 3) the day heats are added to the event, and a file written before would land nowhere or,
//   worse, in the wrong round. Stable beats pretty;
// - heat: heats.number within the round.
import type { Round } from '../../shared/schemas/meets.js';

export const ROUND_NUMBER: Record<Round, number> = { heat: 1, semi: 2, final: 3 };

export function roundOfNumber(n: number): Round | undefined {
  return (Object.keys(ROUND_NUMBER) as Round[]).find((r) => ROUND_NUMBER[r] === n);
}

/** `event 5 round 1 heat 2`: how messages name a race. */
export const raceName = (event: number, round: number, heat: number) => `event ${event} round ${round} heat ${heat}`;
