-- PostGraphile's side of the dashboard bench: what linehub checks in Python, checked by
-- PostgreSQL for the role PostGraphile sets. Run once on the bench's throwaway database.
-- roles belong to the server, not to the database: made once, kept (it can log in nowhere)
DO $$ BEGIN
  CREATE ROLE linehub_bench_viewer NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
GRANT USAGE ON SCHEMA public TO linehub_bench_viewer;
GRANT SELECT ON line, contract, tariff, allowance, line_service, service TO linehub_bench_viewer;

-- the person of a live session the token names (no row: no access at all)
CREATE FUNCTION linehub_viewer() RETURNS int STABLE LANGUAGE sql SECURITY DEFINER AS $$
  SELECT s.user_id FROM session s
  WHERE s.id = nullif(current_setting('linehub.session_id', true), '')::uuid
    AND s.user_id = nullif(current_setting('linehub.user_id', true), '')::int
    AND s.revoked_at IS NULL AND s.expires_at > now()
$$;

-- held contracts, own number, live grants: the UNION linehub runs (models/access/facts.py)
CREATE FUNCTION linehub_visible_line_ids() RETURNS SETOF int STABLE LANGUAGE sql
SECURITY DEFINER AS $$
  WITH viewer AS (SELECT linehub_viewer() AS id)
  SELECT l.id FROM line l WHERE l.contract_id IN
    (SELECT c.id FROM contract c, viewer WHERE c.holder_id = viewer.id)
  UNION SELECT l.id FROM line l, viewer WHERE l.user_id = viewer.id
  UNION SELECT g.line_id FROM line_grant g, viewer
    WHERE g.grantee_id = viewer.id AND g.status = 'ACTIVE' AND g.revoked_at IS NULL
$$;

ALTER TABLE line ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON line FOR SELECT USING (id IN (SELECT linehub_visible_line_ids()));
ALTER TABLE allowance ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON allowance FOR SELECT
  USING (line_id IN (SELECT linehub_visible_line_ids()));
ALTER TABLE line_service ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON line_service FOR SELECT
  USING (line_id IN (SELECT linehub_visible_line_ids()));
ALTER TABLE contract ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON contract FOR SELECT
  USING (id IN (SELECT contract_id FROM line WHERE id IN (SELECT linehub_visible_line_ids())));

-- PostgreSQL's own geometric type is called `line` too: give the table another GraphQL name
COMMENT ON TABLE line IS E'@name subscriberLine';
