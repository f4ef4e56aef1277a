// A Socket.IO parser (protocol 5, text packets only) for the benchmark's viewer clients: the wire
// format is the standard one, but a `heat:update` is not JSON-parsed: only its version is read.
// 10,000 sockets on the same 2 cores as the server would otherwise spend more CPU parsing 2 KB
// snapshots than the server spends sending them, and the client, not the server, would be measured.
// Used as socket.io-client's `parser` option (an { Encoder, Decoder } pair).
import { EventEmitter } from 'node:events';

interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

const FAST = '["heat:update",';
const VERSION = /"version":(\d+)/;

export class Encoder {
  encode(p: Packet): string[] {
    let s = String(p.type);
    if (p.nsp && p.nsp !== '/') s += `${p.nsp},`;
    if (p.id != null) s += String(p.id);
    if (p.data !== undefined) s += JSON.stringify(p.data);
    return [s];
  }
}

export class Decoder extends EventEmitter {
  add(chunk: unknown): void {
    if (typeof chunk !== 'string') throw new Error('the lean parser reads text packets only');
    const type = Number(chunk[0]);
    let i = 1;
    let nsp = '/';
    if (chunk[i] === '/') {
      const comma = chunk.indexOf(',', i);
      nsp = chunk.slice(i, comma < 0 ? chunk.length : comma);
      i = comma < 0 ? chunk.length : comma + 1;
    }
    let id: number | undefined;
    const idStart = i;
    while (i < chunk.length && chunk.charCodeAt(i) >= 48 && chunk.charCodeAt(i) <= 57) i++;
    if (i > idStart) id = Number(chunk.slice(idStart, i));
    let data: unknown;
    if (i < chunk.length) {
      data = type === 2 && chunk.startsWith(FAST, i) ? ['heat:update', { version: Number(VERSION.exec(chunk)?.[1] ?? NaN) }] : JSON.parse(chunk.slice(i));
    }
    this.emit('decoded', { type, nsp, ...(id !== undefined ? { id } : {}), ...(data !== undefined ? { data } : {}) });
  }
  destroy(): void {
    this.removeAllListeners();
  }
}
