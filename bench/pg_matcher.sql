-- The PostgreSQL baseline of the matching benchmark: the same records as
-- MatchingService's index (services/matching/match_model.h) in two tables,
-- and the score of services/matching/scorer.h written in SQL, so that
-- top-K by ORDER BY score DESC, id LIMIT k gives the engine's answer.
--
-- PgMatcher (bench/pg_matcher.cc) reads this file in sections, each starting
-- with a line "-- name: <section>". Before use it replaces @NAME@ with the
-- scorer's weights (@W_SKILL@ … @W_RETURN@, @MINOR@, @MIDDLE@, @PENALTY@,
-- @REF_WAGE@, @FRESH_S@ = freshness_days x 86400, @RET_BEFORE@,
-- @RET_AFTER@, @RET_DECAY@, @BRAND1@..@BRAND3@ = Scorer::BrandBranch) and
-- assembles the queries: "score" wraps @INNER@ = "top_workers" or "top_vacancies", which
-- paste the fragments @OPEN_VACANCY@, @PAIR_VETO@, @PARTS@ and
-- @CANDIDATES@ ("" for the scan, the *_candidates section for the GIN path).
--
-- Query shape: the cheap vetoes and the filters in the join's WHERE; the
-- certificate veto and part values once per surviving pair (OFFSET 0 keeps
-- the planner from pasting the subqueries into several places); the skill
-- part only after the certificate veto; ORDER BY score DESC, id LIMIT k.
--
-- Representation (filled by PgMatcher::Load*):
--   occupation codes   int, packed 0xD_DD_DD_DD as OccCode
--   regions            "keys": level x 1e9 + the 9-digit padded code; a
--                      region is stored as the array of the keys of its
--                      prefixes at levels 1..its level, so key[l] is its
--                      level-l ancestor, RegionWithin(p, c) is
--                      key(p) = ANY(c_keys) and SharedRegionLevel is the
--                      deepest l with a_keys[l] = b_keys[l]
--   days               int days since 1970-01-01, NULL for kNoDay
-- All arithmetic is integer; PostgreSQL's integer division truncates
-- toward zero as C++'s does.

-- name: schema
DROP TABLE IF EXISTS workers;
DROP TABLE IF EXISTS vacancies;

-- OccMatchDepth(required, held): leading segments shared, where segments
-- the requirement leaves open (zero, after the first) count as shared.
CREATE OR REPLACE FUNCTION occ_depth(r int, h int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN r = 0 OR h = 0 THEN 0
    WHEN (r >> 24) <> 0 AND (r >> 24) <> (h >> 24) THEN 0
    WHEN (r >> 16) & 255 = 0 THEN 4
    WHEN (r >> 16) & 255 <> (h >> 16) & 255 THEN 1
    WHEN (r >> 8) & 255 = 0 THEN 4
    WHEN (r >> 8) & 255 <> (h >> 8) & 255 THEN 2
    WHEN r & 255 = 0 THEN 4
    WHEN r & 255 <> h & 255 THEN 3
    ELSE 4 END
$$;

-- Scorer::Credit: depth credit x level factor / 1000. An unset held level
-- (0) is a self-declared one (1); a required level above 1 is checked.
CREATE OR REPLACE FUNCTION skill_credit(rcode int, rlevel int, hcode int, hlevel int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE occ_depth(rcode, hcode) WHEN 4 THEN 1000 WHEN 3 THEN @MINOR@
                                       WHEN 2 THEN @MIDDLE@ ELSE 0 END)
       * (CASE WHEN rlevel > 1 AND rlevel > greatest(hlevel, 1)
               THEN greatest(0, 1000 - @PENALTY@ * (rlevel - greatest(hlevel, 1)))
               ELSE 1000 END) / 1000
$$;

-- SharedRegionLevel over key arrays (0..4).
CREATE OR REPLACE FUNCTION shared_level(a bigint[], b bigint[]) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a[4] = b[4] THEN 4 WHEN a[3] = b[3] THEN 3
              WHEN a[2] = b[2] THEN 2 WHEN a[1] = b[1] THEN 1 ELSE 0 END
$$;

CREATE TABLE workers (
  id text COLLATE "C" PRIMARY KEY,
  hukou_keys bigint[] NOT NULL,      -- hukou township (any level) as prefix keys
  hukou_key bigint NOT NULL,         -- the full hukou region's key (0 = none)
  cur_keys bigint[] NOT NULL,        -- current work location
  skill_codes int[] NOT NULL,
  skill_levels smallint[] NOT NULL,  -- parallel to skill_codes (v1::SkillLevel)
  skill_keys int[] NOT NULL,         -- GIN: each skill's 大类, 中类, 小类, 细类 codes
  cert_kinds smallint[] NOT NULL,    -- the certificates, parallel arrays
  cert_levels smallint[] NOT NULL,
  cert_verified boolean[] NOT NULL,
  cert_occs int[] NOT NULL,
  cert_expires int[] NOT NULL,       -- NULL elements: does not expire
  cert_names text[] NOT NULL,
  brand smallint NOT NULL,
  status smallint NOT NULL,
  scope smallint NOT NULL,
  return_intent smallint NOT NULL,
  consent_wechat boolean NOT NULL,
  consent_sms boolean NOT NULL,
  accepted_keys bigint[] NOT NULL,   -- the full key of each accepted region
  min_wage_fen bigint NOT NULL,
  available_from int,                -- NULL: any day
  planned_return int                 -- NULL: no return planned
);

CREATE TABLE vacancies (
  id text COLLATE "C" PRIMARY KEY,
  occupation int NOT NULL,
  req_codes int[] NOT NULL,          -- required skills (the occupation when none)
  req_levels smallint[] NOT NULL,
  req_keys int[] NOT NULL,           -- GIN: each requirement's first two segments
  req_wild boolean NOT NULL,         -- a requirement with a zero first segment
  creq_kinds smallint[] NOT NULL,    -- required certificates, parallel arrays
  creq_levels smallint[] NOT NULL,
  creq_occs int[] NOT NULL,
  creq_names text[] NOT NULL,
  loc_keys bigint[] NOT NULL,
  wage_min_fen bigint NOT NULL,
  wage_max_fen bigint NOT NULL,
  remaining int NOT NULL,
  status smallint NOT NULL,
  blacklisted boolean NOT NULL,
  posted_at_s bigint NOT NULL,
  expires_at_s bigint NOT NULL,      -- 0: no expiry
  expires_day int,                   -- Shanghai day of expires_at; NULL: none
  fair_ids text[] NOT NULL
);

-- name: indexes
CREATE INDEX IF NOT EXISTS workers_skill_keys ON workers USING gin (skill_keys);
CREATE INDEX IF NOT EXISTS workers_hukou_key ON workers (hukou_key);
CREATE INDEX IF NOT EXISTS vacancies_req_keys ON vacancies USING gin (req_keys);
CREATE INDEX IF NOT EXISTS vacancies_loc_keys ON vacancies USING gin (loc_keys);
CREATE INDEX IF NOT EXISTS vacancies_fair_ids ON vacancies USING gin (fair_ids);

-- name: open_vacancy
-- The vetoes that depend on the vacancy alone (blacklisted, not_open,
-- expired, no_headcount); $2 is now_s.
NOT v.blacklisted AND v.status = 1 AND (v.expires_at_s = 0 OR v.expires_at_s > $2)
  AND v.remaining > 0

-- name: pair_veto
-- The pair vetoes except certificate (which needs the certificate subquery,
-- evaluated once in @PARTS@): no_consent ($4: 0 none, 1 WeChat, 2 SMS,
-- 3 either), scope, wage, availability ($3 is today).
(CASE $4 WHEN 0 THEN true WHEN 1 THEN w.consent_wechat WHEN 2 THEN w.consent_sms
         ELSE w.consent_wechat OR w.consent_sms END)
AND (cardinality(v.loc_keys) = 0
     OR w.accepted_keys && v.loc_keys
     OR (w.scope <> 6
         AND (w.scope NOT BETWEEN 1 AND 4 OR cardinality(w.hukou_keys) = 0
              OR w.hukou_keys[least(5 - w.scope, cardinality(w.hukou_keys))] = ANY (v.loc_keys))))
AND NOT (w.min_wage_fen > 0 AND (v.wage_min_fen > 0 OR v.wage_max_fen > 0)
         AND greatest(v.wage_min_fen, v.wage_max_fen) < w.min_wage_fen)
AND (v.expires_day IS NULL
     OR coalesce(CASE WHEN w.planned_return > $3 AND w.hukou_keys[3] = v.loc_keys[3]
                      THEN greatest(w.available_from, w.planned_return)
                      ELSE w.available_from END <= v.expires_day, true))

-- name: parts
-- The per-pair columns for a row of (w, v) that passed the other vetoes:
-- cert (-1 = certificate veto) and the part values but skill (computed
-- after the certificate veto, in @SCORE@).
CASE WHEN cardinality(v.creq_kinds) = 0 THEN
  CASE WHEN cardinality(w.cert_kinds) = 0 OR v.occupation & -256 = 0 THEN 0
  ELSE coalesce((SELECT max(CASE WHEN c.verified THEN 1000 ELSE 500 END)
                 FROM unnest(w.cert_occs, w.cert_expires, w.cert_verified) c(occ, exp, verified)
                 WHERE c.occ <> 0 AND (c.exp IS NULL OR c.exp >= $3)
                   AND occ_depth(v.occupation & -256, c.occ) = 4), 0) END
ELSE
  (SELECT CASE WHEN bool_or(q.best IS NULL) THEN -1 ELSE (sum(q.best) / count(*))::int END
   FROM (SELECT (SELECT max(CASE WHEN c.verified THEN 1000 ELSE 500 END)
                 FROM unnest(w.cert_kinds, w.cert_levels, w.cert_verified, w.cert_occs,
                             w.cert_expires, w.cert_names) c(kind, lvl, verified, occ, exp, name)
                 WHERE (c.exp IS NULL OR c.exp >= $3)
                   AND (r.kind = 0 OR c.kind = r.kind)
                   AND CASE WHEN r.occ <> 0 THEN occ_depth(r.occ, c.occ) = 4
                            ELSE r.name = '' OR c.name = r.name END
                   AND (r.lvl <= 1 OR c.lvl >= r.lvl)) AS best
         FROM unnest(v.creq_kinds, v.creq_levels, v.creq_occs, v.creq_names)
              r(kind, lvl, occ, name)) q)
END AS cert,
250 * greatest(shared_level(v.loc_keys, w.hukou_keys), shared_level(v.loc_keys, w.cur_keys))
  AS location,
CASE WHEN v.wage_min_fen > 0 OR v.wage_max_fen > 0 THEN
  least(1000, greatest(0,
    ((CASE WHEN v.wage_min_fen > 0 AND v.wage_max_fen > 0
           THEN (v.wage_min_fen + v.wage_max_fen) / 2
           ELSE greatest(v.wage_min_fen, v.wage_max_fen) END)
     - CASE WHEN w.min_wage_fen > 0 THEN w.min_wage_fen ELSE @REF_WAGE@ END) * 2000
    / CASE WHEN w.min_wage_fen > 0 THEN w.min_wage_fen ELSE @REF_WAGE@ END))::int
ELSE 0 END AS wage,
greatest(0, 1000 - greatest(0, $2 - v.posted_at_s) * 1000 / @FRESH_S@)::int AS freshness,
CASE WHEN occ_depth(CASE w.brand WHEN 1 THEN @BRAND1@ WHEN 2 THEN @BRAND2@
                                 WHEN 3 THEN @BRAND3@ ELSE 0 END, v.occupation) = 4
     THEN 1000 ELSE 0 END AS brand,
-- return_plan (Scorer::ReturnTimeValue): full from @RET_BEFORE@ days before
-- the return, fading with the lead before that, 0 after the window.
CASE WHEN w.return_intent = 1 AND w.planned_return IS NOT NULL
          AND $3 <= w.planned_return + @RET_AFTER@
          AND w.hukou_keys[3] = v.loc_keys[3]
     THEN CASE WHEN w.planned_return - @RET_BEFORE@ - $3 <= 0 THEN 1000
               ELSE (1000::bigint * @RET_DECAY@
                     / (@RET_DECAY@ + (w.planned_return - @RET_BEFORE@ - $3)))::int END
     ELSE 0 END AS return_plan,
w.skill_codes, w.skill_levels, v.req_codes, v.req_levels

-- name: score
-- The outer query over the rows of @PARTS@ with the certificate veto applied:
-- the skill part (Scorer::SkillValue: the mean over the requirements of the
-- best credit of the worker's skills), then the weighted sum. One
-- requirement and one skill (about half the pairs) skip the subquery.
SELECT id, @W_SKILL@::bigint * skill + @W_CERT@::bigint * cert
           + @W_LOCATION@::bigint * location + @W_WAGE@::bigint * wage
           + @W_FRESHNESS@::bigint * freshness + @W_BRAND@::bigint * brand
           + @W_RETURN@::bigint * return_plan AS score,
       skill, cert, location, wage, freshness, brand, return_plan
FROM (SELECT x.*,
             CASE WHEN cardinality(x.req_codes) = 0 OR cardinality(x.skill_codes) = 0 THEN 0
             WHEN cardinality(x.req_codes) = 1 AND cardinality(x.skill_codes) = 1
             THEN skill_credit(x.req_codes[1], x.req_levels[1], x.skill_codes[1], x.skill_levels[1])
             ELSE (SELECT (sum(q.best) / count(*))::int
                   FROM (SELECT (SELECT max(skill_credit(r.code, r.lvl, s.code, s.lvl))
                                 FROM unnest(x.skill_codes, x.skill_levels) s(code, lvl)) AS best
                         FROM unnest(x.req_codes, x.req_levels) r(code, lvl)) q)
             END AS skill
      FROM (@INNER@) x
      WHERE x.cert >= 0
      OFFSET 0) y
ORDER BY score DESC, id
LIMIT $5

-- name: top_workers
-- Workers for vacancy $1. $2 now_s, $3 today, $4 consent, $5 k;
-- filters: $6 hukou township key (NULL: any), $7 employment status
-- (0: any), $8 available-by day (NULL: any; StartDay must be kNoDay or <=).
SELECT w.id, @PARTS@
FROM vacancies v CROSS JOIN workers w
WHERE v.id = $1 AND @OPEN_VACANCY@ AND @PAIR_VETO@
  AND ($6::bigint IS NULL OR w.hukou_key = $6)
  AND ($7::int = 0 OR w.status = $7)
  AND ($8::int IS NULL
       OR coalesce(CASE WHEN w.planned_return > $3 AND w.hukou_keys[3] = v.loc_keys[3]
                        THEN greatest(w.available_from, w.planned_return)
                        ELSE w.available_from END <= $8, true))
  @CANDIDATES@
OFFSET 0

-- name: top_workers_candidates
-- The GIN fast path's restriction: workers with a skill that can earn
-- skill credit (depth >= 2 needs the requirement's first two segments, or
-- its 大类 when it leaves the 中类 open, among the worker's skill keys).
AND w.skill_keys && v.req_keys

-- name: top_vacancies
-- Vacancies for worker $1. $2 now_s, $3 today, $4 consent, $5 k;
-- filters: $6 region-prefix key (NULL: any), $7 packed occupation branch
-- and $8 its mask (NULL: any), $9 wage floor in fen (0: none), $10 fair id
-- (NULL: any).
SELECT v.id, @PARTS@
FROM workers w CROSS JOIN vacancies v
WHERE w.id = $1 AND @OPEN_VACANCY@ AND @PAIR_VETO@
  AND ($6::bigint IS NULL OR v.loc_keys @> ARRAY[$6::bigint])
  AND ($7::int IS NULL OR (v.occupation <> 0 AND v.occupation & $8::int = $7))
  AND ($9::bigint = 0 OR NOT (v.wage_min_fen > 0 OR v.wage_max_fen > 0)
       OR greatest(v.wage_min_fen, v.wage_max_fen) >= $9)
  AND ($10::text IS NULL OR v.fair_ids @> ARRAY[$10::text])
  @CANDIDATES@
OFFSET 0

-- name: top_vacancies_candidates
AND (v.req_keys && w.skill_keys OR v.req_wild)
