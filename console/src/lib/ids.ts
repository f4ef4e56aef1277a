// Client-generated idempotency keys. crypto.getRandomValues works on plain http too (stadium LANs),
// where crypto.randomUUID does not. The format fits the shared IdempotencyKey schema.
export function newIdempotencyKey(prefix = 'c'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix}-${Date.now().toString(36)}-${hex}`;
}
