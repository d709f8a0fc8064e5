// SPDX-License-Identifier: MIT
#include "atomicfile.h"

#include "error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace latent {

void writeFileAtomically(const std::string &path, const std::string &bytes)
{
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error("cannot write " + path + ": " + reason);
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw Error("cannot write " + path + ": " + reason);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw Error("cannot write " + path + ": " + reason);
    }
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

} // namespace latent
