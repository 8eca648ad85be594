#pragma once
// The live page of `minima compare --serve`: self-contained HTML and
// JavaScript (no network but this server). It follows /events and draws,
// as the events arrive, the test accuracy and training loss of every run
// (a colour per variant, a line per seed) and a progress line per run; when
// the runs are done it shows report.html below. The server's token is in
// <meta name="minima-token"> for the requests that start work.
#include <string>

#include "cli/serve/request_check.hpp"

namespace minima::cli {

// `host_given`: --host asked for an address other than the loopback; the page says so.
std::string live_page_html(const Listening& listening, bool host_given);

}  // namespace minima::cli
