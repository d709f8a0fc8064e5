// SPDX-License-Identifier: MIT
#pragma once
// Where a result comes from: the commit this build was made from (recorded
// when it was built, not when a report is written), and the command line of
// the process. Runs keep one line per session in provenance.jsonl.

#include <string>
#include <vector>

namespace latent {

const char *buildCommit(); // the source tree's HEAD at build time; "unknown" outside git
bool buildTreeDirty();     // the tree had uncommitted changes to tracked files
// "<commit>" or "<commit> (uncommitted changes)".
std::string buildDescription();

// Called once by main(): the command line runs record.
void setCommandLine(int argc, char **argv);
const std::string &commandLine(); // arguments joined by spaces, quoted where needed

// One training session of a run (its creation or a resume), as
// provenance.jsonl in the run folder holds it.
struct RunSession
{
    std::string build;   // buildDescription() of the process that trained
    std::string command; // its command line ("" when not known)
    int ranks = 1;
    int fromStep = 0;
    // What a step's batch depends on besides the run's config and seed, so
    // that a replay can say which input differs ("" / 0 when not recorded).
    std::string device; // the run's device, e.g. "cpu"
    // The precision the steps ran at, as "auto" resolved it on this machine
    // (bf16 on a CPU with native bfloat16, else fp32): "fp32", "bf16" or
    // "fp16"; "" when not recorded.
    std::string precision;
    int batchThreads = 0;        // intra-op threads that made the batches
    std::string generatorSha256; // of the generator file (generator runs)
    std::string recipeSha256;    // of the recipe's canonical JSON (viewrecipe.h toJson)
    // The real data's splits as the session read them (EvalData::splitsText,
    // the training data's images for real runs) and where the validation
    // part came from (kOwnValidationPart, kCarvedValidationPart): a dataset
    // folder can change between sessions. "" when not evaluated or not recorded.
    std::string dataSplits, validationPart;
    int trainImages = 0; // real runs: the training images batches were drawn from
    // The evaluation's protocol (evaluationProtocolJson: data, validation
    // part, the probes' settings) as JSON text; "" when not evaluated or not recorded.
    std::string protocol;
};
void appendRunSession(const std::string &runDir, const RunSession &session);
// The sessions of a run; none for runs made before provenance was kept.
std::vector<RunSession> readRunSessions(const std::string &runDir);

} // namespace latent
