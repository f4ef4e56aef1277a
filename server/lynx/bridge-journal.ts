// The bridge's memory on disk (.athsys-bridge.json in the results folder): the meet, the files waiting
// for the hub (bytes included, so a network drive that vanishes loses nothing) and, per file name, the
// content the hub last acknowledged or refused. Written atomically (temp file + rename).
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const JOURNAL_NAME = '.athsys-bridge.json';

export interface Handled {
  hash: string;
  state: 'imported' | 'refused';
  heatId?: number;
  version?: number;
  reason?: string;
  at: string;
}

export interface Queued {
  name: string;
  hash: string;
  /** The file's bytes, base64: what is sent, even if the network drive is gone by then. */
  data: string;
  queuedAt: string;
  attempts: number;
}

export interface Journal {
  version: 1;
  meetId?: number;
  /** Per file name, the content last acknowledged (imported) or refused by the hub. */
  files: Record<string, Handled>;
  queue: Queued[];
}

export const emptyJournal = (): Journal => ({ version: 1, files: {}, queue: [] });

/** The journal at `file`, or an empty one when there is none; throws on a file that is not a journal. */
export async function readJournal(file: string): Promise<Journal> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyJournal();
    throw err;
  }
  let j: Partial<Journal>;
  try {
    j = JSON.parse(text) as Partial<Journal>;
  } catch {
    j = {};
  }
  if (j.version !== 1 || typeof j.files !== 'object' || j.files === null || !Array.isArray(j.queue)) {
    throw new Error(`${file} is not a bridge journal (version 1): move it away to start afresh (files the hub already has are then answered as replays)`);
  }
  return { version: 1, files: j.files, queue: j.queue, ...(j.meetId ? { meetId: j.meetId } : {}) };
}

/** Writes a file through a temporary sibling and a rename: readers see the old or the new file, never half. */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.athsys-tmp`);
  await writeFile(tmp, data);
  await rename(tmp, target);
}

/** Serialises journal writes: each carries the state at the time it runs, so the last one wins. */
export class JournalWriter {
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  write(journal: Journal): Promise<void> {
    this.last = this.last.then(() => writeFileAtomic(this.file, JSON.stringify(journal, null, 1))).catch(this.onError);
    return this.last;
  }
}
