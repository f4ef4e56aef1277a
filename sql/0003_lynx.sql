-- FinishLynx results files (.lif) imported into heats, by content. A file that comes again (a bridge
-- restart, a network retry, an operator who saves twice) is recognised by its hash and changes nothing;
-- a file that differs from the heat's last import is applied through the one ingest path (and a file
-- that goes back to earlier content after another one is applied again, as the operator meant).

CREATE TABLE lynx_imports (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  heat_id         bigint NOT NULL REFERENCES heats (id) ON DELETE CASCADE,
  -- sha256 of the file's bytes, hex.
  content_hash    text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  -- The key the import was submitted under (idempotency_keys.key): lif-<hash>[-<previous import id>].
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 200),
  file_name       text CHECK (length(file_name) BETWEEN 1 AND 255),
  heat_version    bigint NOT NULL,
  result_count    integer NOT NULL CHECK (result_count >= 0),
  imported_by     bigint REFERENCES users (id) ON DELETE SET NULL,
  imported_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (heat_id, idempotency_key)
);
CREATE INDEX lynx_imports_heat ON lynx_imports (heat_id, id DESC);
CREATE INDEX lynx_imports_hash ON lynx_imports (content_hash);
