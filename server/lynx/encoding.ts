// Bytes of FinishLynx files <-> text. Timing rooms run Windows: files arrive in UTF-8 or in the ANSI
// code page (Windows-1252 in Western Europe and the Americas). Detection: a file that is valid UTF-8
// is UTF-8 (ANSI text with accents is almost never valid UTF-8); anything else is Windows-1252.

import { codePointOf, decodeUtf8OrWindows1252, decodeWindows1252 } from '../../shared/encoding.js';

export { decodeWindows1252 };

import type { LynxEncoding } from '../../shared/schemas/lynx.js';
export { LYNX_ENCODINGS, type LynxEncoding } from '../../shared/schemas/lynx.js';

/** Decodes a file, dropping a UTF-8 byte order mark, and says which encoding it was in. */
export function decodeLynx(bytes: Uint8Array): { text: string; encoding: LynxEncoding } {
  return decodeUtf8OrWindows1252(bytes);
}

let cp1252: Map<number, number> | undefined;
function cp1252Table(): Map<number, number> {
  if (cp1252) return cp1252;
  cp1252 = new Map();
  for (let b = 0; b < 256; b++) cp1252.set(codePointOf(b), b);
  return cp1252;
}

/**
 * Encodes text for FinishLynx. UTF-8 is written without a byte order mark. Windows-1252 keeps every
 * character it has (Ó, é, ß, Š, €); a character it lacks loses its accents when that makes it
 * representable (Nguyễn -> Nguyen), else becomes `?`.
 */
export function encodeLynx(text: string, encoding: LynxEncoding): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  const table = cp1252Table();
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const direct = table.get(ch.codePointAt(0)!);
    if (direct !== undefined) {
      out.push(direct);
      continue;
    }
    // Decompose (ễ -> e + marks) and keep what the code page has, dropping combining marks.
    const parts = [...ch.normalize('NFD')].filter((c) => !/\p{M}/u.test(c));
    const bytes = parts.map((c) => table.get(c.codePointAt(0)!));
    if (parts.length > 0 && bytes.every((b) => b !== undefined)) out.push(...(bytes as number[]));
    else out.push(0x3f); // ?
  }
  return Uint8Array.from(out);
}
