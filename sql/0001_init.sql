-- AthSys Live schema, version 1.
-- Conventions: bigint identity ids, timestamptz, text + CHECK instead of enums (forward-only changes
-- stay simple), times as integer thousandths of a second, wind as numeric(4,1) m/s.

CREATE TABLE users (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email              text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' in email) > 1),
  password_hash      text NOT NULL,
  role               text NOT NULL CHECK (role IN ('admin', 'chief_registrar', 'registrar', 'starter', 'coach', 'athlete', 'viewer')),
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  two_factor_enabled boolean NOT NULL DEFAULT false,
  two_factor_secret  text,
  last_login_at      timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_ci ON users (lower(email));
CREATE INDEX users_role ON users (role);

CREATE TABLE sessions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE athletes (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  first_name    text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
  last_name     text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
  country       char(3) NOT NULL CHECK (country ~ '^[A-Z]{3}$'),
  birth_date    date CHECK (birth_date > '1900-01-01'),
  gender        text NOT NULL CHECK (gender IN ('M', 'F', 'X')),
  club          text CHECK (length(club) <= 200),
  coach_name    text CHECK (length(coach_name) <= 200),
  coach_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  contact_email text CHECK (length(contact_email) <= 254),
  contact_phone text CHECK (length(contact_phone) <= 40),
  user_id       bigint UNIQUE REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX athletes_last_name ON athletes (lower(last_name), lower(first_name));
CREATE INDEX athletes_country ON athletes (country);
CREATE INDEX athletes_club ON athletes (lower(club));
CREATE INDEX athletes_coach ON athletes (coach_user_id) WHERE coach_user_id IS NOT NULL;

CREATE TABLE meets (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  start_date            date NOT NULL,
  end_date              date NOT NULL,
  venue                 text NOT NULL DEFAULT '' CHECK (length(venue) <= 200),
  status                text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'live', 'finished', 'cancelled')),
  registration_open     boolean NOT NULL DEFAULT false,
  registration_deadline timestamptz,
  -- Points for places 1..n, e.g. {10,8,6,5,4,3,2,1}; tied athletes share the points of the places they cover.
  points_scheme         integer[] NOT NULL DEFAULT '{10,8,6,5,4,3,2,1}',
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date >= start_date),
  CHECK (cardinality(points_scheme) <= 64)
);
CREATE INDEX meets_start ON meets (start_date DESC);

CREATE TABLE events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meet_id          bigint NOT NULL REFERENCES meets (id) ON DELETE CASCADE,
  discipline       text NOT NULL CHECK (discipline ~ '^[A-Za-z0-9 .x-]{1,20}$'),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  gender           text NOT NULL CHECK (gender IN ('M', 'F', 'X')),
  age_group        text NOT NULL DEFAULT 'Senior' CHECK (length(age_group) BETWEEN 1 AND 40),
  kind             text NOT NULL CHECK (kind IN ('track', 'field', 'road')),
  distance_m       integer CHECK (distance_m > 0 AND distance_m <= 1000000),
  wind_measured    boolean NOT NULL DEFAULT false,
  hand_timed       boolean NOT NULL DEFAULT false,
  scheduled_at     timestamptz,
  max_participants integer CHECK (max_participants > 0),
  status           text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'in_progress', 'finished', 'cancelled')),
  -- Stable number for timing systems (FinishLynx event number); never reused within a meet.
  event_number     integer NOT NULL CHECK (event_number > 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (meet_id, event_number),
  UNIQUE (id, meet_id)
);
CREATE INDEX events_meet_schedule ON events (meet_id, scheduled_at);

-- An athlete's bib is per meet: the same bib in every event they enter, unique within the meet.
CREATE TABLE meet_athletes (
  meet_id    bigint NOT NULL REFERENCES meets (id) ON DELETE CASCADE,
  athlete_id bigint NOT NULL REFERENCES athletes (id) ON DELETE RESTRICT,
  bib        text NOT NULL CHECK (bib ~ '^[A-Za-z0-9-]{1,8}$'),
  PRIMARY KEY (meet_id, athlete_id),
  UNIQUE (meet_id, bib)
);

CREATE TABLE entries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id         bigint NOT NULL,
  meet_id          bigint NOT NULL,
  athlete_id       bigint NOT NULL,
  status           text NOT NULL DEFAULT 'entered' CHECK (status IN ('entered', 'confirmed', 'scratched')),
  checked_in       boolean NOT NULL DEFAULT false,
  checked_in_at    timestamptz,
  -- Seed mark: thousandths of a second for track/road, millimetres for field.
  seed_mark        integer CHECK (seed_mark > 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, athlete_id),
  UNIQUE (id, event_id),
  FOREIGN KEY (event_id, meet_id) REFERENCES events (id, meet_id) ON DELETE CASCADE,
  FOREIGN KEY (meet_id, athlete_id) REFERENCES meet_athletes (meet_id, athlete_id) ON UPDATE CASCADE
);
CREATE INDEX entries_athlete ON entries (athlete_id);

CREATE TABLE heats (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id     bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  round        text NOT NULL CHECK (round IN ('heat', 'semi', 'final')),
  number       integer NOT NULL CHECK (number BETWEEN 1 AND 99),
  scheduled_at timestamptz,
  status       text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'started', 'finished', 'official')),
  wind_mps     numeric(4, 1) CHECK (wind_mps BETWEEN -99.9 AND 99.9),
  started_at   timestamptz,
  -- Bumped on every change a viewer can see; snapshots carry it so clients drop stale updates.
  version      bigint NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, round, number),
  UNIQUE (id, event_id, round)
);

-- Lane (track) or start order (field, road) of an entry in a heat; an entry runs one heat per round.
CREATE TABLE heat_lanes (
  heat_id  bigint NOT NULL,
  event_id bigint NOT NULL,
  round    text NOT NULL,
  entry_id bigint NOT NULL,
  lane     integer NOT NULL CHECK (lane BETWEEN 1 AND 999),
  PRIMARY KEY (heat_id, entry_id),
  UNIQUE (heat_id, lane),
  UNIQUE (entry_id, round),
  FOREIGN KEY (heat_id, event_id, round) REFERENCES heats (id, event_id, round) ON DELETE CASCADE,
  FOREIGN KEY (entry_id, event_id) REFERENCES entries (id, event_id) ON DELETE CASCADE
);

CREATE TABLE results (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  heat_id       bigint NOT NULL,
  entry_id      bigint NOT NULL,
  time_ms       integer CHECK (time_ms > 0 AND time_ms < 86400000),
  status        text NOT NULL CHECK (status IN ('OK', 'DNS', 'DNF', 'DQ')),
  dq_rule       text CHECK (length(dq_rule) BETWEEN 1 AND 40),
  reaction_ms   integer CHECK (reaction_ms BETWEEN 0 AND 10000),
  wind_mps      numeric(4, 1),
  -- Judges' place when a timing system supplies one (it overrides places computed from times).
  judged_place  integer CHECK (judged_place > 0),
  place         integer CHECK (place > 0),
  points        numeric(6, 2),
  flags         text[] NOT NULL DEFAULT '{}',
  qualification text CHECK (qualification IN ('Q', 'q', 'qR', 'qJ', 'qD')),
  source        text NOT NULL DEFAULT 'console' CHECK (source IN ('console', 'rest', 'lynx', 'import')),
  revision      integer NOT NULL DEFAULT 1 CHECK (revision > 0),
  entered_by    bigint REFERENCES users (id) ON DELETE SET NULL,
  entered_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (heat_id, entry_id),
  FOREIGN KEY (heat_id, entry_id) REFERENCES heat_lanes (heat_id, entry_id) ON DELETE RESTRICT,
  CHECK ((status = 'OK') = (time_ms IS NOT NULL)),
  CHECK ((status = 'DQ') = (dq_rule IS NOT NULL))
);

-- Every earlier value of a result, written in the same transaction as the change.
CREATE TABLE result_revisions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  result_id   bigint NOT NULL REFERENCES results (id) ON DELETE CASCADE,
  revision    integer NOT NULL,
  time_ms     integer,
  status      text NOT NULL,
  dq_rule     text,
  reaction_ms integer,
  wind_mps    numeric(4, 1),
  source      text NOT NULL,
  entered_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  entered_at  timestamptz NOT NULL,
  UNIQUE (result_id, revision)
);

-- Answers to writes, by client-chosen key, so a retried write returns the first answer and changes nothing.
CREATE TABLE idempotency_keys (
  key          text PRIMARY KEY CHECK (length(key) BETWEEN 8 AND 200),
  user_id      bigint REFERENCES users (id) ON DELETE SET NULL,
  request_hash text NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     bigint REFERENCES users (id) ON DELETE SET NULL,
  actor_email text,
  action      text NOT NULL,
  entity_type text,
  entity_id   text,
  details     jsonb NOT NULL DEFAULT '{}',
  ip          text,
  user_agent  text
);
CREATE INDEX audit_at ON audit_log (at DESC);
CREATE INDEX audit_user_at ON audit_log (user_id, at DESC);
CREATE INDEX audit_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_action_at ON audit_log (action, at DESC);
