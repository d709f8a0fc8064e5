// SPDX-License-Identifier: MIT
#pragma once
// Strict reading of JSON documents for recipes and direction sets: every
// error names the file, the dotted field path, the value found and what was
// expected; unknown fields are errors. Internal to core (includes nlohmann).

#include "error.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <utility>

namespace latent::json {

using Json = nlohmann::json;

class Object
{
public:
    // `what` prefixes messages ("recipe r.json"); `path` is the object's field path.
    Object(const Json &value, std::string what, std::string path);

    // Fails on any key not in `known`.
    void allowOnly(std::initializer_list<const char *> known) const;
    bool has(const char *key) const;

    const Json &raw(const char *key) const; // required
    Object object(const char *key) const;   // required object
    // `meaning` (optional) is added to the expectation in messages.
    double number(const char *key, double lo, double hi, const char *meaning = nullptr) const;
    long long integer(const char *key, long long lo, long long hi,
                      const char *meaning = nullptr) const;
    bool boolean(const char *key) const;
    std::string string(const char *key) const;
    std::string string(const char *key, std::initializer_list<const char *> choices) const;
    // [lo, hi] pair of numbers, each within [min, max], lo <= hi.
    std::pair<double, double> range(const char *key, double min, double max) const;

    [[noreturn]] void fail(const std::string &key, const std::string &message) const;
    std::string field(const std::string &key) const;
    const std::string &what() const { return m_what; }
    const Json &value() const { return m_value; }

private:
    const Json &required(const char *key, const std::string &expected) const;

    const Json &m_value;
    std::string m_what;
    std::string m_path;
};

std::string describe(const Json &v);
std::string formatNumber(double v);
// The double nearest the shortest decimal that reads back as `v` (0.4f ->
// 0.4, written "0.4" rather than 0.4000000059604645).
double shortestDecimal(float v);

// Parses `text` with nesting depth and size limits; fails with `what`.
Json parse(const std::string &text, const std::string &what, std::size_t maxBytes);

} // namespace latent::json
