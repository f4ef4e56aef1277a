// Immutable map updates for state kept in `$state.raw`: every change makes a new map, so readers
// re-render on the change and nothing mutates a value a component already holds.

export function mapOf<K, V>(entries: Iterable<readonly [K, V]> = []): ReadonlyMap<K, V> {
  return new Map(entries);
}

export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

export const isoAt = (epochMs: number): string => new Date(epochMs).toISOString();

export const urlOf = (href: string, base?: string): URL => new URL(href, base);
