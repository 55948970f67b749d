-- Wharf's shared store, first version. Keys are compared byte by byte (COLLATE "C"), as in the
-- embedded store, so every listing comes in the same order on both back-ends. Records are the
-- same JSON the embedded store keeps (text, so they read back exactly as written).

CREATE TABLE orders (
    key text COLLATE "C" PRIMARY KEY,          -- SOURCE␟ORDER_NO
    value text NOT NULL
);

-- A cust_ref names one order only, across every cart.
CREATE TABLE cust_refs (
    cust_ref text COLLATE "C" PRIMARY KEY,
    order_key text COLLATE "C" NOT NULL
);

-- What processing one input decided: a crash at any point replays this plan.
CREATE TABLE jobs (
    key text COLLATE "C" PRIMARY KEY,          -- PARTNER␟PATH under in/
    value text NOT NULL
);

-- The outputs of a job's plan already written, one small row each.
CREATE TABLE written (
    job text COLLATE "C" NOT NULL,
    idx integer NOT NULL,
    PRIMARY KEY (job, idx)
);

-- Decisions begun and not finished (poison files).
CREATE TABLE attempts (
    key text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE deliveries (
    key text COLLATE "C" PRIMARY KEY,          -- PARTNER␟NAME under out/
    taken boolean NOT NULL,
    value text NOT NULL
);
CREATE INDEX deliveries_untaken ON deliveries (key) WHERE NOT taken;

CREATE TABLE catalog (
    warehouse text COLLATE "C" NOT NULL,
    sku text COLLATE "C" NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (warehouse, sku)
);

CREATE TABLE held (
    order_key text COLLATE "C" PRIMARY KEY,
    warehouse text COLLATE "C" NOT NULL
);

CREATE TABLE inventory_levels (
    warehouse text COLLATE "C" NOT NULL,
    sku text COLLATE "C" NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (warehouse, sku)
);

CREATE TABLE api_requests (
    api_user text COLLATE "C" NOT NULL,
    idem_key text COLLATE "C" NOT NULL,
    at_ms bigint NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (api_user, idem_key)
);
CREATE INDEX api_requests_by_time ON api_requests (at_ms);

-- The pull-mode ledger.
CREATE TABLE remote_fetched (
    partner text COLLATE "C" NOT NULL,
    path text COLLATE "C" NOT NULL,
    size bigint NOT NULL,
    mtime bigint NOT NULL,
    PRIMARY KEY (partner, path)
);
CREATE TABLE remote_dropped (
    partner text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    remote_path text NOT NULL,
    PRIMARY KEY (partner, name)
);

-- Order summaries: the line the console lists, and what it is sorted and counted by.
CREATE TABLE order_summaries (
    key text COLLATE "C" PRIMARY KEY,
    status text COLLATE "C" NOT NULL,
    since_ms bigint NOT NULL,
    first_ms bigint NOT NULL,
    first_day text COLLATE "C" NOT NULL,
    source text COLLATE "C" NOT NULL,
    line text NOT NULL
);
CREATE INDEX order_summaries_by_status ON order_summaries (status, since_ms, key);
CREATE INDEX order_summaries_by_time ON order_summaries (first_ms, key);
CREATE INDEX order_summaries_by_day ON order_summaries (first_day, status);
CREATE INDEX order_summaries_by_source ON order_summaries (source, status);

-- What operations watch.
CREATE TABLE partner_activity (
    partner text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE file_days (
    day text COLLATE "C" NOT NULL,
    partner text COLLATE "C" NOT NULL,
    outcome text COLLATE "C" NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (day, partner, outcome)
);
CREATE TABLE alert_states (
    key text COLLATE "C" PRIMARY KEY,          -- ALERT␟INSTANCE
    value text NOT NULL
);
CREATE TABLE alert_log (
    seq bigserial PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE health_probe (
    id integer PRIMARY KEY,
    at_ms bigint NOT NULL
);

-- File claims: an instance inserts (partner, path, file hash) before it decides an input
-- (INSERT … ON CONFLICT DO NOTHING); the one whose row went in decides it, the others leave
-- the file alone. A claim whose owner stopped renewing it (expires_at passed) may be taken
-- over, and the new owner finishes the recorded plan. The row goes with the job, in the
-- transaction that settles the input.
CREATE TABLE file_claims (
    partner text COLLATE "C" NOT NULL,
    path text COLLATE "C" NOT NULL,
    file_hash text NOT NULL,
    owner text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (partner, path)
);
CREATE INDEX file_claims_by_expiry ON file_claims (expires_at);
