// The commands of laborctl, the flags each one takes, and its help text.
// laborctl checks every command line against this one table before it
// reads a flag, so a command cannot be given a flag it does not use: an
// undeclared or unknown flag is a usage error naming it, never a filter
// that silently does nothing. The tests compare the table with
// `laborctl help` and the README's examples. No gRPC, no absl flags.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace labor::tools {

struct CtlCommand {
  std::string group;    // "worker"
  std::string command;  // "list"; "" for `import`, a group without command words
  // notify show/message: an id may follow the command word.
  bool takes_id = false;
  // The flags this command reads, besides CtlGlobalFlags().
  std::vector<std::string> flags;

  std::string Name() const;  // "worker list"
  bool Takes(absl::string_view flag) const;
};

const std::vector<CtlCommand>& CtlCommands();
// Flags every command takes (connection, token, output, reference data).
const std::vector<std::string>& CtlGlobalFlags();
// The text `laborctl help` prints.
absl::string_view CtlHelp();

// A command line as laborctl reads it.
struct CtlArgs {
  std::vector<std::string> words;  // group, command, [id]
  // Every flag in order as (name, value); a repeated flag appears each time.
  // "--noconsent_sms" is ("consent_sms", "false"), a bare boolean "true".
  std::vector<std::pair<std::string, std::string>> flags;
  bool help = false;  // --help or -h was given
};

// Splits `args` (argv without the program name). Flags are --name=value,
// --name value (not for booleans), -name, --noname for a boolean; "--" ends
// the flags. `is_bool` tells the booleans among the known flags. Names that
// are neither global nor any command's flag are INVALID_ARGUMENT naming
// them.
absl::StatusOr<CtlArgs> SplitCtlArgs(const std::vector<std::string>& args,
                                     const std::function<bool(absl::string_view)>& is_bool);

// The command `args.words` names, when every flag in `args` is global or
// declared by that command; otherwise INVALID_ARGUMENT with the usage
// message (the unknown group or command, or the command and the flag it
// does not take).
absl::StatusOr<const CtlCommand*> FindCtlCommand(const CtlArgs& args);

}  // namespace labor::tools
