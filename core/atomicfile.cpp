// SPDX-License-Identifier: MIT
#include "atomicfile.h"

#include "error.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
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

// Writes all of `bytes` to `fd`; returns 0 or the errno of the failed write.
int writeAll(int fd, const std::string &bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        done += static_cast<std::size_t>(n);
    }
    return 0;
}

} // namespace

void writeFileAtomically(const std::string &path, const std::string &bytes)
{
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(failure(path, errno));
    if (const int err = writeAll(fd, bytes)) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Error(failure(path, err));
    }
    const bool synced = ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw Error(failure(path, err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw Error(failure(path, err));
    }
}

void appendToExistingFile(const std::string &path, const std::string &text)
{
    // No O_CREAT: a file deleted under a running writer (its folder removed)
    // is an error, not a fresh file that would keep the folder alive.
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    const int err = fd < 0 ? errno : writeAll(fd, text);
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
