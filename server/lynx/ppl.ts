// lynx.ppl: the people of the meet, `ID,last,first,affiliation`, so FinishLynx can name a competitor
// it only has the ID of. Lines starting with `;` are comments.
import type { LynxCompetitor } from './start-list.js';
import { LYNX_EOL, lynxField, lynxLines, lynxRecord, splitLynxLine } from './csv-line.js';

export function writePpl(people: readonly LynxCompetitor[], opts: { title?: string } = {}): string {
  const lines: string[] = [];
  if (opts.title) lines.push(`; ${lynxField(opts.title)}`);
  for (const p of people) lines.push(lynxRecord([p.id, p.lastName, p.firstName, p.affiliation]));
  return lines.map((l) => l + LYNX_EOL).join('');
}

export function parsePpl(text: string): LynxCompetitor[] {
  return lynxLines(text.replace(/^\uFEFF/, ''))
    .filter((l) => l.text.trim() !== '' && !l.text.trimStart().startsWith(';'))
    .map((l) => {
      const f = splitLynxLine(l.text);
      return { id: f[0] ?? '', lastName: f[1] ?? '', firstName: f[2] ?? '', affiliation: f[3] ?? '' };
    });
}
