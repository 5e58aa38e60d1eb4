-- From the peer benchmark specification; carried over unchanged below this line.
--
-- Peer benchmark queries, DuckDB SQL side. The Polars lazy-API twin of each query is in
-- polars_queries.js under the same id; keep the two in step.
--
-- Format read by duck_runner.cpp and bench.js: a header line
--   -- @<id> <ordered|unordered> | <description>
-- then the SQL up to the next header. "ordered" = the result order is defined by the
-- query (ORDER BY), so the checksum also compares row positions.
--
-- Tables are views created by the runner over the Parquet files:
--   lineitem, orders, part, supplier      -> read_parquet('<data>/<name>.parquet')
--   lineitem_hive                         -> read_parquet('<data>/lineitem_hive/*/*.parquet', hive_partitioning = true)

-- @Q1 ordered | TPC-H Q1: grouped aggregate over lineitem with a date filter (98.6% of rows)
SELECT l_returnflag, l_linestatus,
       sum(l_quantity) AS sum_qty,
       sum(l_extendedprice) AS sum_base_price,
       sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
       sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
       avg(l_quantity) AS avg_qty,
       avg(l_extendedprice) AS avg_price,
       avg(l_discount) AS avg_disc,
       count(*) AS count_order
FROM lineitem
WHERE l_shipdate <= DATE '1998-09-02'
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus

-- @Q2 unordered | selective filter + projection: 1% of lineitem rows returned, 8 columns incl. a string
SELECT l_orderkey, l_linenumber, l_partkey, l_quantity, l_extendedprice, l_shipdate, l_shipmode, l_comment
FROM lineitem
WHERE l_partkey BETWEEN 1000 AND 2999

-- @Q3 ordered | join lineitem x orders x part with filters on both dimensions, group-by (TPC-H Q3/Q14 style)
SELECT p_brand, o_orderpriority,
       count(*) AS cnt,
       sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM lineitem
JOIN orders ON l_orderkey = o_orderkey
JOIN part ON l_partkey = p_partkey
WHERE o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1995-07-01'
  AND p_type LIKE '%BRASS'
GROUP BY p_brand, o_orderpriority
ORDER BY p_brand, o_orderpriority

-- @Q4 ordered | high-cardinality group-by on l_orderkey (1.5M groups) with HAVING (TPC-H Q18 inner)
SELECT l_orderkey, sum(l_quantity) AS sum_qty, count(*) AS cnt
FROM lineitem
GROUP BY l_orderkey
HAVING sum(l_quantity) > 250
ORDER BY l_orderkey

-- @Q5 ordered | window: rank() within l_suppkey on a filtered subset (one quarter of ship dates), keep top 3
SELECT l_suppkey, l_orderkey, l_linenumber, l_extendedprice, rnk
FROM (
  SELECT l_suppkey, l_orderkey, l_linenumber, l_extendedprice,
         rank() OVER (PARTITION BY l_suppkey ORDER BY l_extendedprice DESC) AS rnk
  FROM lineitem
  WHERE l_shipdate >= DATE '1996-01-01' AND l_shipdate < DATE '1996-04-01'
) t
WHERE rnk <= 3
ORDER BY l_suppkey, rnk, l_orderkey, l_linenumber

-- @Q6 ordered | TPC-H Q6: sum(extendedprice * discount) with range filters
SELECT sum(l_extendedprice * l_discount) AS revenue
FROM lineitem
WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
  AND l_discount BETWEEN 0.05 AND 0.07
  AND l_quantity < 24

-- @Q7 ordered | Hive-partitioned lineitem (by l_shipyear): one partition of seven read, grouped aggregate
SELECT l_shipmode, count(*) AS cnt, sum(l_extendedprice) AS sum_price, avg(l_discount) AS avg_disc
FROM lineitem_hive
WHERE l_shipyear = 1995
GROUP BY l_shipmode
ORDER BY l_shipmode

-- @Q8 ordered | top-N: ORDER BY extendedprice DESC LIMIT 100 over all of lineitem
SELECT l_orderkey, l_linenumber, l_extendedprice, l_shipdate, l_comment
FROM lineitem
ORDER BY l_extendedprice DESC, l_orderkey, l_linenumber
LIMIT 100

-- @Q9 ordered | count distinct: distinct orders and parts per ship mode
SELECT l_shipmode, count(DISTINCT l_orderkey) AS n_orders, count(DISTINCT l_partkey) AS n_parts
FROM lineitem
GROUP BY l_shipmode
ORDER BY l_shipmode
