#include "tools/cli.h"

#include <gtest/gtest.h>

namespace egret::cli {
namespace {

struct Fixture {
  bool verbose = false;
  std::string target = "x86_64";
  std::string out;
  int64_t jobs = 0;
  std::vector<std::string> dirs, pos;
  ArgParser p{"egret test", "FILE", "A test command."};
  Fixture() {
    p.Flag("verbose", &verbose, "talk more");
    p.Choice("target", &target, {"x86_64", "aarch64"}, "target");
    p.Option("o", &out, "FILE", "output");
    p.Option("jobs", &jobs, "N", "threads");
    p.Option("dir", &dirs, "DIR", "preopen");
    p.Positionals(&pos, 1, 1);
  }
  ParseOutcome Parse(std::vector<std::string> args) { return p.Parse(args); }
};

TEST(ArgParser, AcceptsAllSpellings) {
  Fixture f;
  EXPECT_EQ(f.Parse({"--verbose", "--target=aarch64", "-o", "x.egret", "--jobs=4", "--dir", "a",
                     "--dir=b", "in.wasm"}),
            ParseOutcome::kOk);
  EXPECT_TRUE(f.verbose);
  EXPECT_EQ(f.target, "aarch64");
  EXPECT_EQ(f.out, "x.egret");
  EXPECT_EQ(f.jobs, 4);
  EXPECT_EQ(f.dirs, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.pos, (std::vector<std::string>{"in.wasm"}));
}

TEST(ArgParser, OneLetterOptionsUseOneDash) {
  Fixture a;
  EXPECT_EQ(a.Parse({"-o", "x.egret", "in.wasm"}), ParseOutcome::kOk);
  EXPECT_EQ(a.out, "x.egret");
  Fixture b;
  EXPECT_EQ(b.Parse({"in.wasm", "-oy.egret"}), ParseOutcome::kOk);
  EXPECT_EQ(b.out, "y.egret");
  EXPECT_EQ(Fixture().Parse({"in.wasm", "-o"}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"in.wasm", "-x"}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"in.wasm", "-verbose"}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"in.wasm", "--o", "z"}), ParseOutcome::kError);
  EXPECT_NE(Fixture().p.Help().find("  -o FILE"), std::string::npos);
}

TEST(ArgParser, RejectsUnknownFlagBadChoiceAndBadNumber) {
  EXPECT_EQ(Fixture().Parse({"--nope", "a"}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"--target=mips", "a"}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"--jobs=x", "a"}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"--jobs"}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"--verbose=1", "a"}), ParseOutcome::kError);
}

TEST(ArgParser, ChecksPositionalCount) {
  EXPECT_EQ(Fixture().Parse({}), ParseOutcome::kError);
  EXPECT_EQ(Fixture().Parse({"a", "b"}), ParseOutcome::kError);
  Fixture f;
  EXPECT_EQ(f.Parse({"--", "--looks-like-flag"}), ParseOutcome::kOk);
  EXPECT_EQ(f.pos[0], "--looks-like-flag");
}

TEST(ArgParser, HelpListsOptions) {
  Fixture f;
  std::string help = f.p.Help();
  EXPECT_NE(help.find("--target=x86_64|aarch64"), std::string::npos);
  EXPECT_NE(help.find("usage: egret test [options] FILE"), std::string::npos);
}

TEST(ArgParser, StopAtFirstPositionalPassesProgramFlags) {
  std::vector<std::string> pos;
  bool v = false;
  ArgParser p("egret run", "FILE [ARGS...]", "run");
  p.Flag("verbose", &v, "");
  p.Positionals(&pos, 1, std::nullopt);
  p.StopAtFirstPositional();
  std::vector<std::string> args = {"--verbose", "prog.wasm", "--verbose", "x"};
  EXPECT_EQ(p.Parse(args), ParseOutcome::kOk);
  EXPECT_EQ(pos, (std::vector<std::string>{"prog.wasm", "--verbose", "x"}));
}

}  // namespace
}  // namespace egret::cli
