// Hostile input for the fuzz and abuse suites: strings that break naive SQL, HTML and parsers, unicode
// edge cases, numbers at the edges of every integer type, prototype-pollution keys, huge and deeply
// nested JSON. JSON is built as text (hostileJsonText) so that keys like `__proto__`, duplicate keys
// and number literals JavaScript cannot hold (1e999, 2^70) reach the hub exactly as an attacker sends them.
import fc from 'fast-check';

export const SQL_STRINGS = [
  "'; DROP TABLE athletes; --", "' OR '1'='1", "1' OR 1=1 --", '" OR ""="', "'); DELETE FROM results; --", "1; SELECT pg_sleep(5) --",
  "' UNION SELECT password_hash FROM users --", "\\'; --", '$1', '$$; DROP TABLE users; $$', 'E\'\\x00\'', '%', '_', "O'Brien",
];
export const HTML_STRINGS = [
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "'><iframe src=javascript:alert(1)>",
  'javascript:alert(1)', '<a href="javascript:alert(1)">x</a>', '&lt;b&gt;&amp;', '{{constructor.constructor("alert(1)")()}}', '${alert(1)}',
];
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', '__lookupGetter__', 'toString', 'valueOf', 'hasOwnProperty', 'then', 'toJSON'];
export const UNICODE_STRINGS = [
  '', ' ', '\t\r\n', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uD83D', '\uFEFF', '\u202Etxt.exe', '\u200B\u200C\u200D', '\u00A0', '\u2028\u2029',
  'Ω≈ç√∫˜µ≤≥÷', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '👩‍👩‍👧‍👦🏳️‍🌈', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', 'ǅǈǋ', 'ß', 'İı', 'ﷺ', '١٢٣', '𝟏𝟐𝟑', 'Ⅻ', 'ａｄｍｉｎ',
];
export const MISC_STRINGS = ['../../etc/passwd', '%00', '%2e%2e%2f', 'NaN', 'Infinity', '-0', '1e999', '0x10', '1_000', 'null', 'undefined', 'true', '[]', '{}', '%s%n%x'];
export const HOSTILE_STRINGS = [...SQL_STRINGS, ...HTML_STRINGS, ...PROTO_KEYS, ...UNICODE_STRINGS, ...MISC_STRINGS];

/** Number literals at the edges: int4/int8/double limits, fractions, exponent forms. */
export const EDGE_NUMBERS = [0, -1, 1.5, -0.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 63, 2 ** 64, -(2 ** 63), 1e308, 5e-324, 86_400_000, 999_999_999];
/** Literals that JSON allows and JavaScript cannot hold exactly (or at all). */
export const RAW_NUMBERS = ['1e999', '-1e999', '123456789012345678901234567890', '9223372036854775808', '-9223372036854775809', '1E2', '1.0', '0.0000000000000000001', '-0'];

const short = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
/** Huge strings: up to 300,000 characters of one kind (ASCII, accented, astral, markup, quotes). */
const huge = fc.tuple(fc.constantFrom('x', 'é', '𝔘', '<b>', "'", '\\', '\u0000'), fc.integer({ min: 1_000, max: 300_000 })).map(([c, n]) => c.repeat(Math.ceil(n / c.length)));

export const hostileString: fc.Arbitrary<string> = fc.oneof({ weight: 9, arbitrary: short }, { weight: 1, arbitrary: huge });
export const hostileKey: fc.Arbitrary<string> = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) }, { weight: 3, arbitrary: short });

/** JSON as a tree we serialise ourselves: objects are key/value lists (duplicates and `__proto__` kept), raw is literal text. */
export type J = null | boolean | number | string | J[] | { entries: [string, J][] } | { raw: string };

export function jsonText(j: J): string {
  if (j === null || typeof j === 'boolean') return String(j);
  if (typeof j === 'number') return Number.isFinite(j) ? JSON.stringify(j) : 'null';
  if (typeof j === 'string') return JSON.stringify(j);
  if (Array.isArray(j)) return `[${j.map(jsonText).join(',')}]`;
  if ('raw' in j) return j.raw;
  return `{${j.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
}

/** The value as the hub's JSON parser would build it (own `__proto__` properties included), for socket payloads. */
export function jsonValue(j: J): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(jsonValue);
  if ('raw' in j) return JSON.parse(j.raw) as unknown;
  const o: Record<string, unknown> = {};
  for (const [k, v] of j.entries) Object.defineProperty(o, k, { value: jsonValue(v), enumerable: true, writable: true, configurable: true });
  return o;
}

export const obj = (entries: [string, J][]): J => ({ entries });

const leaf: fc.Arbitrary<J> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((raw) => ({ raw })) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Huge arrays (up to 100,000 elements) and objects with up to 20,000 keys. */
const wide: fc.Arbitrary<J> = fc.oneof(
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => ({ raw: `[${Array(n).fill('1').join(',')}]` })),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => obj(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
);
/** Deep nesting: arrays or objects, 100 to 50,000 levels (as text: only raw bodies and packets carry it). */
const deep: fc.Arbitrary<J> = fc.oneof(
  fc.integer({ min: 100, max: 50_000 }).map((n) => ({ raw: `${'['.repeat(n)}1${']'.repeat(n)}` })),
  fc.integer({ min: 100, max: 20_000 }).map((n) => ({ raw: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` })),
);

const jsonOf = (monster: fc.Arbitrary<J>) =>
  fc.letrec<{ json: J }>((tie) => ({
    json: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      { weight: 6, arbitrary: leaf },
      { weight: 2, arbitrary: fc.array(tie('json'), { maxLength: 5 }) },
      { weight: 2, arbitrary: fc.array(fc.tuple(hostileKey, tie('json')), { maxLength: 5 }).map(obj) },
      { weight: 1, arbitrary: monster },
    ),
  })).json;

/** Any JSON value, hostile at every level, huge or nested thousands deep. */
export const hostileJson: fc.Arbitrary<J> = jsonOf(fc.oneof(wide, deep));
/** The same without the deep nesting a client library cannot serialise (Socket.IO's encoder recurses). */
export const hostileJsonShallow: fc.Arbitrary<J> = jsonOf(wide);

/** Percent-encoded (lone surrogates as U+FFFD: encodeURIComponent refuses them; RAW_URL_PIECES sends broken bytes). */
export const urlEncode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
/** Broken percent-encoding and bytes that are not UTF-8, sent as they are. */
export const RAW_URL_PIECES = ['%', '%%', '%FF', '%ED%A0%80', '%C0%AF', '%00', '%u0000', '%2e%2e', '..', '.', '%2F'];

/** A path segment that is not a positive safe integer once decoded and coerced (`Number(s)`), URL-encoded. */
export const invalidIdSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc
    .oneof(hostileString.filter((s) => s.length < 2000), fc.constantFrom('0', '-1', '1.5', '9007199254740993', '99999999999999999999', '1e400', 'abc', '0x', '--1'))
    .filter((s) => !(Number.isSafeInteger(Number(s)) && Number(s) > 0))
    .map(urlEncode) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_PIECES) },
);

/** A JSON body text that is not valid JSON. */
export const brokenJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '{"a":}', "{'a':1}", '[1,2', '{"a":1,}', 'NaN', 'undefined', '{"a":1}{"b":2}', '\u0000', '<xml/>', '{"__proto__":'),
  hostileString.map((s) => `{"x":"${s}`),
);
