// `neuralake config show`: prints the resolved profile through Config::describe(),
// which redacts secrets, so nothing here ever formats a secret value.
#include "config_commands.h"

#include <ostream>

#include "neuralake/config.h"

namespace neuralake::cli {

void add_config_commands(CLI::App& app, ConfigCommand& command) {
  command.config = app.add_subcommand("config", "Inspect the configuration (profile selected by NEURALAKE_ENV)");
  command.config->require_subcommand(1);
  command.show = command.config->add_subcommand(
      "show", "Print the resolved profile: each setting, its value (secrets redacted) and where it came from");
}

void run_config_show(std::ostream& out) { out << Config::resolve(Environment::from_process()).describe(); }

}  // namespace neuralake::cli
