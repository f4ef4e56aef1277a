-- Qualification rules per round, and what the live pipeline needs to find heats fast.

-- How a round feeds the next: the first N of each heat by place (Q) and the next M fastest (q).
CREATE TABLE event_rounds (
  event_id         bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  round            text NOT NULL CHECK (round IN ('heat', 'semi', 'final')),
  qualify_by_place integer NOT NULL DEFAULT 0 CHECK (qualify_by_place BETWEEN 0 AND 99),
  qualify_by_time  integer NOT NULL DEFAULT 0 CHECK (qualify_by_time BETWEEN 0 AND 99),
  -- Places in the next round (all its heats' lanes): whether athletes tied for the last q all fit.
  next_round_capacity integer CHECK (next_round_capacity BETWEEN 1 AND 999),
  PRIMARY KEY (event_id, round)
);

CREATE INDEX heats_event_round ON heats (event_id, round, number);
CREATE INDEX results_entry ON results (entry_id);
CREATE INDEX heats_active ON heats (updated_at DESC) WHERE status IN ('started', 'finished');
