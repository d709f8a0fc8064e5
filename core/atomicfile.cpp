// SPDX-License-Identifier: MIT
#include "atomicfile.h"

#include "error.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

namespace latent {
namespace {

// The system's reason, plus what it means for the user's file when the disk
// (or a quota, or a file size limit) is full: the old file is untouched.
std::string failure(const std::string &path, int err)
{
    std::string why = "cannot write " + path + ": " + std::strerror(err);
    if (err == ENOSPC || err == EDQUOT || err == EFBIG)
        why +=
            " (the disk or a size limit is full; the previous " + path + ", if any, is unchanged)";
    return why;
}

// Writes `size` bytes to `fd`; returns 0 or the errno of the failed write.
int writeAll(int fd, const char *bytes, std::size_t size)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, bytes + done, size - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        done += static_cast<std::size_t>(n);
    }
    return 0;
}

// Fault injection for the tests of what a kill leaves behind:
// LATENT_KILL_IN_WRITE=NAME:N:PHASE makes the process kill itself (SIGKILL:
// no clean-up, as a power cut or the OOM killer) during its N-th atomic
// write of a file named NAME, at PHASE: "partial" (half the bytes in the
// temporary file), "unsynced" (all written, fsync not yet returned) or
// "unrenamed" (synced and closed, before the rename).
class KillPoint
{
public:
    static const KillPoint &fromEnvironment()
    {
        static const KillPoint point(std::getenv("LATENT_KILL_IN_WRITE"));
        return point;
    }
    // Counts a write of `path`; true if this write is the one to kill.
    bool armed(const std::string &path) const
    {
        if (m_name.empty() || std::filesystem::path(path).filename() != m_name) return false;
        return ++m_writes == m_nth;
    }
    void reached(bool armed, const char *phase) const
    {
        if (armed && m_phase == phase) ::kill(::getpid(), SIGKILL);
    }

private:
    explicit KillPoint(const char *spec)
    {
        if (!spec || !*spec) return;
        static const std::regex form(R"(([^:/]+):([1-9][0-9]{0,8}):(partial|unsynced|unrenamed))");
        std::cmatch m;
        if (!std::regex_match(spec, m, form))
            throw Error(std::string("LATENT_KILL_IN_WRITE is \"") + spec +
                        "\"; expected NAME:N:PHASE with PHASE partial, unsynced or unrenamed");
        m_name = m[1].str();
        m_nth = std::stoi(m[2].str());
        m_phase = m[3].str();
    }
    std::string m_name, m_phase;
    int m_nth = 0;
    mutable std::atomic<int> m_writes{0};
};

} // namespace

namespace {

void writeAndRename(const std::string &path, const std::string &bytes, bool sync)
{
    const KillPoint &kill = KillPoint::fromEnvironment();
    const bool armed = kill.armed(path);
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(failure(path, errno));
    const std::size_t half = bytes.size() / 2;
    int err = writeAll(fd, bytes.data(), half);
    if (!err) {
        kill.reached(armed, "partial");
        err = writeAll(fd, bytes.data() + half, bytes.size() - half);
    }
    if (err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Error(failure(path, err));
    }
    kill.reached(armed, "unsynced");
    const bool synced = !sync || ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        err = errno;
        ::unlink(tmp.c_str());
        throw Error(failure(path, err));
    }
    kill.reached(armed, "unrenamed");
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        err = errno;
        ::unlink(tmp.c_str());
        throw Error(failure(path, err));
    }
}

} // namespace

void writeFileAtomically(const std::string &path, const std::string &bytes)
{
    writeAndRename(path, bytes, true);
}

void writeFileAtomicallyUnsynced(const std::string &path, const std::string &bytes)
{
    writeAndRename(path, bytes, false);
}

void syncFileSystem(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const int err = fd < 0 ? errno : ::syncfs(fd) == 0 ? 0 : errno;
    if (fd >= 0) ::close(fd);
    if (err) throw Error("cannot flush " + path + " to disk: " + std::strerror(err));
}

void appendToExistingFile(const std::string &path, const std::string &text)
{
    // No O_CREAT: a file deleted under a running writer (its folder removed)
    // is an error, not a fresh file that would keep the folder alive.
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    const int err = fd < 0 ? errno : writeAll(fd, text.data(), text.size());
    if (fd >= 0) ::close(fd);
    if (err) throw Error("cannot append to " + path + ": " + std::strerror(err));
}

std::string readFileCapped(const std::string &path, const std::string &what, std::size_t maxBytes)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(what + ": cannot be opened for reading");
    const auto size = static_cast<std::size_t>(in.tellg());
    if (size > maxBytes)
        throw Error(what + ": file is " + std::to_string(size) + " bytes, expected at most " +
                    std::to_string(maxBytes));
    std::string text(size, '\0');
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(size));
    return text;
}

int removeStaleTemporaries(const std::string &dir)
{
    static const std::regex temporary(R"(.+\.tmp([0-9]{1,9}))");
    int removed = 0;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file(ec) || !std::regex_match(name, m, temporary)) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(m[1].str()));
        if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH &&
            std::filesystem::remove(entry.path(), ec))
            ++removed;
    }
    return removed;
}

} // namespace latent
