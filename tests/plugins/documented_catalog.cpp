// A catalog plugin that sets every documentation field, so `neuralake
// describe` can be checked for each of them.
#include "neuralake/neuralake.h"
#include "neuralake/plugin.h"

namespace nl = neuralake;

namespace {

nl::Catalog make_catalog() {
  nl::Schema schema = {{"id", nl::DataType::int64()}, {"amount", nl::DataType::float64()}};
  auto events = nl::FunctionTable("events", schema,
                                  [](const nl::ScanRequest&) {
                                    return nl::make_batch_reader(nl::DataFrame::from_columns({
                                        nl::Series("id", std::vector<int64_t>{1, 2}),
                                        nl::Series("amount", std::vector<double>{1.5, 2.5}),
                                    }));
                                  })
                    .describe("Billing events")
                    .data_input("The billing service's event stream")
                    .latency_info("Up to 5 minutes behind")
                    .owner("billing-team")
                    .tags({"billing", "pii-free"})
                    .unique_columns({"id"})
                    .docs_filters(nl::Filters(std::vector<std::vector<nl::Filter>>{
                        {nl::Filter("id", "in", std::vector<nl::Value>{1, 2})}, {nl::Filter("amount", ">", 2.0)}}))
                    .example_link("Dashboard", "https://example.com/billing")
                    .extra_column("amount_cents", "CAST(amount * 100 AS BIGINT)");
  auto daily = nl::ParquetTable("daily", "{warehouse}/daily")
                   .describe("Daily totals")
                   .partition_columns({{"day", nl::DataType::date()}});
  return nl::Catalog({{"billing", nl::Database({events, daily})}});
}

}  // namespace

NEURALAKE_CATALOG_PLUGIN(make_catalog)
