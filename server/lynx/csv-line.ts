// One line of a FinishLynx file into fields. Lynx files are comma-separated with a field that holds a
// comma put in double quotes; they never span lines. Lenient where real files are sloppy: spaces
// around fields (quoted or not) are dropped, and `""` inside quotes is a quote.
import { formatCsvRecord } from '../../shared/csv.js';

export class LynxSyntaxError extends Error {}

export function splitLynxLine(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new LynxSyntaxError('a quoted field is not closed');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
      if (i < n && line[i] !== ',') throw new LynxSyntaxError(`unexpected ${JSON.stringify(line[i])} after a closing quote`);
      out.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      out.push(line.slice(i, end).trim());
      i = end;
    }
    if (i >= n) return out;
    i++; // the comma
  }
}

/** Physical lines with their 1-based numbers (CRLF, LF or CR). */
export function lynxLines(text: string): { line: number; text: string }[] {
  return text.split(/\r\n|\n|\r/).map((t, i) => ({ line: i + 1, text: t }));
}

/** Text of a field as Lynx files can hold it: one line, no control characters. */
export function lynxField(value: string | number | null | undefined): string {
  if (value == null) return '';
  let out = '';
  for (const ch of String(value)) {
    const c = ch.codePointAt(0)!;
    out += c < 0x20 || c === 0x7f ? ' ' : ch;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/** One record, quoted where needed (a field with a comma or quote). */
export const lynxRecord = (fields: readonly (string | number | null | undefined)[]): string => formatCsvRecord(fields.map(lynxField));

/** Windows line ends: FinishLynx runs on Windows. */
export const LYNX_EOL = '\r\n';
