// The next round from the qualifiers of this one: Q ranked by their place then time, then q by time,
// seeded serpentine over the new heats with the lane draw of shared/seeding.ts.
import type { Tx } from '../db/client.js';
import type { Actor } from '../db/repos/audit.js';
import { roundQualifiers } from '../db/repos/results.js';
import { createHeats } from '../registry/heats.js';
import { conflict } from '../errors.js';
import { seedHeats, SeedingError, type Rng } from '../../shared/seeding.js';
import type { Round } from '../../shared/schemas/meets.js';

const ROUND_ORDER: Record<Round, number> = { heat: 1, semi: 2, final: 3 };

export async function advanceRound(
  tx: Tx,
  actor: Actor,
  eventId: number,
  from: Round,
  to: { toRound: Round; heatCount: number; lanes: number },
  rng: Rng = Math.random,
) {
  if (ROUND_ORDER[to.toRound] <= ROUND_ORDER[from]) throw conflict(`qualifiers of the ${from} round go to a later round, not ${to.toRound}`, 'toRound');
  const qualifiers = await roundQualifiers(tx, eventId, from);
  if (!qualifiers.length) throw conflict(`the ${from} round has no qualifiers yet: set its rule and make its heats official`, 'round');
  const byQ = (q: string) => (q === 'Q' ? 0 : 1);
  const ranked = qualifiers.toSorted(
    (a, b) => byQ(a.qualification) - byQ(b.qualification) || (a.qualification === 'Q' ? (a.place ?? 99) - (b.place ?? 99) : 0) || (a.timeMs ?? Infinity) - (b.timeMs ?? Infinity),
  );
  let lanes;
  try {
    lanes = seedHeats(ranked.map((q, i) => ({ entryId: q.entryId, seedMark: i + 1 })), to.heatCount, to.lanes, rng);
  } catch (err) {
    if (err instanceof SeedingError) throw conflict(err.message, 'heatCount');
    throw err;
  }
  return createHeats(tx, actor, eventId, { mode: 'explicit', round: to.toRound, heats: lanes.map((l) => ({ lanes: l })) });
}
