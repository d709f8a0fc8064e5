// SPDX-License-Identifier: MIT
#pragma once
// The nice values of this process's threads and its resident memory, read
// from /proc (Linux keeps a nice value per thread).

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace latent::test {

// The distinct nice values of the live threads named `name` (their comm).
// OpenMP's workers take the name of the thread that started them, so a
// training thread with several intra-op threads shows as several.
inline std::set<int> threadNiceValues(const std::string &name)
{
    std::set<int> values;
    for (const auto &task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream commFile(task.path() / "comm"), statFile(task.path() / "stat");
        std::string comm, stat;
        std::getline(commFile, comm);
        std::getline(statFile, stat);
        const auto close = stat.rfind(')');
        if (comm != name || close == std::string::npos) continue;
        // After "pid (comm)": state is field 3, nice field 19.
        std::istringstream fields(stat.substr(close + 2));
        std::string field;
        for (int i = 3; i <= 19 && fields >> field; ++i)
            if (i == 19) values.insert(std::stoi(field));
    }
    return values;
}

// This process's resident memory (VmRSS) in MiB.
inline double residentMiB()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

constexpr bool underAddressSanitizer()
{
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#endif
#endif
    return false;
}

inline int mainThreadNice()
{
    std::ifstream statFile("/proc/self/stat");
    std::string stat;
    std::getline(statFile, stat);
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i)
        if (i == 19) return std::stoi(field);
    return 0;
}

} // namespace latent::test
