#include <minima/lesson/landscape/landscape_tables.hpp>

#include <minima/lesson/landscape/landscape_summary.hpp>

namespace minima::lesson {

TextTable ics_table(const CompareSummary& summary) {
  const auto layers = shifted_layers(summary);
  TextTable table;
  table.header.push_back("run");
  for (const auto& [index, name] : layers) {
    table.header.push_back(name + " \u21132");
    table.header.push_back(name + " cos");
  }
  for (const VariantSummary& v : summary.variants) {
    if (!landscape_spread(v, beta_smoothness)) continue;
    const std::vector<std::string> measured = landscape_layers(v);
    TableRow row;
    row.cells.push_back(v.name);
    for (const auto& [index, name] : layers) {
      const bool has = index < measured.size() && measured[index] == name;
      row.cells.push_back(has ? format_measure(landscape_spread(v, ics_l2(index))) : "");
      row.cells.push_back(has ? format_measure(landscape_spread(v, ics_cosine(index))) : "");
    }
    table.rows.push_back(row);
  }
  return table;
}

TextTable smoothness_table(const CompareSummary& summary) {
  TextTable table;
  table.header = {"run", "loss range", "gradient change", "\u03b2", "measuring"};
  for (const VariantSummary& v : summary.variants) {
    if (!landscape_spread(v, beta_smoothness)) continue;
    const std::optional<double> overhead = measure_overhead(landscape_runs(v));
    table.rows.push_back({{v.name, format_measure(landscape_spread(v, loss_range)),
                           format_measure(landscape_spread(v, grad_change)),
                           format_measure(landscape_spread(v, beta_smoothness)),
                           overhead ? format_percent(*overhead, 0).insert(0, 1, '+') : ""},
                          false});
  }
  return table;
}

}  // namespace minima::lesson
