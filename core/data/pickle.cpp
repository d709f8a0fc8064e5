// SPDX-License-Identifier: MIT
#include "data/pickle.h"

#include "error.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <unordered_map>

namespace latent {
namespace {

bool isOneOf(std::string_view name, std::initializer_list<std::string_view> names)
{
    for (std::string_view n : names)
        if (name == n) return true;
    return false;
}

// NumPy 2 moved numpy.core to numpy._core; pickles name either.
bool isReconstruct(std::string_view name)
{
    return isOneOf(name,
                   {"numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"});
}

bool isFromBuffer(std::string_view name)
{
    return isOneOf(name, {"numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer"});
}

// A NumPy scalar (a list of np.int64 labels pickles each one through it).
bool isScalar(std::string_view name)
{
    return isOneOf(name, {"numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar"});
}

// The only functions a pickle may name: what NumPy arrays and Python 3's
// protocol-2 bytes are rebuilt with. Anything else could run code.
bool isAllowedGlobal(std::string_view name)
{
    return isReconstruct(name) || isFromBuffer(name) || isScalar(name) ||
           isOneOf(name, {"numpy.ndarray", "numpy.dtype", "_codecs.encode"});
}

// UTF-8 text whose code points are all below 256 back to those bytes: how
// Python 3 stores bytes at protocol 2 (_codecs.encode(text, "latin1")).
bool latin1FromUtf8(std::string_view text, std::string &out)
{
    out.clear();
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out.push_back(char(c));
        } else if ((c & 0xE0) == 0xC0 && c <= 0xC3 && i + 1 < text.size() &&
                   (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            out.push_back(char(((c & 0x03) << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F)));
        } else {
            return false;
        }
    }
    return true;
}

std::string shapeText(const std::vector<std::int64_t> &shape)
{
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

// Element i of an integer or boolean array, sign-extended; false when an
// unsigned 64-bit value does not fit.
bool integerAt(const PickleArray &a, std::int64_t i, std::int64_t &out)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(a.data.data());
    std::uint64_t u = 0;
    for (int b = 0; b < a.itemBytes; ++b) {
        const int shift = a.bigEndian ? 8 * (a.itemBytes - 1 - b) : 8 * b;
        u |= std::uint64_t(bytes[i * a.itemBytes + b]) << shift;
    }
    const int bits = 8 * a.itemBytes;
    if (a.kind == 'i' && bits < 64 && (u >> (bits - 1)) & 1) u |= ~std::uint64_t(0) << bits;
    if (a.kind != 'i' && u > std::uint64_t(std::numeric_limits<std::int64_t>::max())) return false;
    out = std::int64_t(u);
    return true;
}

} // namespace

std::int64_t PickleArray::count() const
{
    std::int64_t n = 1;
    for (std::int64_t d : shape)
        n *= d;
    return n;
}

std::string PickleArray::describe() const
{
    const char *name = kind == 'u' ? "uint" : kind == 'i' ? "int" : kind == 'f' ? "float" : "bool";
    return "a NumPy array of shape " + shapeText(shape) + " " + name +
           (kind == 'b' ? "" : std::to_string(8 * itemBytes)) +
           (bigEndian && itemBytes > 1 ? " (big-endian)" : "");
}

PickleFile::PickleFile(std::string bytes, std::string pathForMessages)
    : m_bytes(std::move(bytes)), m_path(std::move(pathForMessages))
{
    parse();
}

PickleFile PickleFile::read(const std::string &path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error("pickle " + path + " cannot be read");
    // One copy of the file (CIFAR-100's train batch is 150 MB).
    std::string bytes(std::size_t(std::max<std::streamoff>(0, in.tellg())), '\0');
    in.seekg(0);
    if (!in.read(bytes.data(), std::streamsize(bytes.size())))
        throw Error("pickle " + path + ": reading failed");
    return PickleFile(std::move(bytes), path);
}

namespace {

// The opcodes that push bytes or a string, and the size of their unsigned
// length field (BINSTRING's is signed: parsed on its own).
bool isTextOpcode(unsigned char op, bool &isText, int &lengthBytes)
{
    switch (op) {
    case 'U':  // SHORT_BINSTRING: Python 2's str, read as bytes
    case 'C':  // SHORT_BINBYTES
    case 0x8c: // SHORT_BINUNICODE
        lengthBytes = 1;
        break;
    case 'B': // BINBYTES
    case 'X': // BINUNICODE
        lengthBytes = 4;
        break;
    case 0x8e: // BINBYTES8
    case 0x96: // BYTEARRAY8
    case 0x8d: // BINUNICODE8
        lengthBytes = 8;
        break;
    default:
        return false;
    }
    isText = op == 0x8c || op == 'X' || op == 0x8d;
    return true;
}

} // namespace

void PickleFile::parse()
{
    const auto *p = reinterpret_cast<const unsigned char *>(m_bytes.data());
    const std::size_t end = m_bytes.size();
    std::size_t at = 0;
    std::size_t opAt = 0;
    unsigned char op = 0;
    std::vector<int> stack;         // node indices
    std::vector<std::size_t> marks; // stack sizes at each MARK
    std::unordered_map<std::uint64_t, int> memo;

    auto fail = [&](const std::string &what) {
        char code[8];
        std::snprintf(code, sizeof code, "0x%02x", op);
        return Error("pickle " + m_path + ": byte " + std::to_string(opAt) + " (opcode " + code +
                     "): " + what);
    };
    auto need = [&](std::uint64_t n) {
        if (n > end - at)
            throw fail("the file ends " + std::to_string(end - at) + " bytes on, " +
                       std::to_string(n) + " expected (a truncated file?)");
    };
    auto little = [&](int n) {
        need(std::uint64_t(n));
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i)
            v |= std::uint64_t(p[at + std::size_t(i)]) << (8 * i);
        at += std::size_t(n);
        return v;
    };
    auto add = [&](Node node) {
        m_nodes.push_back(std::move(node));
        return int(m_nodes.size() - 1);
    };
    auto push = [&](Node node) { stack.push_back(add(std::move(node))); };
    auto topIndex = [&]() {
        if (stack.empty() || (!marks.empty() && stack.size() == marks.back()))
            throw fail("nothing on the stack to take");
        return stack.back();
    };
    auto pop = [&]() {
        const int v = topIndex();
        stack.pop_back();
        return v;
    };
    auto popMark = [&]() {
        if (marks.empty()) throw fail("no MARK before it");
        std::vector<int> items(stack.begin() + std::ptrdiff_t(marks.back()), stack.end());
        stack.resize(marks.back());
        marks.pop_back();
        return items;
    };
    auto pushNumber = [&](Kind kind, std::int64_t v) {
        Node n;
        n.kind = kind;
        n.number = v;
        push(std::move(n));
    };
    auto pushText = [&](Kind kind, std::uint64_t length) {
        need(length);
        Node n;
        n.kind = kind;
        n.text = std::string_view(m_bytes.data() + at, std::size_t(length));
        at += std::size_t(length);
        push(std::move(n));
    };
    auto pushContainer = [&](Kind kind, std::vector<int> items) {
        if (kind == Kind::Dict && items.size() % 2 != 0)
            throw fail("a dict of an odd number of keys and values");
        Node n;
        n.kind = kind;
        n.items = std::move(items);
        push(std::move(n));
    };
    auto line = [&]() {
        const void *nl = std::memchr(p + at, '\n', end - at);
        if (!nl) throw fail("a text argument without its line end (a truncated file?)");
        const std::size_t n = std::size_t(static_cast<const unsigned char *>(nl) - (p + at));
        std::string_view s(m_bytes.data() + at, n);
        at += n + 1;
        return s;
    };
    auto pushGlobal = [&](std::string name) {
        if (!isAllowedGlobal(name))
            throw fail("it names the Python function or class " + name +
                       "; only NumPy arrays and plain values (dicts, lists, tuples, bytes, "
                       "strings, numbers) are read, never other Python objects");
        m_owned.push_back(std::move(name));
        Node n;
        n.kind = Kind::Global;
        n.text = m_owned.back();
        push(std::move(n));
    };
    auto ofKind = [&](int node, Kind kind, const char *what) -> const Node & {
        if (m_nodes[std::size_t(node)].kind != kind)
            throw fail(std::string("expected ") + what + ", found " + describe(node));
        return m_nodes[std::size_t(node)];
    };
    // APPEND(S), SETITEM(S): items added to the list or dict below them.
    auto extend = [&](Kind kind, const char *what, const std::vector<int> &items) {
        const int container = topIndex();
        ofKind(container, kind, what);
        auto &target = m_nodes[std::size_t(container)].items;
        target.insert(target.end(), items.begin(), items.end());
    };
    auto isNumber = [&](int node) {
        const Kind k = m_nodes[std::size_t(node)].kind;
        return k == Kind::Int || k == Kind::Bool;
    };
    auto textOf = [&](int node, const char *what) {
        const Node &n = m_nodes[std::size_t(node)];
        if (n.kind != Kind::Text && n.kind != Kind::Bytes)
            throw fail(std::string("expected ") + what + ", found " + describe(node));
        return n.text;
    };
    // The element type of a NumPy dtype ("u1", "<i8" and its byte order).
    auto elementType = [&](int dtypeNode) {
        const Node &dtype = ofKind(dtypeNode, Kind::Dtype, "a NumPy dtype");
        PickleArray a;
        std::string_view type = dtype.text;
        char order = char(dtype.number);
        if (!type.empty() && isOneOf(type.substr(0, 1), {"<", ">", "|", "="})) {
            if (order == 0) order = type[0];
            type.remove_prefix(1);
        }
        a.bigEndian = order == '>';
        a.kind = type.empty() ? 0 : type[0];
        if (!isOneOf(std::string_view(&a.kind, 1), {"u", "i", "f", "b"}) ||
            !isOneOf(type.substr(1), {"1", "2", "4", "8"}))
            throw fail("a NumPy value of type '" + std::string(dtype.text) +
                       "'; expected integers, floats or booleans (u1, i8, f4, ...)");
        a.itemBytes = type[1] - '0';
        return a;
    };
    // A NumPy array from its parts; the byte count must match shape x type.
    auto makeArray = [&](int shapeNode, int dtypeNode, bool fortran, int rawNode) {
        const Node &shapeTuple = ofKind(shapeNode, Kind::Tuple, "an array shape (a tuple)");
        const std::string_view raw = textOf(rawNode, "the array's bytes");
        PickleArray a = elementType(dtypeNode);
        std::uint64_t count = 1;
        for (int d : shapeTuple.items) {
            if (!isNumber(d) || m_nodes[std::size_t(d)].number < 0)
                throw fail("an array shape holding " + describe(d) + "; expected sizes >= 0");
            const auto size = std::uint64_t(m_nodes[std::size_t(d)].number);
            if (size != 0 && count > raw.size() / size + 1)
                count = raw.size() + 1; // overflow
            else
                count *= size;
            a.shape.push_back(std::int64_t(size));
        }
        if (count > std::numeric_limits<std::uint64_t>::max() / 8 ||
            count * std::uint64_t(a.itemBytes) != raw.size())
            throw fail(
                a.describe() + " with " + std::to_string(raw.size()) + " bytes; the shape needs " +
                (count > raw.size() ? "more" : std::to_string(count * std::uint64_t(a.itemBytes))));
        a.fortranOrder = fortran;
        a.data = raw;
        m_arrays.push_back(std::move(a));
        Node n;
        n.kind = Kind::Array;
        n.number = std::int64_t(m_arrays.size() - 1);
        return n;
    };

    while (at < end) {
        opAt = at;
        op = p[at++];
        bool isText = false;
        int lengthBytes = 0;
        if (isTextOpcode(op, isText, lengthBytes)) {
            pushText(isText ? Kind::Text : Kind::Bytes, little(lengthBytes));
            continue;
        }
        switch (op) {
        case 0x80: // PROTO
            if (little(1) > 5) throw fail("a pickle protocol above 5");
            break;
        case 0x95: // FRAME: a length hint
            little(8);
            break;
        case '.': { // STOP
            m_top = pop();
            if (m_nodes[std::size_t(m_top)].kind != Kind::Dict)
                throw Error("pickle " + m_path + " holds " + describe(m_top) +
                            "; expected a dict (of names to arrays and lists)");
            return;
        }
        case '(':
            marks.push_back(stack.size());
            break;
        case '0':
            pop();
            break;
        case '1':
            popMark();
            break;
        case '2':
            stack.push_back(topIndex());
            break;
        case 'N':
            push(Node{});
            break;
        case 0x88:
            pushNumber(Kind::Bool, 1);
            break;
        case 0x89:
            pushNumber(Kind::Bool, 0);
            break;
        case 'J':
            pushNumber(Kind::Int, std::int32_t(std::uint32_t(little(4))));
            break;
        case 'K':
            pushNumber(Kind::Int, std::int64_t(little(1)));
            break;
        case 'M':
            pushNumber(Kind::Int, std::int64_t(little(2)));
            break;
        case 0x8a: { // LONG1: little-endian two's complement
            const int n = int(little(1));
            if (n > 8)
                throw fail("an integer of " + std::to_string(n) + " bytes; at most 8 are read");
            std::uint64_t v = little(n);
            if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~std::uint64_t(0) << (8 * n);
            pushNumber(Kind::Int, std::int64_t(v));
            break;
        }
        case 'I': { // INT (protocol 0; Python 2 writes booleans as I01 / I00)
            const std::string_view s = line();
            std::int64_t v = 0;
            const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
            if (r.ec != std::errc() || r.ptr != s.data() + s.size())
                throw fail("an INT argument '" + std::string(s.substr(0, 40)) + "'");
            pushNumber(s == "01" || s == "00" ? Kind::Bool : Kind::Int, v);
            break;
        }
        case 'G': { // BINFLOAT: a big-endian double, never read
            need(8);
            at += 8;
            pushNumber(Kind::Float, 0);
            break;
        }
        case 'T': {
            const auto n = std::int32_t(std::uint32_t(little(4)));
            if (n < 0) throw fail("a string of negative length");
            pushText(Kind::Bytes, std::uint64_t(n));
            break;
        }
        case 0x98: // READONLY_BUFFER: a flag on the buffer below
            topIndex();
            break;
        case '}':
            pushContainer(Kind::Dict, {});
            break;
        case ']':
            pushContainer(Kind::List, {});
            break;
        case ')':
            pushContainer(Kind::Tuple, {});
            break;
        case 'd':
            pushContainer(Kind::Dict, popMark());
            break;
        case 'l':
            pushContainer(Kind::List, popMark());
            break;
        case 't':
            pushContainer(Kind::Tuple, popMark());
            break;
        case 0x85:
        case 0x86:
        case 0x87: {
            std::vector<int> items(std::size_t(op - 0x84));
            for (auto i = items.size(); i-- > 0;)
                items[i] = pop();
            pushContainer(Kind::Tuple, std::move(items));
            break;
        }
        case 'a':
            extend(Kind::List, "a list to append to", {pop()});
            break;
        case 'e':
            extend(Kind::List, "a list to append to", popMark());
            break;
        case 's': {
            const int value = pop();
            const int key = pop();
            extend(Kind::Dict, "a dict to set items of", {key, value});
            break;
        }
        case 'u': {
            const std::vector<int> items = popMark();
            if (items.size() % 2 != 0) throw fail("an odd number of keys and values");
            extend(Kind::Dict, "a dict to set items of", items);
            break;
        }
        case 'q':
            memo[little(1)] = topIndex();
            break;
        case 'r':
            memo[little(4)] = topIndex();
            break;
        case 0x94:
            memo[memo.size()] = topIndex();
            break;
        case 'h':
        case 'j': {
            const std::uint64_t key = little(op == 'h' ? 1 : 4);
            const auto it = memo.find(key);
            if (it == memo.end())
                throw fail("memo entry " + std::to_string(key) + " was never stored");
            stack.push_back(it->second);
            break;
        }
        case 'c': {
            const std::string module(line());
            pushGlobal(module + "." + std::string(line()));
            break;
        }
        case 0x93: { // STACK_GLOBAL
            const int name = pop();
            const int module = pop();
            pushGlobal(std::string(textOf(module, "a module name")) + "." +
                       std::string(textOf(name, "a name")));
            break;
        }
        case 'R': { // REDUCE: function(*arguments)
            const int args = pop();
            const int function = pop();
            const std::string_view name = ofKind(function, Kind::Global, "a function").text;
            const std::vector<int> a = ofKind(args, Kind::Tuple, "a tuple of arguments").items;
            if (name == "_codecs.encode") {
                if (a.size() != 2 || !isOneOf(textOf(a[1], "an encoding"), {"latin1", "latin-1"}))
                    throw fail("_codecs.encode called other than as (text, 'latin1')");
                std::string bytes;
                if (!latin1FromUtf8(textOf(a[0], "text"), bytes))
                    throw fail("_codecs.encode of text that is not Latin-1");
                m_owned.push_back(std::move(bytes));
                Node n;
                n.kind = Kind::Bytes;
                n.text = m_owned.back();
                push(std::move(n));
            } else if (name == "numpy.dtype") {
                if (a.empty()) throw fail("numpy.dtype without a type");
                Node n;
                n.kind = Kind::Dtype;
                n.text = textOf(a[0], "a type name such as 'u1'");
                push(std::move(n));
            } else if (isReconstruct(name)) {
                Node n; // becomes the array when BUILD gives its state
                n.kind = Kind::Call;
                n.items = {function, args};
                push(std::move(n));
            } else if (isScalar(name)) {
                // scalar(dtype, raw bytes of one element)
                if (a.size() != 2) throw fail(std::string(name) + " with other than 2 arguments");
                PickleArray one = elementType(a[0]);
                one.data = textOf(a[1], "the scalar's bytes");
                if (one.data.size() != std::size_t(one.itemBytes))
                    throw fail("a NumPy scalar of " + std::to_string(one.itemBytes) +
                               " bytes holding " + std::to_string(one.data.size()));
                Node n;
                n.kind = one.kind == 'f' ? Kind::Float : Kind::Int;
                if (n.kind == Kind::Int && !integerAt(one, 0, n.number))
                    throw fail("a NumPy integer above 2^63");
                push(std::move(n));
            } else if (isFromBuffer(name)) {
                // _frombuffer(buffer, dtype, shape, order)
                if (a.size() != 4) throw fail(std::string(name) + " with other than 4 arguments");
                const std::string_view order = textOf(a[3], "an order 'C' or 'F'");
                push(makeArray(a[2], a[1], order == "F", a[0]));
            } else {
                throw fail("a call of " + std::string(name) + "; expected a NumPy array's");
            }
            break;
        }
        case 'b': { // BUILD: set the state of the object below
            const int state = pop();
            const int object = topIndex();
            const std::vector<int> s = ofKind(state, Kind::Tuple, "a state tuple").items;
            const Kind kind = m_nodes[std::size_t(object)].kind;
            if (kind == Kind::Dtype) {
                // (version, byte order, ...)
                if (s.size() < 2) throw fail("a dtype state of fewer than 2 items");
                const std::string_view order = textOf(s[1], "a byte order");
                m_nodes[std::size_t(object)].number = order.empty() ? 0 : order[0];
            } else if (kind == Kind::Call) {
                // (version, shape, dtype, is Fortran order, raw bytes)
                if (s.size() != 5) throw fail("an array state of other than 5 items");
                if (!isNumber(s[3])) throw fail("an array's order flag is " + describe(s[3]));
                m_nodes[std::size_t(object)] =
                    makeArray(s[1], s[2], m_nodes[std::size_t(s[3])].number != 0, s[4]);
            } else {
                throw fail("a state for " + describe(object) + "; only arrays and dtypes take one");
            }
            break;
        }
        case 0x97:
            throw fail("an out-of-band buffer (pickled with buffer_callback); save it in band");
        default:
            throw fail("an opcode this reader does not take (it reads dicts, lists, tuples, bytes, "
                       "strings, integers and NumPy arrays, protocols 2 to 5)");
        }
    }
    throw Error("pickle " + m_path + " ends at byte " + std::to_string(end) +
                " before its STOP opcode (a truncated file?)");
}

std::string PickleFile::describe(int node) const
{
    const Node &n = m_nodes[std::size_t(node)];
    switch (n.kind) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return "a boolean";
    case Kind::Int:
        return "the integer " + std::to_string(n.number);
    case Kind::Float:
        return "a float";
    case Kind::Bytes:
        return "bytes";
    case Kind::Text:
        return "a string";
    case Kind::List:
        return "a list of " + std::to_string(n.items.size()) + " items";
    case Kind::Tuple:
        return "a tuple of " + std::to_string(n.items.size()) + " items";
    case Kind::Dict:
        return "a dict";
    case Kind::Global:
        return std::string(n.text);
    case Kind::Call:
        return "an array without its state";
    case Kind::Dtype:
        return "a NumPy dtype";
    case Kind::Array: {
        return m_arrays[std::size_t(n.number)].describe();
    }
    }
    return "a value";
}

int PickleFile::valueOf(std::string_view key) const
{
    // From the end: a key set twice holds its last value, as in Python.
    const std::vector<int> &items = m_nodes[std::size_t(m_top)].items;
    for (std::size_t i = items.size(); i >= 2; i -= 2) {
        const Node &k = m_nodes[std::size_t(items[i - 2])];
        if ((k.kind == Kind::Bytes || k.kind == Kind::Text) && k.text == key) return items[i - 1];
    }
    return -1;
}

int PickleFile::require(std::string_view key) const
{
    const int v = valueOf(key);
    if (v >= 0) return v;
    std::string present;
    for (const std::string &k : keys())
        present += (present.empty() ? "'" : ", '") + k + "'";
    throw Error("pickle " + m_path + " has no entry '" + std::string(key) +
                "' (its entries: " + (present.empty() ? "none" : present) + ")");
}

std::vector<std::string> PickleFile::keys() const
{
    std::vector<std::string> out;
    const Node &dict = m_nodes[std::size_t(m_top)];
    for (std::size_t i = 0; i + 1 < dict.items.size(); i += 2) {
        const Node &k = m_nodes[std::size_t(dict.items[i])];
        if (k.kind == Kind::Bytes || k.kind == Kind::Text) out.emplace_back(k.text);
    }
    return out;
}

bool PickleFile::has(std::string_view key) const
{
    return valueOf(key) >= 0;
}

PickleArray PickleFile::array(std::string_view key) const
{
    const int v = require(key);
    if (m_nodes[std::size_t(v)].kind != Kind::Array)
        throw Error("pickle " + m_path + ": '" + std::string(key) + "' is " + describe(v) +
                    "; expected a NumPy array");
    return m_arrays[std::size_t(m_nodes[std::size_t(v)].number)];
}

std::vector<std::int64_t> PickleFile::integers(std::string_view key) const
{
    const int v = require(key);
    const Node &n = m_nodes[std::size_t(v)];
    std::vector<std::int64_t> out;
    auto wrong = [&](const std::string &found) {
        return Error("pickle " + m_path + ": '" + std::string(key) + "' is " + found +
                     "; expected a list of integers or a one-dimensional integer array");
    };
    if (n.kind == Kind::List || n.kind == Kind::Tuple) {
        for (int item : n.items) {
            const Node &i = m_nodes[std::size_t(item)];
            if (i.kind != Kind::Int && i.kind != Kind::Bool)
                throw wrong("a list holding " + describe(item));
            out.push_back(i.number);
        }
        return out;
    }
    if (n.kind != Kind::Array) throw wrong(describe(v));
    const PickleArray &a = m_arrays[std::size_t(n.number)];
    if (a.shape.size() != 1 || (a.kind != 'u' && a.kind != 'i')) throw wrong(describe(v));
    out.resize(std::size_t(a.count()));
    for (std::int64_t i = 0; i < a.count(); ++i)
        if (!integerAt(a, i, out[std::size_t(i)]))
            throw wrong("an array holding a value above 2^63");
    return out;
}

std::vector<std::string> PickleFile::strings(std::string_view key) const
{
    const int v = require(key);
    const Node &n = m_nodes[std::size_t(v)];
    std::vector<std::string> out;
    if (n.kind == Kind::List || n.kind == Kind::Tuple)
        for (int item : n.items) {
            const Node &i = m_nodes[std::size_t(item)];
            if (i.kind != Kind::Bytes && i.kind != Kind::Text) break;
            out.emplace_back(i.text);
        }
    if ((n.kind != Kind::List && n.kind != Kind::Tuple) || out.size() != n.items.size())
        throw Error("pickle " + m_path + ": '" + std::string(key) + "' is " + describe(v) +
                    "; expected a list of strings");
    return out;
}

} // namespace latent
