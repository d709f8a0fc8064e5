// SPDX-License-Identifier: MIT
#include "train/runlock.h"

#include "error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>
#include <utility>

namespace latent {

RunLock::RunLock(RunLock &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

RunLock &RunLock::operator=(RunLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

RunLock::~RunLock()
{
    release();
}

RunLock RunLock::acquire(const std::string &runDir, const std::string &what,
                         const std::string &advice)
{
    const std::string path = runDir + "/.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot lock " + what + " " + runDir + ": " + std::strerror(errno));
    // A few tries: isHeld()'s probe holds a shared lock for microseconds.
    int locked = 0, tries = 0;
    while ((locked = ::flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EWOULDBLOCK && ++tries < 5)
        ::usleep(10000);
    if (locked != 0) {
        const int err = errno;
        char holder[32] = {};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        if (err != EWOULDBLOCK)
            throw Error("cannot lock " + what + " " + runDir + ": " + std::strerror(err));
        std::string pid = n > 0 ? std::string(holder, std::size_t(n)) : "";
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
            pid.pop_back();
        throw Error(what + " " + runDir + " is in use by process " +
                    (pid.empty() ? std::string("(unknown)") : pid) + "; " + advice);
    }
    // Who holds it, for the message a second trainer gets.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The lock itself is held; only the holder's name is missing.
    }
    RunLock lock;
    lock.m_fd = fd;
    return lock;
}

bool RunLock::isHeld(const std::string &runDir)
{
    const int fd = ::open((runDir + "/.lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false; // never trained, or trained before locks existed
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // drops the probe's lock, if it got one
    return held;
}

void RunLock::release()
{
    if (m_fd < 0) return;
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
    m_fd = -1;
}

} // namespace latent
