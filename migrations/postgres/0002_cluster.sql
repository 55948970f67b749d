-- Several instances on one database: members (a heartbeat per running process) and claims
-- (one member at a time works on a named thing: an input file, a job to finish, a pull-mode
-- partner). A member is alive while its heartbeat is younger than the claim expiry, by the
-- database's clock. A claim is granted when nobody holds it, its holder is dead, or the
-- claiming run holds it already; it is deleted when the work is done.
-- The first design's file_claims (never used) is replaced by these.
DROP TABLE file_claims;

CREATE TABLE members (
    name text COLLATE "C" PRIMARY KEY,
    run text NOT NULL,
    beat_at timestamptz NOT NULL
);

CREATE TABLE claims (
    key text COLLATE "C" PRIMARY KEY,          -- file: PARTNER␟PATH; lease: remote␟PARTNER
    holder text NOT NULL,                      -- the member's name
    run text NOT NULL,                         -- and its run
    since timestamptz NOT NULL
);

-- Small records every instance reads and changes in one step (login lockouts); a row may be
-- forgotten once expires_ms (ms since the epoch) has passed.
CREATE TABLE shared_records (
    key text COLLATE "C" PRIMARY KEY,
    value text NOT NULL,
    expires_ms bigint NOT NULL
);
