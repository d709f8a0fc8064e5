// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>

namespace latent {

// Writes `bytes` to a temporary file beside `path`, flushes it to disk
// (fsync), then renames it over `path`: readers see the old file or the new
// one, never half of one. Throws latent::Error naming the path and the
// system's reason.
void writeFileAtomically(const std::string &path, const std::string &bytes);
// The same without the fsync, for many small files that one
// syncFileSystem() call then flushes together (a killed process loses
// nothing either way; a power cut may lose what was not yet synced).
void writeFileAtomicallyUnsynced(const std::string &path, const std::string &bytes);
// Flushes everything written to the file system that holds `path` (syncfs).
void syncFileSystem(const std::string &path);

// Removes the temporaries that writeFileAtomically leaves in `dir` when its
// process is killed mid-write (NAME.tmpPID whose process no longer runs);
// a live process's temporary is kept. Returns how many were removed.
int removeStaleTemporaries(const std::string &dir);

// Appends `text` to `path`, which must exist (it is never created). Throws
// latent::Error naming the path and the system's reason.
void appendToExistingFile(const std::string &path, const std::string &text);

// Reads a whole file of at most `maxBytes` (checked before reading). Errors
// start with `what` ("recipe r.json").
std::string readFileCapped(const std::string &path, const std::string &what, std::size_t maxBytes);

} // namespace latent
