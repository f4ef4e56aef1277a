// lynx.sch: the running order, one race per line `event,round,heat`. Lines starting with `;` are
// comments; a missing round or heat means 1.
import type { LynxRace } from './start-list.js';
import { LYNX_EOL, lynxField, lynxLines, splitLynxLine } from './csv-line.js';

export function writeSch(races: readonly Pick<LynxRace, 'eventNumber' | 'round' | 'heat' | 'eventName'>[], opts: { title?: string } = {}): string {
  const lines: string[] = [];
  if (opts.title) lines.push(`; ${lynxField(opts.title)}`);
  for (const r of races) lines.push(`${r.eventNumber},${r.round},${r.heat}`);
  return lines.map((l) => l + LYNX_EOL).join('');
}

export function parseSch(text: string): { eventNumber: number; round: number; heat: number }[] {
  return lynxLines(text.replace(/^\uFEFF/, ''))
    .filter((l) => l.text.trim() !== '' && !l.text.trimStart().startsWith(';'))
    .map((l) => {
      const f = splitLynxLine(l.text);
      return { eventNumber: Number(f[0]), round: Number(f[1] || 1), heat: Number(f[2] || 1) };
    });
}
