// CSV imports: the header names the columns; each row is validated with the same zod schema as the
// single-create route and created in its own savepoint, so a bad row is reported and the good ones stay.
// Row numbers are spreadsheet rows: the header is row 1.
import type { z } from 'zod';
import type { Sql, Tx } from '../db/client.js';
import type { ImportReport } from '../../shared/schemas/athletes.js';
import { CsvError, parseCsv, sniffDelimiter } from '../../shared/csv.js';
import { AppError, badRequest, fromDatabaseError } from '../errors.js';

/** More rows than this is a file for a batch job, not a request (a 1 MB body holds ~10,000 short rows). */
export const MAX_IMPORT_ROWS = 10_000;

export interface ImportSpec<T> {
  columns: readonly string[];
  /** Columns whose cells are numbers (the schema expects numbers; CSV cells are text). */
  numeric: readonly string[];
  schema: z.ZodType<T>;
  /** Creates one row's record inside the given transaction (a savepoint); returns its id. */
  create(tx: Tx, value: T, row: number): Promise<number>;
}

type Parsed<T> = { row: number; value: T };

/**
 * Reads the header: known column names (any case), no duplicates, every required column present.
 * A column without a name (spreadsheets add them after a trailing comma) is ignored: null.
 */
function readHeader(header: string[], spec: ImportSpec<unknown>): (string | null)[] {
  const byLower = new Map(spec.columns.map((c) => [c.toLowerCase(), c]));
  const names = header.map((h) => {
    if (h.trim() === '') return null;
    const name = byLower.get(h.trim().toLowerCase());
    if (!name) throw badRequest(`unknown column "${h.trim().slice(0, 60)}" in the header; the columns are: ${spec.columns.join(', ')}`);
    return name;
  });
  const dup = names.find((n, i) => n !== null && names.indexOf(n) !== i);
  if (dup) throw badRequest(`column "${dup}" appears twice in the header`);
  const shape = (spec.schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const missing = spec.columns.filter((c) => !names.includes(c) && shape[c] && !shape[c].safeParse(undefined).success);
  if (missing.length) throw badRequest(`missing required column(s): ${missing.join(', ')}`);
  return names;
}

function cellValue(column: string, cell: string, spec: ImportSpec<unknown>): unknown {
  if (spec.numeric.includes(column) && /^[+-]?\d+(\.\d+)?$/.test(cell)) return Number(cell);
  return cell;
}

/** Parses and validates; throws 400 for a file that cannot be read at all. */
export function readRows<T>(text: string, spec: ImportSpec<T>): { valid: Parsed<T>[]; rejected: ImportReport['rejected'] } {
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter: sniffDelimiter(text) });
  } catch (err) {
    if (err instanceof CsvError) throw badRequest(`the CSV cannot be read: ${err.message}`);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header || header.every((h) => h.trim() === '')) throw badRequest('the file is empty: its first line names the columns');
  if (rows.length > MAX_IMPORT_ROWS) throw badRequest(`at most ${MAX_IMPORT_ROWS} rows per import; this file has ${rows.length}`);
  const names = readHeader(header, spec as ImportSpec<unknown>);
  const valid: Parsed<T>[] = [];
  const rejected: ImportReport['rejected'] = [];
  rows.forEach((fields, i) => {
    const row = i + 2;
    if (fields.every((f) => f.trim() === '')) return; // blank spreadsheet row
    if (fields.slice(names.length).some((f) => f.trim() !== '')) {
      rejected.push({ row, message: `${fields.length} fields, but the header names ${names.length} columns` });
      return;
    }
    if (names.some((name, j) => name === null && (fields[j] ?? '').trim() !== '')) {
      rejected.push({ row, message: 'a value under a column without a name' });
      return;
    }
    const obj: Record<string, unknown> = {};
    names.forEach((name, j) => {
      const cell = fields[j]?.trim() ?? '';
      if (name !== null && cell !== '') obj[name] = cellValue(name, cell, spec as ImportSpec<unknown>);
    });
    const parsed = spec.schema.safeParse(obj);
    if (parsed.success) {
      valid.push({ row, value: parsed.data });
    } else {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.');
      rejected.push({ row, ...(field ? { field } : {}), message: issue.message });
    }
  });
  return { valid, rejected };
}

/**
 * Creates every valid row in one transaction, each in a savepoint: a row the database refuses (a bib
 * already worn, an athlete entered twice) is rolled back alone and reported. Other errors abort the import.
 */
export async function runImport<T>(
  sql: Sql,
  text: string,
  spec: ImportSpec<T>,
  summary: (tx: Tx, report: ImportReport) => Promise<void>,
): Promise<ImportReport> {
  const { valid, rejected } = readRows(text, spec);
  const created: ImportReport['created'] = [];
  if (valid.length > 0) {
    await sql.begin(async (tx) => {
      for (const { row, value } of valid) {
        try {
          const id = await tx.savepoint((sp) => spec.create(sp, value, row));
          created.push({ row, id });
        } catch (err) {
          const known = err instanceof AppError ? err : fromDatabaseError(err);
          if (!known || known.status >= 500) throw err;
          rejected.push({ row, ...(known.field ? { field: known.field } : {}), message: known.message });
        }
      }
      if (created.length > 0) await summary(tx, { created, rejected });
    });
  }
  rejected.sort((a, b) => a.row - b.row);
  return { created, rejected };
}
