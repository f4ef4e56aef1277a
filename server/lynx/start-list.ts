// What the start-list files are written from: plain data read by server/db/repos/lynx.ts.

export interface LynxCompetitor {
  /** FinishLynx competitor ID: the athlete's bib in the meet (what the camera operator reads). */
  id: string;
  lastName: string;
  firstName: string;
  /** Country code (IOC), what international results show next to a name. */
  affiliation: string;
}

export interface LynxRace {
  eventNumber: number;
  /** FinishLynx round number (numbering.ts). */
  round: number;
  heat: number;
  eventName: string;
  distanceM: number | null;
  lanes: (LynxCompetitor & { lane: number })[];
}
