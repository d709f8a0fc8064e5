// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace latent {

// A NumPy array as a pickle stores it: its shape, its element type ('u'
// unsigned, 'i' signed, 'f' float, 'b' bool; bytes per element; byte order)
// and its raw bytes, a view into the PickleFile that read it.
struct PickleArray
{
    std::vector<std::int64_t> shape;
    char kind = 0;
    int itemBytes = 0;
    bool bigEndian = false;
    bool fortranOrder = false;
    std::string_view data;

    std::int64_t count() const;
    // "a NumPy array of shape (10000, 3072) uint8"
    std::string describe() const;
};

// A Python pickle whose top level is a dict (CIFAR's Python batches, or a
// subset a user saved with pickle.dump), read without running anything: it
// understands dicts, lists, tuples, bytes, strings, integers, booleans, None
// and NumPy arrays, from protocols 2 to 5 (Python 2's cPickle included). Every
// other global a pickle names is refused by name, so a file can call no
// function here. Errors name the file, the byte offset and what was expected.
class PickleFile
{
public:
    PickleFile(std::string bytes, std::string pathForMessages);
    static PickleFile read(const std::string &path);
    // Its values (and the arrays it returns) view its own bytes: not copied or moved.
    PickleFile(const PickleFile &) = delete;
    PickleFile &operator=(const PickleFile &) = delete;

    // Keys of the top-level dict that are bytes or strings, in file order.
    std::vector<std::string> keys() const;
    bool has(std::string_view key) const;
    // A NumPy array.
    PickleArray array(std::string_view key) const;
    // A list of integers or a one-dimensional integer array.
    std::vector<std::int64_t> integers(std::string_view key) const;
    // A list of bytes or strings.
    std::vector<std::string> strings(std::string_view key) const;

private:
    enum class Kind {
        None,
        Bool,
        Int,
        Float,
        Bytes,
        Text,
        List,
        Tuple,
        Dict,
        Global,
        Call,
        Dtype,
        Array
    };
    struct Node
    {
        Kind kind = Kind::None;
        std::int64_t number = 0; // Int, Bool; Dtype: its byte order; Array: index in m_arrays
        std::string_view text;   // Bytes, Text; Global: "module.name"; Dtype: "u1", "<i8"
        std::vector<int>
            items; // List, Tuple; Dict: key, value, key, ...; Call: function, arguments
    };

    void parse();
    int valueOf(std::string_view key) const; // -1 when absent
    int require(std::string_view key) const;
    std::string describe(int node) const;

    std::string m_bytes;
    std::string m_path;
    std::vector<Node> m_nodes;
    std::vector<PickleArray> m_arrays;
    std::deque<std::string> m_owned; // bytes decoded from Python 3's protocol-2 form
    int m_top = -1;
};

} // namespace latent
