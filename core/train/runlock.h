// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace latent {

// An exclusive lock on a run folder (flock on DIR/.lock) for the life of a
// run (and on a dataset export's folder while it is written), so that two trainers (the studio's
// Resume and `latent-cli train
// --resume`, two experiment commands) never write one folder at once. The
// kernel drops the lock when its holder exits or is killed, so a crashed run
// leaves nothing stale behind.
class RunLock
{
public:
    RunLock() = default;
    RunLock(RunLock &&other) noexcept;
    RunLock &operator=(RunLock &&other) noexcept;
    RunLock(const RunLock &) = delete;
    RunLock &operator=(const RunLock &) = delete;
    ~RunLock();

    // Throws Error naming the process that holds the folder. `what` names
    // the folder in messages, `advice` says what to do when it is held.
    static RunLock acquire(const std::string &runDir, const std::string &what = "run folder",
                           const std::string &advice = "stop that run (or wait for it to end) "
                                                       "before training this folder");
    void release();
    bool held() const { return m_fd >= 0; }
    // Whether a trainer holds DIR now (probed with a shared lock that is
    // dropped at once; acquire() retries briefly so a probe never refuses it).
    static bool isHeld(const std::string &runDir);

private:
    int m_fd = -1;
};

} // namespace latent
