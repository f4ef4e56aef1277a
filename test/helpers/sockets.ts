// Socket.IO clients for tests: a viewer on /live, a console on /console, and awaiting helpers.
import { io, type Socket } from 'socket.io-client';

export function connectLive(url: string, opts: { transports?: ('websocket' | 'polling')[]; cookies?: boolean } = {}): Socket {
  return io(`${url}/live`, {
    transports: opts.transports ?? ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500,
    // A browser keeps cookies (nginx's route cookie makes polling sticky); Node's client needs asking.
    withCredentials: opts.cookies ?? true,
  });
}

export function connectConsole(url: string, token?: string): Socket {
  return io(`${url}/console`, { transports: ['websocket'], forceNew: true, auth: token ? { token } : {}, reconnection: false });
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

export function connectError(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
    socket.once('connect_error', (err) => resolve(err.message));
  });
}

export async function ack<T = unknown>(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  const s = socket.timeout(timeoutMs);
  return (await (payload === undefined ? s.emitWithAck(event) : s.emitWithAck(event, payload))) as T;
}

/** The next `event` whose payload satisfies `match`. */
export function nextEvent<T>(socket: Socket, event: string, match: (p: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(p);
    };
    socket.on(event, on);
  });
}
