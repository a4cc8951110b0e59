-- Statistics for the two indexes migration 14 added. A database that has statistics for its
-- other indexes (ANALYZE ran on it) would otherwise take the new ones, unmeasured, for the most
-- selective, and read a whole application through them to sort it by email: 1.7 s instead of
-- 1 ms for a first page at 10^6 users. Without statistics elsewhere, these only make the new
-- indexes look as unselective as they are.
ANALYZE eu_login_rank;
ANALYZE eu_view_login_rank;
