// The state of one heat on the starter screen: the hub's snapshot (kept fresh by /live), the operator's
// drafts, what is still in the outbox, and the ranking preview computed with the shared rankHeat.
import { rankHeat, type Ranked } from '../../../shared/ranking.js';
import { officialTime, isPossibleFalseStart } from '../../../shared/time.js';
import type { Event } from '../../../shared/schemas/meets.js';
import type { HeatSnapshot, ResultInput, ResultStatus, SnapshotRow } from '../../../shared/schemas/results.js';
import { api, ApiError, messageOf } from './api.js';
import { markText, parseMark, parseReaction, parseWind, reactionText } from './entry-parse.js';
import { outbox, type OutboxItem } from './outbox.svelte.js';

export interface Draft {
  mark: string;
  rule: string;
  reaction: string;
}
export type DraftField = keyof Draft;

/** A row's values: the hub's, overlaid by what waits in the outbox. */
export interface RowValues {
  status: ResultStatus | null;
  timeMs: number | null;
  dqRule: string | null;
  reactionMs: number | null;
}

export type PreviewRow = Ranked<{ entryId: number; lane: number; timeMs: number | null; status: ResultStatus | null; reactionMs: number | null }> & {
  bib: string;
  name: string;
  country: string;
  dqRule: string | null;
  time: string | null;
};

function draftOf(v: RowValues): Draft {
  return { mark: markText(v), rule: v.dqRule ?? '', reaction: reactionText(v.reactionMs) };
}

export class HeatSheet {
  snapshot = $state<HeatSnapshot | null>(null);
  event = $state<Event | null>(null);
  /** entryId -> what the operator typed and has not sent. */
  drafts = $state<Record<number, Draft>>({});
  /** `${entryId}.${field}` -> a message beside that input. */
  errors = $state<Record<string, string>>({});
  wind = $state('');
  windError = $state<string | null>(null);
  loadError = $state<string | null>(null);
  private windEdited = false;

  constructor(readonly heatId: number) {}

  /**
   * Reads the heat and its event. A network failure or an unavailable hub (the stadium Wi-Fi drops as
   * the screen opens) is retried, backing off up to 5 s, until it succeeds or `signal` aborts.
   */
  async load(signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal?.aborted; attempt++) {
      try {
        const snap = await api.get<HeatSnapshot>(`/api/heats/${this.heatId}`);
        this.apply(snap);
        this.event = await api.get<Event>(`/api/events/${snap.eventId}`);
        this.loadError = null;
        return;
      } catch (err) {
        const retry = err instanceof ApiError && (err.status === 0 || err.status === 503);
        this.loadError = retry ? `${messageOf(err)} (trying again)` : messageOf(err);
        if (!retry) return;
      }
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 5_000)));
    }
  }

  /** A snapshot from the hub; an older version than the one shown is ignored. */
  apply(snap: HeatSnapshot): void {
    if (snap.heatId !== this.heatId) return;
    if (this.snapshot && snap.version < this.snapshot.version) return;
    this.snapshot = snap;
    if (!this.windEdited) this.wind = snap.windMps === null ? '' : snap.windMps.toFixed(1);
  }

  get official(): boolean {
    return this.snapshot?.status === 'official';
  }

  /** Start list rows by lane. */
  get lanes(): SnapshotRow[] {
    return (this.snapshot?.rows ?? []).toSorted((a, b) => a.lane - b.lane);
  }

  get windMeasured(): boolean {
    return this.event?.windMeasured ?? false;
  }

  /** The hub's values overlaid by the newest waiting outbox submission for the entry. */
  values(row: SnapshotRow): RowValues {
    let v: RowValues = { status: row.status, timeMs: row.timeMs, dqRule: row.dqRule, reactionMs: row.reactionMs };
    for (const item of outbox.waiting) {
      if (item.kind !== 'results' || item.heatId !== this.heatId) continue;
      const r = item.payload.results.find((x) => x.entryId === row.entryId);
      if (r) v = { status: r.status, timeMs: r.timeMs ?? null, dqRule: r.dqRule ?? null, reactionMs: r.reactionMs ?? null };
    }
    return v;
  }

  draft(row: SnapshotRow): Draft {
    return this.drafts[row.entryId] ?? draftOf(this.values(row));
  }

  /** The operator typed something that differs from the row's saved or waiting values. */
  edited(row: SnapshotRow): boolean {
    const d = this.drafts[row.entryId];
    if (!d) return false;
    const base = draftOf(this.values(row));
    return d.mark.trim() !== base.mark || d.rule.trim() !== base.rule || d.reaction.trim() !== base.reaction;
  }

  setDraft(row: SnapshotRow, field: DraftField, value: string): void {
    this.drafts = { ...this.drafts, [row.entryId]: { ...this.draft(row), [field]: value } };
    const { [`${row.entryId}.${field}`]: _gone, ...rest } = this.errors;
    this.errors = rest;
  }

  /** Forgets the draft of a row (Escape). */
  revert(row: SnapshotRow): void {
    const { [row.entryId]: _gone, ...rest } = this.drafts;
    this.drafts = rest;
    this.errors = Object.fromEntries(Object.entries(this.errors).filter(([k]) => !k.startsWith(`${row.entryId}.`)));
  }

  setWind(text: string): void {
    this.wind = text;
    this.windEdited = true;
    this.windError = null;
  }

  /** A draft as a result to send, or the messages for its fields. */
  toResult(entryId: number, d: Draft): { result: ResultInput } | { errors: Record<string, string> } {
    const errors: Record<string, string> = {};
    const mark = d.mark.trim() === '' ? null : parseMark(d.mark);
    if (d.mark.trim() === '') errors.mark = 'type a time, or s (DNS), f (DNF), q (DQ)';
    else if (!mark) errors.mark = `"${d.mark.trim()}" is not a time (10.52, 1052, 1:45.32) nor DNS/DNF/DQ`;
    const reaction = parseReaction(d.reaction);
    if (reaction === null) errors.reaction = 'a reaction like 0.145 (seconds) or 145 (thousandths)';
    const rule = d.rule.trim();
    if (mark?.status === 'DQ' && rule === '') errors.rule = 'a DQ needs the rule, e.g. TR16.8';
    if (rule.length > 40) errors.rule = 'at most 40 characters';
    if (!mark || Object.keys(errors).length) return { errors };
    return {
      result: {
        entryId, status: mark.status, timeMs: mark.timeMs, reactionMs: reaction ?? null,
        dqRule: mark.status === 'DQ' ? rule : null,
      },
    };
  }

  private windForSubmit(): { windMps?: number } | null {
    if (!this.windMeasured) return {};
    const w = parseWind(this.wind);
    if (w === null) {
      this.windError = 'wind in m/s, e.g. +1.2 or -0.4';
      return null;
    }
    if (w === undefined || w === this.snapshot?.windMps) return {};
    return { windMps: w };
  }

  /**
   * Validates the drafts of the given rows and puts them in the outbox as ONE submission.
   * Returns the item, or null when a field needs fixing (messages are set beside the fields).
   */
  submit(rows: SnapshotRow[], drafts: Record<number, Draft> = this.drafts): OutboxItem | null {
    const results: ResultInput[] = [];
    let errors: Record<string, string> = { ...this.errors };
    for (const row of rows) {
      const d = drafts[row.entryId] ?? this.draft(row);
      const out = this.toResult(row.entryId, d);
      if ('errors' in out) errors = { ...errors, ...Object.fromEntries(Object.entries(out.errors).map(([f, m]) => [`${row.entryId}.${f}`, m])) };
      else results.push(out.result);
    }
    this.errors = errors;
    const wind = this.windForSubmit();
    if (results.length !== rows.length || !wind || rows.length === 0) return null;
    const label = `${this.title}: ${rows.length === 1 ? describe(rows[0]!, results[0]!) : `${rows.length} results`}`;
    const item = outbox.submitResults(this.heatId, { ...wind, results }, label);
    this.windEdited = false;
    const sent = new Set(rows.map((r) => r.entryId));
    this.drafts = Object.fromEntries(Object.entries(this.drafts).filter(([id]) => !sent.has(Number(id))));
    return item;
  }

  /** Every row with an edit: "Submit heat" sends them together. */
  get editedRows(): SnapshotRow[] {
    return this.lanes.filter((r) => this.edited(r));
  }

  get title(): string {
    const s = this.snapshot;
    return s ? `${s.eventName} ${s.round} ${s.heatNumber}` : `heat ${this.heatId}`;
  }

  /** The ranking as it will be: drafts that read well, else waiting submissions, else the hub's. */
  get preview(): PreviewRow[] {
    const timing = this.event ?? { kind: 'track' as const, distanceM: null, handTimed: false };
    const rows = this.lanes.map((row) => {
      let v = this.values(row);
      const d = this.drafts[row.entryId];
      if (d && this.edited(row)) {
        const out = this.toResult(row.entryId, d);
        if ('result' in out) v = { status: out.result.status, timeMs: out.result.timeMs ?? null, dqRule: out.result.dqRule ?? null, reactionMs: out.result.reactionMs ?? null };
      }
      return { entryId: row.entryId, lane: row.lane, bib: row.bib, name: row.name, country: row.country, ...v };
    });
    const wind = parseWind(this.wind);
    return rankHeat(rows, { windMeasured: this.windMeasured, windMps: typeof wind === 'number' ? wind : this.snapshot?.windMps ?? null }).map((r) => ({
      ...r,
      time: r.timeMs === null ? null : officialTime(r.timeMs, timing),
    }));
  }

  falseStart(row: SnapshotRow): boolean {
    const r = parseReaction(this.draft(row).reaction);
    return typeof r === 'number' && isPossibleFalseStart(r);
  }
}

function describe(row: SnapshotRow, r: ResultInput): string {
  const what = r.status === 'OK' ? markText({ status: 'OK', timeMs: r.timeMs ?? null }) : r.status === 'DQ' ? `DQ ${r.dqRule ?? ''}` : r.status;
  return `lane ${row.lane} (bib ${row.bib}) ${what}`;
}
