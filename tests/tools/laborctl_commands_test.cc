// laborctl's command table against what it documents: `laborctl help` (the
// list of commands and flags) and the README's examples. Every flag the help
// shows for a command must be one the command declares (so it is read, not
// silently dropped), every declared flag must be documented, and the real
// binary refuses every flag a command does not declare with exit 2.
#include "tools/laborctl_commands.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"
#include "tests/tools/cli_testing.h"

namespace labor::tools {
namespace {

using ::testing::HasSubstr;

// What the help says: the global flags, and per command ("worker list", or
// "import" for a group without command words) the flags its lines mention
// and the lines themselves.
struct HelpText {
  std::set<std::string> global;
  std::map<std::string, std::set<std::string>> flags;
  std::map<std::string, std::string> text;
};

std::set<std::string> FlagsIn(const std::string& text) {
  static const std::regex kFlag("--([a-z][a-z0-9_]*)");
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), kFlag), end; it != end; ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

// The help's layout: "Global flags:" lists "  --flag  …" lines; the command
// sections (from "Worker commands:" up to "Values:") start each command with
// a line indented by two spaces, "  <group> [<command>] …"; the lines
// indented deeper, and notes in parentheses, continue the command above.
HelpText ParseHelp(absl::string_view help) {
  HelpText out;
  enum { kNone, kGlobal, kCommands } section = kNone;
  std::string current;
  static const std::regex kCommandLine("^  ([a-z]+)(?: ([a-z][a-z-]*))?(?: |$)");
  for (absl::string_view line : absl::StrSplit(help, '\n')) {
    const std::string text(line);
    if (!line.empty() && line[0] != ' ') {
      if (absl::StartsWith(line, "Global flags:")) {
        section = kGlobal;
      } else if (absl::StartsWith(line, "Worker commands:")) {
        section = kCommands;
      } else if (absl::StartsWith(line, "Values:")) {
        section = kNone;
      }
      continue;
    }
    if (section == kGlobal) {
      // The flags a line defines lead it ("  --tls_cert_file/--tls_key_file  …");
      // its description may mention others.
      const std::string defined(absl::StripLeadingAsciiWhitespace(line).substr(
          0, absl::StripLeadingAsciiWhitespace(line).find(' ')));
      for (const std::string& flag : FlagsIn(defined)) out.global.insert(flag);
      continue;
    }
    if (section != kCommands) continue;
    std::smatch m;
    if (std::regex_search(text, m, kCommandLine)) {
      current = m[2].matched ? absl::StrCat(m[1].str(), " ", m[2].str()) : m[1].str();
      out.flags[current];  // a command without flags is still a command
    }
    if (current.empty()) continue;
    for (const std::string& flag : FlagsIn(text)) out.flags[current].insert(flag);
    absl::StrAppend(&out.text[current], text, "\n");
  }
  return out;
}

// Commands whose help refers to another command's flags instead of listing
// them ("<any register field flags>", "[same filters]"), with the words that
// say so.
const std::map<std::string, std::pair<std::string, std::string>>& References() {
  static const auto* const kRefs = new std::map<std::string, std::pair<std::string, std::string>>{
      {"worker update", {"worker register", "any register field flags"}},
      {"worker register", {"worker employment", "same flags as 'worker employment'"}},
      {"vacancy update", {"vacancy post", "any post field flags"}},
      {"vacancy feed", {"vacancy list", "same filters"}},
  };
  return *kRefs;
}

class LaborctlCommandsTest : public ::testing::Test {
 protected:
  labor::testing::CommandResult Ctl(const std::vector<std::string>& args) {
    return labor::testing::RunCommand("tools/laborctl", args,
                                      dir_.Sub(absl::StrCat("stderr.", ++runs_)));
  }

  labor::testing::TempDir dir_;
  int runs_ = 0;
};

TEST_F(LaborctlCommandsTest, HelpIsWhatTheBinaryPrints) {
  labor::testing::CommandResult help = Ctl({"help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, CtlHelp());
  labor::testing::CommandResult dashed = Ctl({"--help"});
  EXPECT_EQ(dashed.exit_code, 0);
  EXPECT_EQ(dashed.out, CtlHelp());
}

TEST_F(LaborctlCommandsTest, HelpListsExactlyTheCommandsAndEachFlagIsDeclared) {
  const HelpText help = ParseHelp(CtlHelp());
  // The global flags.
  EXPECT_EQ(help.global, std::set<std::string>(CtlGlobalFlags().begin(), CtlGlobalFlags().end()));
  // The commands: the help's and the table's are the same.
  std::set<std::string> documented, declared;
  for (const auto& [name, flags] : help.flags) documented.insert(name);
  for (const CtlCommand& c : CtlCommands()) declared.insert(c.Name());
  EXPECT_EQ(documented, declared);
  ASSERT_GE(documented.size(), 40u);  // the parse found the command lines

  // Every flag the help shows for a command is global or declared by it.
  int checked = 0;
  for (const CtlCommand& c : CtlCommands()) {
    auto it = help.flags.find(c.Name());
    if (it == help.flags.end()) continue;
    for (const std::string& flag : it->second) {
      ++checked;
      const bool global = help.global.contains(flag);
      EXPECT_TRUE(global || c.Takes(flag)) << "`laborctl help` shows --" << flag << " for `"
                                           << c.Name() << "`, which does not declare it";
    }
  }
  EXPECT_GT(checked, 150);
}

TEST_F(LaborctlCommandsTest, EveryDeclaredFlagIsDocumentedForItsCommand) {
  const HelpText help = ParseHelp(CtlHelp());
  for (const CtlCommand& c : CtlCommands()) {
    ASSERT_TRUE(help.flags.contains(c.Name())) << c.Name();
    std::set<std::string> documented = help.flags.at(c.Name());
    if (auto ref = References().find(c.Name()); ref != References().end()) {
      // The help says where the rest of the flags are.
      EXPECT_THAT(help.text.at(c.Name()), HasSubstr(ref->second.second)) << c.Name();
      const std::set<std::string>& more = help.flags.at(ref->second.first);
      documented.insert(more.begin(), more.end());
      if (auto next = References().find(ref->second.first); next != References().end()) {
        const std::set<std::string>& further = help.flags.at(next->second.first);
        documented.insert(further.begin(), further.end());
      }
    }
    for (const std::string& flag : c.flags) {
      EXPECT_TRUE(documented.contains(flag))
          << "`" << c.Name() << "` reads --" << flag << " but `laborctl help` does not say so";
    }
  }
}

// Each command with each of its documented flags passes the check main
// makes; each flag of another command (or none) is refused naming it.
TEST_F(LaborctlCommandsTest, CommandsTakeTheirFlagsAndRefuseTheRest) {
  std::set<std::string> all_flags;
  for (const CtlCommand& c : CtlCommands()) all_flags.insert(c.flags.begin(), c.flags.end());
  for (const CtlCommand& c : CtlCommands()) {
    CtlArgs args;
    args.words = absl::StrSplit(c.Name(), ' ');
    for (const std::string& flag : c.flags) args.flags.emplace_back(flag, "x");
    for (const std::string& flag : CtlGlobalFlags()) args.flags.emplace_back(flag, "x");
    absl::StatusOr<const CtlCommand*> found = FindCtlCommand(args);
    ASSERT_TRUE(found.ok()) << c.Name() << ": " << found.status();
    EXPECT_EQ(*found, &c);
    for (const std::string& other : all_flags) {
      if (c.Takes(other)) continue;
      CtlArgs bad;
      bad.words = args.words;
      bad.flags.emplace_back(other, "x");
      absl::StatusOr<const CtlCommand*> refused = FindCtlCommand(bad);
      ASSERT_FALSE(refused.ok()) << c.Name() << " --" << other;
      EXPECT_THAT(refused.status().message(),
                  HasSubstr(absl::StrCat(c.Name(), " does not take --", other, ";")));
    }
  }
}

TEST_F(LaborctlCommandsTest, SplitsFlagsAndWordsAsLaborctlReadsThem) {
  auto is_bool = [](absl::string_view name) { return name == "consent_sms" || name == "all"; };
  absl::StatusOr<CtlArgs> args = SplitCtlArgs(
      {"--json", "worker", "--status", "unemployed", "list", "-township=罗江镇", "--noconsent_sms",
       "--all", "--field=a=1", "--field", "b=2", "--", "--not-a-flag"},
      [&](absl::string_view name) { return name == "json" || is_bool(name); });
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_THAT(args->words, ::testing::ElementsAre("worker", "list", "--not-a-flag"));
  EXPECT_THAT(args->flags,
              ::testing::ElementsAre(std::pair<std::string, std::string>{"json", "true"},
                                     std::pair<std::string, std::string>{"status", "unemployed"},
                                     std::pair<std::string, std::string>{"township", "罗江镇"},
                                     std::pair<std::string, std::string>{"consent_sms", "false"},
                                     std::pair<std::string, std::string>{"all", "true"},
                                     std::pair<std::string, std::string>{"field", "a=1"},
                                     std::pair<std::string, std::string>{"field", "b=2"}));
  EXPECT_FALSE(args->help);

  // Names that are no laborctl flag are refused by name; "no" only negates
  // a boolean; a value-taking flag needs its value.
  for (const auto& [argv, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"worker", "list", "--brnad=x"}, "unknown flag --brnad"},
           {{"worker", "list", "--nostatus"}, "unknown flag --nostatus"},
           {{"worker", "list", "--listen=:1"}, "unknown flag --listen"},
           {{"worker", "list", "--flagfile=/tmp/f"}, "unknown flag --flagfile"},
           {{"worker", "list", "--status"}, "--status needs a value"},
       }) {
    absl::StatusOr<CtlArgs> bad = SplitCtlArgs(argv, is_bool);
    ASSERT_FALSE(bad.ok()) << absl::StrJoin(argv, " ");
    EXPECT_THAT(bad.status().message(), HasSubstr(message));
  }
  absl::StatusOr<CtlArgs> help = SplitCtlArgs({"worker", "-h"}, is_bool);
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help);
}

TEST_F(LaborctlCommandsTest, WordsNameOneCommand) {
  for (const auto& [words, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"wroker", "list"}, "unknown command group \"wroker\""},
           {{"worker"}, "expected: laborctl worker <register|get|"},
           {{"worker", "frobnicate"}, "unknown worker command \"frobnicate\""},
           {{"worker", "list", "extra"}, "worker list: unexpected word \"extra\""},
           {{"notify", "show", "N1", "N2"}, "notify show: unexpected word \"N2\""},
           {{"import", "now"}, "import: unexpected word \"now\""},
       }) {
    CtlArgs args;
    args.words = words;
    absl::StatusOr<const CtlCommand*> found = FindCtlCommand(args);
    ASSERT_FALSE(found.ok()) << absl::StrJoin(words, " ");
    EXPECT_THAT(found.status().message(), HasSubstr(message));
  }
  CtlArgs show;
  show.words = {"notify", "show", "N1"};
  EXPECT_TRUE(FindCtlCommand(show).ok());
}

// The laborctl lines of the README's code blocks, continuation lines joined,
// prompts and comments dropped, optional brackets opened, split into
// arguments as a shell would (quotes removed).
std::vector<std::vector<std::string>> ReadmeInvocations(const std::string& readme) {
  std::vector<std::vector<std::string>> out;
  bool in_code = false;
  std::string pending;
  for (absl::string_view raw : absl::StrSplit(readme, '\n')) {
    if (absl::StartsWith(raw, "```")) {
      in_code = !in_code;
      continue;
    }
    if (!in_code) continue;
    std::string line(absl::StripAsciiWhitespace(raw));
    const bool continued = absl::EndsWith(line, "\\");
    if (continued) line.pop_back();
    pending = pending.empty() ? line : absl::StrCat(pending, " ", line);
    if (continued) continue;
    std::string command = std::move(pending);
    pending.clear();
    absl::string_view text = command;
    absl::ConsumePrefix(&text, "$ ");
    if (!absl::StartsWith(text, "build/tools/laborctl ")) continue;
    text.remove_prefix(std::string("build/tools/laborctl ").size());
    std::vector<std::string> args;
    std::string arg;
    bool quoted = false, have = false;
    for (char ch : text) {
      if (ch == '"') {
        quoted = !quoted;
        have = true;
      } else if (!quoted && ch == '#') {
        break;
      } else if (!quoted && (ch == ' ' || ch == '[' || ch == ']')) {
        if (have) args.push_back(arg);
        arg.clear();
        have = false;
      } else {
        arg.push_back(ch);
        have = true;
      }
    }
    if (have) args.push_back(arg);
    out.push_back(std::move(args));
  }
  return out;
}

TEST_F(LaborctlCommandsTest, ReadmeExamplesParse) {
  const std::string readme =
      labor::testing::ReadFileOrEmpty(labor::testing::SourcePath("README.md"));
  ASSERT_FALSE(readme.empty());
  const std::vector<std::vector<std::string>> invocations = ReadmeInvocations(readme);
  ASSERT_GE(invocations.size(), 40u);
  for (const std::vector<std::string>& argv : invocations) {
    // The README writes every value as --flag=value, so a flag without "="
    // is a boolean.
    absl::StatusOr<CtlArgs> args = SplitCtlArgs(argv, [](absl::string_view) { return true; });
    ASSERT_TRUE(args.ok()) << absl::StrJoin(argv, " ") << ": " << args.status();
    absl::StatusOr<const CtlCommand*> command = FindCtlCommand(*args);
    EXPECT_TRUE(command.ok()) << absl::StrJoin(argv, " ") << ": " << command.status();
  }
}

// The real binary: before any token or network, each command refuses a flag
// it does not declare (exit 2, naming the flag), an unknown flag, and a
// value that does not parse.
TEST_F(LaborctlCommandsTest, BinaryRefusesFlagsTheCommandDoesNotTake) {
  std::set<std::string> all_flags;
  for (const CtlCommand& c : CtlCommands()) all_flags.insert(c.flags.begin(), c.flags.end());
  const std::vector<std::string> offline = {"--target=127.0.0.1:1", "--token=t",
                                            "--token_file=/nonexistent"};
  for (const CtlCommand& c : CtlCommands()) {
    // One flag some other command takes.
    auto other = std::find_if(all_flags.begin(), all_flags.end(),
                              [&](const std::string& f) { return !c.Takes(f); });
    ASSERT_NE(other, all_flags.end());
    std::vector<std::string> argv = absl::StrSplit(c.Name(), ' ');
    argv.insert(argv.begin(), offline.begin(), offline.end());
    argv.push_back(absl::StrCat("--", *other, "=1"));
    labor::testing::CommandResult r = Ctl(argv);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(argv, " ") << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat(c.Name(), " does not take --", *other)));
  }
  labor::testing::CommandResult unknown = Ctl({"worker", "list", "--brnad=bashan_meizi"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown flag --brnad"));
  labor::testing::CommandResult bad_value = Ctl({"worker", "list", "--page_size=many"});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_THAT(bad_value.err, HasSubstr("--page_size"));
  labor::testing::CommandResult server_flag = Ctl({"worker", "list", "--db_path=/tmp/x"});
  EXPECT_EQ(server_flag.exit_code, 2);
  EXPECT_THAT(server_flag.err, HasSubstr("unknown flag --db_path"));
}

}  // namespace
}  // namespace labor::tools
