// From the peer benchmark specification; carried over unchanged below this line.
//
// Polars lazy-API twins of queries.sql (same ids, same output columns in the same order).
// Each entry is a function (pl, scans) -> LazyDataFrame; building the plan is part of the
// timed region, as parsing/binding is for DuckDB.
//
// Literal typing matters in nodejs-polars: a bare JS number is a Float64 literal, which
// makes Polars cast an integer column to Float64 before comparing. The helpers below
// produce typed literals so that the plans compare like with like (checked with
// describeOptimizedPlan: "col("l_partkey") <= 1000", "col("l_shipdate") <= 1998-09-02").
"use strict";

module.exports = function makeQueries(pl) {
	const col = pl.col;
	const i64 = (n) => pl.lit(n).cast(pl.Int64);
	const f64 = (x) => pl.lit(x); // JS numbers are already Float64
	const date = (s) => {
		const [y, m, d] = s.split("-").map(Number);
		return pl.lit(new Date(Date.UTC(y, m - 1, d))).cast(pl.Date);
	};
	const revenue = () => col("l_extendedprice").mul(f64(1).sub(col("l_discount")));

	return {
		Q1: (s) =>
			s.lineitem
				.filter(col("l_shipdate").ltEq(date("1998-09-02")))
				.groupBy(["l_returnflag", "l_linestatus"])
				.agg(
					col("l_quantity").sum().alias("sum_qty"),
					col("l_extendedprice").sum().alias("sum_base_price"),
					revenue().sum().alias("sum_disc_price"),
					revenue().mul(f64(1).add(col("l_tax"))).sum().alias("sum_charge"),
					col("l_quantity").mean().alias("avg_qty"),
					col("l_extendedprice").mean().alias("avg_price"),
					col("l_discount").mean().alias("avg_disc"),
					pl.len().alias("count_order"),
				)
				.sort(["l_returnflag", "l_linestatus"]),

		Q2: (s) =>
			s.lineitem
				.filter(col("l_partkey").gtEq(i64(1000)).and(col("l_partkey").ltEq(i64(2999))))
				.select(
					"l_orderkey", "l_linenumber", "l_partkey", "l_quantity",
					"l_extendedprice", "l_shipdate", "l_shipmode", "l_comment",
				),

		Q3: (s) => {
			const o = s.orders
				.filter(col("o_orderdate").gtEq(date("1995-01-01")).and(col("o_orderdate").lt(date("1995-07-01"))))
				.select("o_orderkey", "o_orderpriority");
			const p = s.part.filter(col("p_type").str.endsWith("BRASS")).select("p_partkey", "p_brand");
			return s.lineitem
				.select("l_orderkey", "l_partkey", "l_extendedprice", "l_discount")
				.join(o, { leftOn: "l_orderkey", rightOn: "o_orderkey", how: "inner" })
				.join(p, { leftOn: "l_partkey", rightOn: "p_partkey", how: "inner" })
				.groupBy(["p_brand", "o_orderpriority"])
				.agg(pl.len().alias("cnt"), revenue().sum().alias("revenue"))
				.sort(["p_brand", "o_orderpriority"]);
		},

		Q4: (s) =>
			s.lineitem
				.groupBy("l_orderkey")
				.agg(col("l_quantity").sum().alias("sum_qty"), pl.len().alias("cnt"))
				.filter(col("sum_qty").gt(f64(250)))
				.sort("l_orderkey"),

		Q5: (s) =>
			s.lineitem
				.filter(col("l_shipdate").gtEq(date("1996-01-01")).and(col("l_shipdate").lt(date("1996-04-01"))))
				.select(
					"l_suppkey", "l_orderkey", "l_linenumber", "l_extendedprice",
					col("l_extendedprice").rank({ method: "min", descending: true }).over("l_suppkey").alias("rnk"),
				)
				.filter(col("rnk").ltEq(pl.lit(3).cast(pl.UInt32)))
				.sort(["l_suppkey", "rnk", "l_orderkey", "l_linenumber"]),

		Q6: (s) =>
			s.lineitem
				.filter(
					col("l_shipdate").gtEq(date("1994-01-01"))
						.and(col("l_shipdate").lt(date("1995-01-01")))
						.and(col("l_discount").gtEq(f64(0.05)))
						.and(col("l_discount").ltEq(f64(0.07)))
						.and(col("l_quantity").lt(f64(24))),
				)
				.select(col("l_extendedprice").mul(col("l_discount")).sum().alias("revenue")),

		Q7: (s) =>
			s.lineitem_hive
				.filter(col("l_shipyear").eq(i64(1995)))
				.groupBy("l_shipmode")
				.agg(
					pl.len().alias("cnt"),
					col("l_extendedprice").sum().alias("sum_price"),
					col("l_discount").mean().alias("avg_disc"),
				)
				.sort("l_shipmode"),

		Q8: (s) =>
			s.lineitem
				.select("l_orderkey", "l_linenumber", "l_extendedprice", "l_shipdate", "l_comment")
				.sort(["l_extendedprice", "l_orderkey", "l_linenumber"], [true, false, false])
				.head(100),

		Q9: (s) =>
			s.lineitem
				.groupBy("l_shipmode")
				.agg(col("l_orderkey").nUnique().alias("n_orders"), col("l_partkey").nUnique().alias("n_parts"))
				.sort("l_shipmode"),

	};
};
