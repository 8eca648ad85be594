#pragma once
// The data behind a chart, as CSV a page can carry in a link (a data: URI,
// so the single file stays self-contained and works offline).
#include <string>

#include <minima/report/chart.hpp>

namespace minima {

// A line chart: "line,x,y,low,high", a row per point of every series (its
// label, x, y) and of every band (its label, x, middle, low, high); a heat
// map: "x_from,x_to,y_from,y_to,share", a row per cell.
std::string chart_csv(const Chart& chart);

// "data:text/csv;base64,..." (RFC 2397; base64 as RFC 4648 writes it).
std::string csv_data_uri(const std::string& csv);

}  // namespace minima
