// SPDX-License-Identifier: MIT
#include "jsonfields.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace latent::json {

constexpr int kMaxDepth = 32;

std::string formatNumber(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

std::string describe(const Json &v)
{
    if (v.is_number_integer()) return "integer " + v.dump();
    if (v.is_number()) return "number " + v.dump();
    if (v.is_string()) return "string " + v.dump();
    if (v.is_boolean()) return "boolean " + v.dump();
    if (v.is_null()) return "null";
    return v.is_array() ? "an array" : "an object";
}

Json parse(const std::string &text, const std::string &what, std::size_t maxBytes)
{
    if (text.size() > maxBytes)
        throw Error(what + ": file is " + std::to_string(text.size()) +
                    " bytes, expected at most " + std::to_string(maxBytes));
    // Reject deep nesting before building the tree (the parser recurses).
    int depth = 0;
    bool inString = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxDepth)
                throw Error(what + ": nested more than " + std::to_string(kMaxDepth) +
                            " levels deep at byte " + std::to_string(i));
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    try {
        return Json::parse(text);
    } catch (const Json::exception &e) {
        // parse_error, and out_of_range for numbers beyond a double (1e999).
        throw Error(what + ": not valid JSON (" + e.what() + ")");
    }
}

Object::Object(const Json &value, std::string what, std::string path)
    : m_value(value), m_what(std::move(what)), m_path(std::move(path))
{
    if (!m_value.is_object())
        throw Error(m_what + ": " + (m_path.empty() ? "the document" : "field '" + m_path + "'") +
                    " is " + describe(m_value) + ", expected an object");
}

std::string Object::field(const std::string &key) const
{
    return m_path.empty() ? key : m_path + "." + key;
}

void Object::fail(const std::string &key, const std::string &message) const
{
    throw Error(m_what + ": field '" + field(key) + "' " + message);
}

void Object::allowOnly(std::initializer_list<const char *> known) const
{
    for (auto it = m_value.begin(); it != m_value.end(); ++it) {
        const bool ok =
            std::any_of(known.begin(), known.end(), [&](const char *k) { return it.key() == k; });
        if (!ok) {
            std::string list;
            for (const char *k : known)
                list += (list.empty() ? "" : ", ") + std::string(k);
            throw Error(m_what + ": unknown field '" + field(it.key()) +
                        "' (expected one of: " + list + ")");
        }
    }
}

bool Object::has(const char *key) const
{
    return m_value.contains(key);
}

const Json &Object::raw(const char *key) const
{
    auto it = m_value.find(key);
    if (it == m_value.end()) throw Error(m_what + ": missing field '" + field(key) + "'");
    return *it;
}

const Json &Object::required(const char *key, const std::string &expected) const
{
    auto it = m_value.find(key);
    if (it == m_value.end())
        throw Error(m_what + ": missing field '" + field(key) + "' (" + expected + ")");
    return *it;
}

Object Object::object(const char *key) const
{
    return Object(raw(key), m_what, field(key));
}

double Object::number(const char *key, double lo, double hi, const char *meaning) const
{
    std::string expected =
        "expected a number in [" + formatNumber(lo) + ", " + formatNumber(hi) + "]";
    if (meaning) expected += std::string(", ") + meaning;
    const Json &v = required(key, expected);
    if (!v.is_number()) fail(key, "is " + describe(v) + ", " + expected);
    const double x = v.get<double>();
    // Bounds in float precision: recipes store floats, and 0.01 saved as a
    // float reads back as 0.0099999998 (found by fuzz_recipe's round trip).
    const auto f = [](double d) { return static_cast<float>(d); };
    if (!(f(x) >= f(lo) && f(x) <= f(hi))) fail(key, "is " + formatNumber(x) + ", " + expected);
    return x;
}

long long Object::integer(const char *key, long long lo, long long hi, const char *meaning) const
{
    std::string expected =
        "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (meaning) expected += std::string(", ") + meaning;
    const Json &v = required(key, expected);
    if (!v.is_number_integer()) fail(key, "is " + describe(v) + ", " + expected);
    const long long x = v.get<long long>();
    if (x < lo || x > hi) fail(key, "is " + std::to_string(x) + ", " + expected);
    return x;
}

bool Object::boolean(const char *key) const
{
    const Json &v = raw(key);
    if (!v.is_boolean()) fail(key, "is " + describe(v) + ", expected true or false");
    return v.get<bool>();
}

std::string Object::string(const char *key) const
{
    const Json &v = raw(key);
    if (!v.is_string()) fail(key, "is " + describe(v) + ", expected a string");
    return v.get<std::string>();
}

std::string Object::string(const char *key, std::initializer_list<const char *> choices) const
{
    const std::string s = string(key);
    std::string list;
    for (const char *c : choices) {
        if (s == c) return s;
        list += (list.empty() ? "\"" : ", \"") + std::string(c) + "\"";
    }
    fail(key, "is \"" + s + "\", expected one of " + list);
}

std::pair<double, double> Object::range(const char *key, double min, double max) const
{
    const Json &v = raw(key);
    const std::string expected =
        "expected [lo, hi] with " + formatNumber(min) + " <= lo <= hi <= " + formatNumber(max);
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
        fail(key, "is " + v.dump() + ", " + expected);
    const double lo = v[0].get<double>(), hi = v[1].get<double>();
    const auto f = [](double d) { return static_cast<float>(d); }; // as in number()
    if (!(f(lo) >= f(min) && f(hi) <= f(max) && lo <= hi))
        fail(key, "is " + v.dump() + ", " + expected);
    return {lo, hi};
}

double shortestDecimal(float v)
{
    // to_chars and from_chars ignore the locale (strtod would read "0.4" as
    // 0 under a German one, which a Qt application sets from the environment).
    char text[32];
    const char *end = std::to_chars(text, text + sizeof text, v).ptr;
    double out = v; // inf and nan stay as they are
    std::from_chars(text, end, out);
    return out;
}

} // namespace latent::json
