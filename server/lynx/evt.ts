// lynx.evt: the start lists. An event line `event,round,heat,name[,wind,wind-unit,template,capture-time,
// capture-duration,distance]`, then one line per competitor starting with a comma:
// `,ID,lane,last,first,affiliation`. parseEvt reads it back the way FinishLynx does (competitor lines
// may also start with a space or a tab), for tests and for checking a file.
import type { LynxRace } from './start-list.js';
import { LYNX_EOL, lynxLines, lynxRecord, splitLynxLine } from './csv-line.js';

export function writeEvt(races: readonly LynxRace[]): string {
  const lines: string[] = [];
  for (const r of races) {
    // The distance sits in the 10th field; the ones before it are FinishLynx's to fill.
    const head = [r.eventNumber, r.round, r.heat, r.eventName];
    lines.push(lynxRecord(r.distanceM != null ? [...head, '', '', '', '', '', r.distanceM] : head));
    for (const c of r.lanes) lines.push(lynxRecord(['', c.id, c.lane, c.lastName, c.firstName, c.affiliation]));
  }
  return lines.map((l) => l + LYNX_EOL).join('');
}

export function parseEvt(text: string): LynxRace[] {
  const races: LynxRace[] = [];
  for (const { line, text: t } of lynxLines(text.replace(/^\uFEFF/, ''))) {
    if (t.trim() === '' || t.startsWith(';')) continue;
    if (/^[,\t ]/.test(t)) {
      const race = races.at(-1);
      if (!race) throw new Error(`lynx.evt line ${line}: a competitor before any event`);
      const f = splitLynxLine(t.startsWith(',') ? t.slice(1) : t);
      race.lanes.push({ id: f[0] ?? '', lane: Number(f[1] ?? 0), lastName: f[2] ?? '', firstName: f[3] ?? '', affiliation: f[4] ?? '' });
    } else {
      const f = splitLynxLine(t);
      races.push({
        eventNumber: Number(f[0]), round: Number(f[1] || 1), heat: Number(f[2] || 1), eventName: f[3] ?? '',
        distanceM: f[9] ? Number(f[9]) : null, lanes: [],
      });
    }
  }
  return races;
}
