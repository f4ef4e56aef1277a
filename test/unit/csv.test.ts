import { describe, expect, it } from 'vitest';
import { CsvError, decodeText, formatCsvRecord, parseCsv, sniffDelimiter } from '../../shared/csv.js';

describe('parseCsv', () => {
  it('splits plain fields and records', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
  });

  it('keeps a last record without a line end', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('accepts CRLF, LF and lone CR line ends', () => {
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,b\r1,2\r')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a\r\nb\nc\rd')).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('strips a leading byte order mark', () => {
    const rows = parseCsv('\uFEFFfirstName,lastName\nÓlafur,Nguyễn\n');
    expect(rows[0]).toEqual(['firstName', 'lastName']);
    expect(rows[1]).toEqual(['Ólafur', 'Nguyễn']);
  });

  it('reads quoted fields with commas, doubled quotes and line ends inside', () => {
    const text = '"name","note"\r\n"O\'Neil, Jr.","said ""go""\r\nthen ran"\r\n';
    expect(parseCsv(text)).toEqual([
      ['name', 'note'],
      ["O'Neil, Jr.", 'said "go"\r\nthen ran'],
    ]);
  });

  it('keeps empty fields, quoted or not, and a trailing empty field', () => {
    expect(parseCsv('a,,c\n,"",\n')).toEqual([['a', '', 'c'], ['', '', '']]);
    expect(parseCsv('a,')).toEqual([['a', '']]);
    expect(parseCsv('""')).toEqual([['']]);
  });

  it('keeps blank lines as records so record numbers match spreadsheet rows', () => {
    expect(parseCsv('h\n\nx\n')).toEqual([['h'], [''], ['x']]);
  });

  it('returns no record for empty text or a lone BOM', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });

  it('does not trim spaces and keeps a quote inside an unquoted field as text', () => {
    expect(parseCsv(' a , b \n5\'10",x')).toEqual([[' a ', ' b '], ['5\'10"', 'x']]);
  });

  it('treats SQL metacharacters as plain text', () => {
    expect(parseCsv("\"'; DROP TABLE athletes; --\",x")).toEqual([["'; DROP TABLE athletes; --", 'x']]);
  });

  it('refuses an unclosed quote, naming the line where it opened', () => {
    expect(() => parseCsv('a,b\n1,"open\nstill open')).toThrow(CsvError);
    try {
      parseCsv('a,b\n1,"open\nstill open');
    } catch (err) {
      expect((err as CsvError).line).toBe(2);
      expect((err as CsvError).message).toMatch(/line 2: a quoted field is not closed/);
    }
  });

  it('refuses text after a closing quote', () => {
    expect(() => parseCsv('"a"b,c')).toThrow(/after a closing quote/);
  });

  it('counts lines inside quoted fields for error positions', () => {
    expect(() => parseCsv('"x\r\ny\r\nz",1\r\n"a"b')).toThrow(/^line 4:/);
  });

  it('reads another delimiter', () => {
    expect(parseCsv('a;b\n"1;2";3', { delimiter: ';' })).toEqual([['a', 'b'], ['1;2', '3']]);
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow();
  });
});

describe('sniffDelimiter', () => {
  it('picks ; only when the header has semicolons and no commas', () => {
    expect(sniffDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(sniffDelimiter('\uFEFFa;b')).toBe(';');
    expect(sniffDelimiter('a,b;c')).toBe(',');
    expect(sniffDelimiter('a')).toBe(',');
  });
});

describe('formatCsvRecord', () => {
  it('round-trips through parseCsv', () => {
    const fields = ['plain', 'with,comma', 'with "quote"', 'two\nlines', ' padded ', ''];
    expect(parseCsv(formatCsvRecord(fields))).toEqual([fields]);
  });
});

describe('decodeText', () => {
  it('reads UTF-8 and falls back to Windows-1252 for invalid UTF-8', () => {
    expect(decodeText(new TextEncoder().encode('Ólafur'))).toBe('Ólafur');
    expect(decodeText(Uint8Array.from([0xd3, 0x6c, 0x61, 0x66, 0x75, 0x72]))).toBe('Ólafur');
  });
});

describe('decodeText (Windows-1252 from spreadsheets)', () => {
  it('decodes 0x80-0x9F as Windows-1252 letters, not control characters', async () => {
    const { decodeText } = await import('../../shared/csv.js');
    // "Œuvre ’O’Neil€ Š" as Windows-1252 bytes
    const bytes = Uint8Array.from([0x8c, 0x75, 0x76, 0x72, 0x65, 0x20, 0x92, 0x4f, 0x92, 0x4e, 0x65, 0x69, 0x6c, 0x80, 0x20, 0x8a]);
    expect(decodeText(bytes)).toBe('Œuvre ’O’Neil€ Š');
    expect(decodeText(new TextEncoder().encode('Ólafur Nguyễn'))).toBe('Ólafur Nguyễn');
  });
});
