#include "cli/serve/serve_options.hpp"

#include "cli/options.hpp"

namespace minima::cli {

void add_serve_options(CLI::App& app, ServeArgs& args) {
  CLI::Option* serve =
      app.add_flag("--serve", args.serve,
                   "serve a live page of the runs while they train (charts grow as\n"
                   "they evaluate; then report.html) until Ctrl-C (docs/serve.md)");
  app.add_option("--port", args.port, "the live page's port (default 8000; 0: any free one)")
      ->type_name("P")
      ->check(whole_number(0, 65535))
      ->needs(serve);
  app.add_option("--host", args.host,
                 "listen on this IPv4 address or name instead of 127.0.0.1\n"
                 "(then whoever reaches it can watch and ask what-ifs)")
      ->type_name("NAME")
      ->needs(serve);
}

}  // namespace minima::cli
