// Text from Windows machines (Excel CSV exports, timing rooms): UTF-8 when the bytes are valid UTF-8,
// else Windows-1252. Browser-safe.

// Windows-1252 is ISO-8859-1 except 0x80-0x9F, given here: Node 20's TextDecoder('windows-1252') decodes
// those bytes as C1 control characters (latin1), so € ‚ ’ “ ” Š Œ Ž would be lost. 0 = unassigned.
const HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
export const codePointOf = (byte: number) => (byte >= 0x80 && byte < 0xa0 ? HIGH[byte - 0x80] || byte : byte);

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCodePoint(codePointOf(b));
  return out;
}

/** Valid UTF-8 is UTF-8 (ANSI text with accents is almost never valid UTF-8); anything else is Windows-1252. */
export function decodeUtf8OrWindows1252(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}
