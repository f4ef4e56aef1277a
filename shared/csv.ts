// A small RFC 4180 CSV reader: quoted fields (with commas, quotes and newlines inside), CRLF, LF or CR
// line ends, a leading byte order mark. Shared so the console can preview a file exactly as the hub reads it.
import { decodeUtf8OrWindows1252 } from './encoding.js';

export class CsvError extends Error {
  constructor(
    message: string,
    /** 1-based physical line where the problem is. */
    public readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface CsvOptions {
  /** Field separator; default ','. Spreadsheets in some locales write ';'. */
  delimiter?: string;
}

/**
 * Parses CSV text into records of fields. Blank lines are records too (as `['']`), so that record i is
 * row i+1 of the spreadsheet the file came from; only the line end closing the file adds no record.
 * Throws CsvError on an unclosed quote or on text after a closing quote.
 */
export function parseCsv(text: string, opts: CsvOptions = {}): string[][] {
  const delimiter = opts.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`unusable CSV delimiter ${JSON.stringify(delimiter)}`);
  }
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = src.length;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  /** The current field has begun (a quoted empty field "" has begun too). */
  let started = false;
  let line = 1;
  let i = 0;

  while (i < n) {
    const c = src[i]!;
    if (c === '"' && !started) {
      // A quoted field runs to the next quote that is not doubled; line ends inside it are data.
      const openedAt = line;
      started = true;
      i++;
      for (;;) {
        if (i >= n) throw new CsvError('a quoted field is not closed', openedAt);
        const q = src[i]!;
        if (q === '"') {
          if (src[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else {
          if (q === '\n' || (q === '\r' && src[i + 1] !== '\n')) line++;
          field += q;
          i++;
        }
      }
      i++; // the closing quote
      const next = src[i];
      if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
        throw new CsvError(`unexpected ${JSON.stringify(next)} after a closing quote (a quote inside a quoted field is written "")`, line);
      }
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = '';
      started = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      started = false;
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    // A quote inside an unquoted field is kept as text (5'10", O"Neil): lenient, as spreadsheets are.
    field += c;
    started = true;
    i++;
  }
  // The last record, unless the text ended with its line end.
  if (started || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Guesses the delimiter from the header line: ';' when it has semicolons and no commas, else ','. */
export function sniffDelimiter(text: string): ',' | ';' {
  const firstLine = /^[^\r\n]*/.exec(text.replace(/^\uFEFF/, ''))?.[0] ?? '';
  return !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
}

/** Writes one CSV record, quoting where needed (the inverse of parseCsv for one line). */
export function formatCsvRecord(fields: readonly string[], delimiter = ','): string {
  return fields
    .map((f) => (f.includes('"') || f.includes(delimiter) || f.includes('\n') || f.includes('\r') || f !== f.trim() ? `"${f.replace(/"/g, '""')}"` : f))
    .join(delimiter);
}

/** Decodes uploaded bytes: UTF-8 when valid, else Windows-1252 (what older spreadsheet exports write). */
export function decodeText(bytes: Uint8Array): string {
  return decodeUtf8OrWindows1252(bytes).text;
}
