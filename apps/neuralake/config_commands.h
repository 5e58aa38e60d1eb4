// `neuralake config show`: the resolved profile, each setting with where its
// value came from, secrets redacted.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>

namespace neuralake::cli {

// The `config` command and its `show` subcommand, filled by CLI11.
struct ConfigCommand {
  CLI::App* config = nullptr;  // `config`
  CLI::App* show = nullptr;    // `config show`
};

// Registers `config` and `config show` on `app`.
void add_config_commands(CLI::App& app, ConfigCommand& command);

// Resolves the configuration from the process environment and prints
// Config::describe(). Throws what Config::resolve() throws (InvalidArgument
// naming NEURALAKE_ENV for an unknown profile...).
void run_config_show(std::ostream& out);

}  // namespace neuralake::cli
