// The timing bridge: runs on the timing-room computer next to FinishLynx.
// - Start lists: polls the hub's lynx.evt / lynx.sch / lynx.ppl (ETag: a 304 costs nothing) and writes
//   them into FinishLynx's input folder, only when their content changed, atomically (temp file + rename).
// - Results: watches the results folder for new or changed .lif files (fs.watch, plus a periodic rescan
//   because network drives drop change events), waits until a file stops changing, and posts it to
//   POST /api/meets/:id/lif with the key lif-<sha256 of its bytes>.
// - When the hub is unreachable the file waits in a queue kept on disk, bytes included, in the journal
//   (.athsys-bridge.json in the results folder), and is retried with exponential backoff.
// - The journal also keeps, per file name, the content last acknowledged (or refused): after a restart
//   nothing acknowledged is sent again, and a file FinishLynx rewrites is sent once per new content.
// Each file's fate is one log line: `imported 001-1-01.lif heat 12 v7`, `queued ...`, `refused ...: reason`.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LynxEncoding } from './encoding.js';
import { emptyJournal, JOURNAL_NAME, JournalWriter, readJournal, writeFileAtomic, type Journal, type Queued } from './bridge-journal.js';

export { JOURNAL_NAME } from './bridge-journal.js';

const START_LISTS = ['evt', 'sch', 'ppl'] as const;

export interface BridgeOptions {
  /** FinishLynx's folder: start lists are written here and, unless resultsDir is given, .lif files read here. */
  dir: string;
  /** Where FinishLynx writes its .lif files, when it is not `dir`. */
  resultsDir?: string;
  /** Base URL of the hub, e.g. http://hub.local:3000. */
  hub: string;
  /** A session token of a user who may enter results (starter, chief registrar, admin). */
  token: string;
  /** The meet; default: the meet kept in the journal, else the hub's only live meet. */
  meetId?: number;
  /** Encoding of the start-list files written (default utf-8). */
  encoding?: LynxEncoding;
  /** Write the start lists (default true). */
  startLists?: boolean;
  startListPollMs?: number;
  rescanMs?: number;
  /** A file must keep its size and time this long before it is read (FinishLynx may still be writing). */
  settleMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  requestTimeoutMs?: number;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export type FileFate =
  | { file: string; state: 'imported'; heatId: number; version: number; replay: boolean }
  | { file: string; state: 'queued'; reason: string }
  | { file: string; state: 'refused'; reason: string };

interface LifReply {
  heatId: number;
  version: number;
  replay: boolean;
}

/** Retry: the hub is down or busy, or the token is not accepted (yet): the file stays queued. */
class Retryable extends Error {}
/** The hub read the file and said no: sending it again cannot help. */
class Refused extends Error {}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const isLif = (name: string) => /\.lif$/i.test(name) && !name.startsWith('.');
const errorText = (err: unknown) => {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
};

export class LynxBridge extends EventEmitter<{ fate: [FileFate]; 'start-list': [string] }> {
  /** Counters for operators and tests: POSTs of files, their fates, completed folder scans and start-list checks. */
  readonly stats = { posts: 0, imported: 0, refused: 0, replays: 0, scans: 0, startListChecks: 0 };
  private readonly resultsDir: string;
  private readonly journalPath: string;
  private readonly log: (line: string) => void;
  private readonly fetch: typeof fetch;
  private readonly o: Required<Pick<BridgeOptions, 'encoding' | 'startListPollMs' | 'rescanMs' | 'settleMs' | 'backoff' | 'requestTimeoutMs' | 'startLists'>>;
  private journal: Journal = emptyJournal();
  private meetId: number | undefined;
  private watcher: FSWatcher | undefined;
  private timers = new Set<NodeJS.Timeout>();
  private stopped = true;
  /** The journal was read: only then may it be written (a journal that could not be read is left alone). */
  private loaded = false;
  /** Last seen size and time per file, to read a file only when it changed. */
  private seen = new Map<string, string>();
  private checking = new Set<string>();
  private readProblems = new Map<string, string>();
  /** Checks under way, awaited by stop() so that no file is queued after it. */
  private checks = new Set<Promise<void>>();
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private hubDown = false;
  /** The queue item being posted right now. */
  private sending: Queued | undefined;
  /** Files already reported as queued (name + hash), so a long outage logs each once. */
  private announced = new Set<string>();
  private requests = new Set<AbortController>();
  private meetLookup: Promise<number> | undefined;
  private etags = new Map<string, string>();
  private startListTrouble = '';
  private readonly journalWriter: JournalWriter;

  constructor(private readonly opts: BridgeOptions) {
    super();
    this.resultsDir = opts.resultsDir ?? opts.dir;
    this.journalPath = path.join(this.resultsDir, JOURNAL_NAME);
    this.journalWriter = new JournalWriter(this.journalPath, (err) => this.log(`journal: cannot write ${this.journalPath}: ${errorText(err)}`));
    this.log = opts.log ?? ((line) => console.log(`${new Date().toISOString()} ${line}`));
    this.fetch = opts.fetch ?? fetch;
    this.o = {
      encoding: opts.encoding ?? 'utf-8',
      startLists: opts.startLists ?? true,
      startListPollMs: opts.startListPollMs ?? 5_000,
      rescanMs: opts.rescanMs ?? 3_000,
      settleMs: opts.settleMs ?? 300,
      backoff: opts.backoff ?? { initialMs: 1_000, maxMs: 30_000 },
      requestTimeoutMs: opts.requestTimeoutMs ?? 15_000,
    };
    this.backoffMs = this.o.backoff.initialMs;
  }

  async start(): Promise<void> {
    this.journal = await readJournal(this.journalPath);
    this.loaded = true;
    this.stopped = false;
    this.meetId = this.opts.meetId ?? this.journal.meetId;
    for (const q of this.journal.queue) {
      this.announced.add(`${q.name}:${q.hash}`);
      this.log(`queued ${q.name}: left from the last run, sending`);
    }
    this.startWatcher();
    if (this.o.startLists) this.every(this.o.startListPollMs, () => this.refreshStartLists());
    this.every(this.o.rescanMs, () => this.rescan());
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const ctl of this.requests) ctl.abort(new Error('the bridge is stopping'));
    await Promise.all([this.draining, ...this.checks]);
    if (this.loaded) await this.save();
  }

  private save(): Promise<void> {
    return this.journalWriter.write(this.journal);
  }

  /** Files queued for the hub, oldest first. */
  get queued(): string[] {
    return this.journal.queue.map((q) => q.name);
  }

  // -------------------------------------------------------------------------------------------
  // Timers

  private every(ms: number, task: () => Promise<void>): void {
    const run = async () => {
      if (this.stopped) return;
      try {
        await task();
      } catch (err) {
        this.log(`error: ${errorText(err)}`);
      }
      if (!this.stopped) this.later(ms, run);
    };
    this.later(0, run);
  }

  private later(ms: number, fn: () => Promise<void> | void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  // -------------------------------------------------------------------------------------------
  // Watching the results folder

  private startWatcher(): void {
    if (this.watcher || this.stopped) return;
    try {
      this.watcher = watch(this.resultsDir, (_event, name) => {
        if (name && isLif(name)) this.later(this.o.settleMs, () => this.check(name.toString()));
      });
      this.watcher.on('error', (err) => {
        this.log(`watch: ${errorText(err)}; relying on the rescan every ${this.o.rescanMs} ms`);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (err) {
      this.log(`watch: ${errorText(err)}; relying on the rescan every ${this.o.rescanMs} ms`);
    }
  }

  private async rescan(): Promise<void> {
    this.startWatcher(); // again, if the folder came back after a drop
    let names: string[];
    try {
      names = (await readdir(this.resultsDir)).filter(isLif);
    } catch (err) {
      this.log(`scan: cannot read ${this.resultsDir}: ${errorText(err)}`);
      return;
    }
    await Promise.all(names.map((n) => this.check(n)));
    this.stats.scans++;
  }

  /** Reads a file that changed and has settled; queues its content when the hub has not had it. */
  private check(name: string): Promise<void> {
    const p = this.checkFile(name);
    this.checks.add(p);
    return p.finally(() => this.checks.delete(p));
  }

  private async checkFile(name: string): Promise<void> {
    if (this.stopped || this.checking.has(name)) return;
    this.checking.add(name);
    try {
      const file = path.join(this.resultsDir, name);
      const before = await stat(file).catch(() => undefined);
      if (!before?.isFile()) return;
      const mark = `${before.size}:${before.mtimeMs}`;
      if (this.seen.get(name) === mark) return;
      await new Promise((r) => setTimeout(r, this.o.settleMs));
      const after = await stat(file).catch(() => undefined);
      if (this.stopped || !after || `${after.size}:${after.mtimeMs}` !== mark) return; // still being written: the next event or scan comes back
      const bytes = await readFile(file);
      this.readProblems.delete(name);
      this.seen.set(name, mark);
      const hash = sha256(bytes);
      if (this.journal.files[name]?.hash === hash) return;
      if (this.journal.queue.some((q) => q.name === name && q.hash === hash)) return;
      this.enqueue(name, hash, bytes);
    } catch (err) {
      // A file locked or a drive gone: said once, until the file reads again.
      const why = errorText(err);
      if (this.readProblems.get(name) !== why) this.log(`scan: cannot read ${name}: ${why}`);
      this.readProblems.set(name, why);
    } finally {
      this.checking.delete(name);
    }
  }

  private enqueue(name: string, hash: string, bytes: Uint8Array): void {
    const item: Queued = { name, hash, data: Buffer.from(bytes).toString('base64'), queuedAt: new Date().toISOString(), attempts: 0 };
    // A newer content of a file waiting (not being sent) replaces it: FinishLynx's last word counts.
    const waiting = this.journal.queue.findIndex((q) => q.name === name && q !== this.sending);
    if (waiting >= 0) this.journal.queue[waiting] = item;
    else this.journal.queue.push(item);
    void this.save();
    if (this.hubDown) this.fate({ file: name, state: 'queued', reason: `hub unreachable, ${this.journal.queue.length} waiting` });
    this.kick();
  }

  // -------------------------------------------------------------------------------------------
  // Sending

  private kick(): void {
    if (this.stopped || this.draining || this.retryTimer) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.journal.queue.length) {
      const item = this.journal.queue[0]!;
      try {
        this.sending = item;
        const reply = await this.send(item).finally(() => {
          this.sending = undefined;
        });
        this.journal.queue.shift();
        this.journal.files[item.name] = { hash: item.hash, state: 'imported', heatId: reply.heatId, version: reply.version, at: new Date().toISOString() };
        this.hubDown = false;
        this.backoffMs = this.o.backoff.initialMs;
        await this.save();
        this.fate({ file: item.name, state: 'imported', heatId: reply.heatId, version: reply.version, replay: reply.replay }, item.attempts);
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof Refused) {
          this.journal.queue.shift();
          this.journal.files[item.name] = { hash: item.hash, state: 'refused', reason: err.message, at: new Date().toISOString() };
          await this.save();
          this.fate({ file: item.name, state: 'refused', reason: err.message });
          continue;
        }
        // Retryable: the whole queue waits (the hub is what is missing), with exponential backoff.
        for (const q of this.journal.queue) this.fate({ file: q.name, state: 'queued', reason: `${errorText(err)}; retrying with backoff` });
        this.hubDown = true;
        await this.save();
        const wait = this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, this.o.backoff.maxMs);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, wait);
        return;
      }
    }
  }

  private async send(item: Queued): Promise<LifReply> {
    item.attempts++;
    const meetId = await this.resolveMeet();
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.opts.token}`,
      'content-type': 'application/octet-stream',
      'idempotency-key': `lif-${item.hash}`,
    };
    if (/^[\x20-\x7e]{1,255}$/.test(item.name)) headers['x-lynx-file'] = item.name;
    this.stats.posts++;
    const res = await this.request(`/api/meets/${meetId}/lif`, { method: 'POST', headers, body: Buffer.from(item.data, 'base64') });
    const body = (await res.json().catch(() => ({}))) as Partial<LifReply> & { error?: { code?: string; message?: string } };
    if (res.ok) {
      if (typeof body.heatId !== 'number' || typeof body.version !== 'number') throw new Retryable(`unexpected answer from the hub (${res.status}): is --hub the AthSys hub?`);
      if (body.replay) this.stats.replays++;
      return { heatId: body.heatId, version: body.version, replay: body.replay ?? false };
    }
    const why = body.error?.message ?? res.statusText;
    if (res.status === 401 || res.status === 403) throw new Retryable(`the hub refused the token (${res.status}: ${why}): restart the bridge with a valid --token`);
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new Refused(why);
    throw new Retryable(`hub answered ${res.status}: ${why}`);
  }

  private async request(url: string, init: RequestInit = {}): Promise<Response> {
    const ctl = new AbortController();
    this.requests.add(ctl);
    const timer = setTimeout(() => ctl.abort(new Error(`no answer within ${this.o.requestTimeoutMs} ms`)), this.o.requestTimeoutMs);
    try {
      return await this.fetch(new URL(url, this.opts.hub), { ...init, signal: ctl.signal });
    } catch (err) {
      throw new Retryable(`hub unreachable (${errorText(err)})`);
    } finally {
      clearTimeout(timer);
      this.requests.delete(ctl);
    }
  }

  /** The meet files go to: given, remembered, or the hub's only live meet. */
  private resolveMeet(): Promise<number> {
    if (this.meetId) return Promise.resolve(this.meetId);
    this.meetLookup ??= this.findLiveMeet().finally(() => {
      this.meetLookup = undefined;
    });
    return this.meetLookup;
  }

  private async findLiveMeet(): Promise<number> {
    const res = await this.request('/api/meets?status=live&limit=10', { headers: { authorization: `Bearer ${this.opts.token}` } });
    if (!res.ok) throw new Retryable(`cannot list the live meets (${res.status})`);
    const { items } = (await res.json()) as { items: { id: number; name: string }[] };
    if (items.length !== 1) {
      const which = items.map((m) => `${m.id} ${m.name}`).join(', ') || 'none';
      throw new Retryable(`pass --meet <id>: the hub has ${items.length} live meets (${which})`);
    }
    this.meetId = items[0]!.id;
    this.journal.meetId = this.meetId;
    this.log(`meet ${this.meetId}: ${items[0]!.name}`);
    return this.meetId;
  }

  private fate(f: FileFate, attempts = 0): void {
    if (f.state === 'imported') {
      this.stats.imported++;
      const extra = [f.replay ? 'already imported' : '', attempts > 1 ? `after ${attempts} attempts` : ''].filter(Boolean).join(', ');
      this.log(`imported ${f.file} heat ${f.heatId} v${f.version}${extra ? ` (${extra})` : ''}`);
    } else if (f.state === 'refused') {
      this.stats.refused++;
      this.log(`refused ${f.file}: ${f.reason}`);
    } else {
      const key = `${f.file}:${this.journal.queue.findLast((q) => q.name === f.file)?.hash ?? ''}`;
      if (this.announced.has(key)) return;
      this.announced.add(key);
      this.log(`queued ${f.file}: ${f.reason}`);
    }
    this.emit('fate', f);
  }

  // -------------------------------------------------------------------------------------------
  // Start lists

  private async refreshStartLists(): Promise<void> {
    let meetId: number;
    try {
      meetId = await this.resolveMeet();
    } catch (err) {
      return this.startListProblem(errorText(err));
    }
    for (const file of START_LISTS) {
      const name = `lynx.${file}`;
      let res: Response;
      try {
        const etag = this.etags.get(file);
        res = await this.request(`/api/meets/${meetId}/lynx/${file}?encoding=${this.o.encoding}`, {
          headers: { authorization: `Bearer ${this.opts.token}`, ...(etag ? { 'if-none-match': etag } : {}) },
        });
      } catch (err) {
        return this.startListProblem(errorText(err));
      }
      if (res.status === 304) continue;
      if (!res.ok) return this.startListProblem(`${name}: hub answered ${res.status}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const target = path.join(this.opts.dir, name);
      const current = await readFile(target).catch(() => undefined);
      if (!current || !current.equals(bytes)) {
        try {
          await writeFileAtomic(target, bytes); // FinishLynx never reads a half-written file
        } catch (err) {
          return this.startListProblem(`cannot write ${target}: ${errorText(err)}`);
        }
        this.log(`wrote ${name} (${bytes.length} bytes)`);
        this.emit('start-list', name);
        if (file === 'evt') this.retryRefused();
      }
      const etag = res.headers.get('etag');
      if (etag) this.etags.set(file, etag);
    }
    if (this.startListTrouble) this.log('start lists: up to date again');
    this.startListTrouble = '';
    this.stats.startListChecks++;
  }

  private startListProblem(reason: string): void {
    if (this.startListTrouble !== reason) this.log(`start lists: ${reason}; trying again in ${this.o.startListPollMs} ms`);
    this.startListTrouble = reason;
  }

  /** The start lists changed (a late entry, a new heat): refused files get another chance. */
  private retryRefused(): void {
    for (const [name, h] of Object.entries(this.journal.files)) {
      if (h.state !== 'refused') continue;
      delete this.journal.files[name];
      this.seen.delete(name);
    }
  }
}
