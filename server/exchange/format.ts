// Results as a spreadsheet (CSV) and as a printable page (HTML). Pure.
import { formatCsvRecord } from '../../shared/csv.js';
import { formatWind } from '../../shared/time.js';
import type { Round } from '../../shared/schemas/meets.js';
import type { EventResults, ExportHeat, MeetResults } from './results.js';

type ExportEvent = EventResults['event'];

export const RESULT_CSV_COLUMNS = [
  'eventNumber', 'event', 'discipline', 'round', 'heat', 'heatStatus', 'wind', 'place', 'bib', 'lastName', 'firstName',
  'country', 'club', 'lane', 'time', 'timeMs', 'status', 'dqRule', 'reactionMs', 'flags',
] as const;

/**
 * A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * apostrophe: names come from registration forms, and a file opened in Excel must not execute them.
 * Codes are text cells too: a discipline or a bib may start with `-` (`-A1` is a formula).
 */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const windOf = (event: ExportEvent, heat: ExportHeat) => (event.windMeasured && heat.windMps != null ? formatWind(heat.windMps) : '');

function csvRows(event: ExportEvent, heats: readonly ExportHeat[]): string[][] {
  return heats.flatMap((h) =>
    h.rows
      .filter((r) => r.status !== null)
      .map((r) => [
        String(event.eventNumber), safeCell(event.name), safeCell(event.discipline), h.round, String(h.heatNumber), h.status, windOf(event, h),
        r.place == null ? '' : String(r.place), safeCell(r.bib), safeCell(r.lastName), safeCell(r.firstName), r.country, safeCell(r.club ?? ''),
        String(r.lane), r.time ?? '', r.timeMs == null ? '' : String(r.timeMs), r.status ?? '', safeCell(r.dqRule ?? ''),
        r.reactionMs == null ? '' : String(r.reactionMs), r.flags.join(' '),
      ]),
  );
}

/** UTF-8 with a byte order mark (so spreadsheets read accents right), CRLF line ends (RFC 4180). */
function csv(records: string[][]): string {
  return '\uFEFF' + [[...RESULT_CSV_COLUMNS], ...records].map((r) => formatCsvRecord(r) + '\r\n').join('');
}

export const eventResultsCsv = (r: EventResults) => csv(csvRows(r.event, r.heats));
export const meetResultsCsv = (r: MeetResults) => csv(r.events.flatMap((e) => csvRows(e.event, e.heats)));

// ---------------------------------------------------------------------------------------------
// HTML

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const ROUND_TITLE: Record<Round, string> = { heat: 'Heat', semi: 'Semi-final', final: 'Final' };
const STATUS_TITLE: Record<ExportHeat['status'], string> = { scheduled: 'Scheduled', started: 'Running', finished: 'Unofficial', official: 'Official' };

function heatTitle(h: ExportHeat, heats: readonly ExportHeat[]): string {
  const inRound = heats.filter((x) => x.round === h.round).length;
  return h.round === 'final' && inRound === 1 ? 'Final' : `${ROUND_TITLE[h.round]} ${h.heatNumber}`;
}

function resultCell(r: ExportHeat['rows'][number]): string {
  if (r.status === 'OK') return r.time ?? '';
  if (r.status === 'DQ') return r.dqRule && r.dqRule.toUpperCase() !== 'DQ' ? `DQ ${r.dqRule}` : 'DQ';
  return r.status ?? '';
}

function heatSection(event: ExportEvent, h: ExportHeat, heats: readonly ExportHeat[]): string {
  const rows = h.rows.filter((r) => r.status !== null);
  const meta = [STATUS_TITLE[h.status], windOf(event, h) ? `Wind ${windOf(event, h)} m/s` : ''].filter(Boolean).join(' · ');
  const body = rows.length
    ? `<table>
  <thead><tr><th class="num">Place</th><th class="num">Bib</th><th>Name</th><th>Country</th><th>Club</th><th class="num">Lane</th><th class="num">Result</th><th class="num">Reaction</th><th>Notes</th></tr></thead>
  <tbody>
${rows
  .map(
    (r) =>
      `    <tr><td class="num">${escapeHtml(r.place ?? '')}</td><td class="num">${escapeHtml(r.bib)}</td><td class="name">${escapeHtml(`${r.lastName.toUpperCase()} ${r.firstName}`)}</td><td>${escapeHtml(r.country)}</td><td>${escapeHtml(r.club ?? '')}</td><td class="num">${escapeHtml(r.lane)}</td><td class="num">${escapeHtml(resultCell(r))}</td><td class="num">${escapeHtml(r.reactionMs == null ? '' : (r.reactionMs / 1000).toFixed(3))}</td><td>${escapeHtml(r.flags.join(' '))}</td></tr>`,
  )
  .join('\n')}
  </tbody>
</table>`
    : '<p class="empty">No results yet.</p>';
  return `<section class="heat">
<h2>${escapeHtml(heatTitle(h, heats))}</h2>
<p class="meta">${escapeHtml(meta)}</p>
${body}
</section>`;
}

const PRINT_CSS = `
  :root { color-scheme: light; }
  body { font: 11pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  header { border-bottom: 2px solid #111; margin-bottom: 1rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.15rem; margin: 1.2rem 0 .2rem; }
  .sub, .meta, footer { color: #444; margin: .1rem 0 .5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { padding: .25rem .4rem; border-bottom: 1px solid #ccc; text-align: left; vertical-align: top; }
  th { border-bottom: 1.5px solid #111; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.name { font-weight: 500; }
  footer { margin-top: 1.5rem; font-size: .85rem; }
  @page { size: A4; margin: 14mm; }
  @media print {
    body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
    .heat { break-inside: avoid; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; }
  }`;

/** A printable results page of one event: every value escaped. */
export function eventResultsHtml(r: EventResults): string {
  const m = r.meet;
  const dates = m.startDate === m.endDate ? m.startDate : `${m.startDate} – ${m.endDate}`;
  const sub = [m.name, m.venue, dates].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${r.event.name} – Results – ${m.name}`)}</title>
<style>${PRINT_CSS}
</style>
</head>
<body>
<header>
<h1>${escapeHtml(r.event.name)}</h1>
<p class="sub">${escapeHtml(sub)}</p>
</header>
${r.heats.length ? r.heats.map((h) => heatSection(r.event, h, r.heats)).join('\n') : '<p class="empty">No heats yet.</p>'}
<footer>Results from AthSys Live. Times are official times (rounded up); a status other than “Official” means the results may still change.</footer>
</body>
</html>
`;
}
