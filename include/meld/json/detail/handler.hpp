// meld/json/detail/handler.hpp — the boost::json::basic_parser handler behind meld::json::decode.
//
// Fills the target object directly from SAX events, without a DOM. A stack of frames (one per open
// object/array being filled) holds the storage and its sink; `next_` is the slot the next value of the
// current object goes to (chosen by the key). Unknown members are skipped by counting depth only; raw_json
// and oneOf subtrees are captured as compact JSON text (numbers keep their text) and handed to the sink.
#ifndef MELD_JSON_DETAIL_HANDLER_HPP
#define MELD_JSON_DETAIL_HANDLER_HPP

#include <meld/error.hpp>
#include <meld/json/detail/escape.hpp>
#include <meld/json/detail/sinks.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace meld::json::detail {

class handler {
public:
    static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();

    handler(slot root, std::string* message) : root_(root), message_(message) { stack_.reserve(16); }

    bool failed() const noexcept { return failed_; }
    std::size_t matched() const noexcept { return matched_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_comment_part(boost::json::string_view, error_code&) { return true; }
    bool on_comment(boost::json::string_view, error_code&) { return true; }

    bool on_object_begin(error_code& ec) { return begin(ec, sink_kind::object, '{'); }
    bool on_object_end(std::size_t, error_code& ec) { return end('}', ec); }
    bool on_array_begin(error_code& ec) { return begin(ec, sink_kind::array, '['); }
    bool on_array_end(std::size_t, error_code& ec) { return end(']', ec); }

    bool on_key_part(boost::json::string_view s, std::size_t, error_code&)
    {
        if (skip_ == 0) buf_.append(s.data(), s.size());
        return true;
    }

    bool on_key(boost::json::string_view s, std::size_t, error_code&)
    {
        if (skip_ != 0) return true;
        std::string_view const key = piece(s);
        if (capture_ != 0) {
            if (comma_) cap_ += ',';
            append_escaped(cap_, key);
            cap_ += ':';
            comma_ = false;
        } else {
            frame& f = stack_.back();
            next_ = f.vt->member(f.p, key, f.hint, f.key);
            if (next_.vt) ++matched_;
        }
        buf_.clear();
        return true;
    }

    bool on_string_part(boost::json::string_view s, std::size_t, error_code&)
    {
        if (!discarding()) buf_.append(s.data(), s.size());
        return true;
    }

    bool on_string(boost::json::string_view s, std::size_t, error_code& ec)
    {
        if (skip_ != 0) return true;
        std::string_view const v = piece(s);
        bool ok = true;
        if (capture_ != 0) {
            capture_string(v);
        } else if (slot t = take(); t.vt) {
            resolve(t);
            if (t.vt->kind == sink_kind::capture) {
                start_capture(t);
                capture_string(v);
                ok = finish_capture(ec, t);
            } else if (!t.vt->on_string) {
                ok = mismatch(ec, t.vt, "a string");
            } else if (char const* problem = t.vt->on_string(t.p, v)) {
                ok = fail(ec, problem);
            }
        }
        buf_.clear();
        return ok;
    }

    bool on_number_part(boost::json::string_view s, error_code&)
    {
        if (!discarding()) buf_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t, boost::json::string_view s, error_code& ec) { return number(ec, s); }
    bool on_uint64(std::uint64_t, boost::json::string_view s, error_code& ec) { return number(ec, s); }
    bool on_double(double, boost::json::string_view s, error_code& ec) { return number(ec, s); }

    bool on_bool(bool b, error_code& ec)
    {
        if (skip_ != 0) return true;
        if (capture_ != 0) return capture_token(b ? "true" : "false"), true;
        slot t = take();
        if (!t.vt) return true;
        resolve(t);
        if (t.vt->kind == sink_kind::capture) {
            start_capture(t);
            capture_token(b ? "true" : "false");
            return finish_capture(ec, t);
        }
        if (!t.vt->on_bool) return mismatch(ec, t.vt, "a boolean");
        if (char const* problem = t.vt->on_bool(t.p, b)) return fail(ec, problem);
        return true;
    }

    bool on_null(error_code&)
    {
        if (skip_ != 0) return true;
        if (capture_ != 0) return capture_token("null"), true;
        slot const t = take();
        if (t.vt) t.vt->on_null(t.p);  // optional: disengaged; anything else: default value
        return true;
    }

private:
    struct frame {
        void* p;
        sink const* vt;
        std::string_view key;  ///< object: current member name (stable storage), for error paths
        std::size_t index;     ///< array: number of elements started
        std::size_t hint;      ///< struct: where the next member lookup starts
    };

    /// The whole text of a string/key/number whose last piece is `s`.
    std::string_view piece(boost::json::string_view s)
    {
        if (buf_.empty()) return {s.data(), s.size()};
        buf_.append(s.data(), s.size());
        return buf_;
    }

    /// True while the pieces of the current value are not needed (a skipped subtree or unknown member).
    bool discarding() const noexcept
    {
        return skip_ != 0 ||
               (capture_ == 0 && !stack_.empty() && stack_.back().vt->kind == sink_kind::object && !next_.vt);
    }

    /// The slot of the value that starts now.
    slot take()
    {
        if (stack_.empty()) return root_;
        frame& f = stack_.back();
        if (f.vt->kind == sink_kind::array) {
            ++f.index;
            return {f.vt->element(f.p), f.vt->child(), true};
        }
        return next_;
    }

    /// Engages optionals down to the sink that receives the (non-null) value.
    static void resolve(slot& t)
    {
        while (t.vt->kind == sink_kind::optional) {
            t.p = t.vt->emplace(t.p);
            t.vt = t.vt->child();
            t.fresh = true;
        }
    }

    bool begin(error_code& ec, sink_kind kind, char open)
    {
        if (skip_ != 0) return ++skip_, true;
        if (capture_ != 0) {
            if (comma_) cap_ += ',';
            cap_ += open;
            comma_ = false;
            ++capture_;
            return true;
        }
        slot t = take();
        if (!t.vt) return skip_ = 1, true;
        resolve(t);
        if (t.vt->kind == sink_kind::capture) {
            start_capture(t);
            cap_ += open;
            capture_ = 1;
            return true;
        }
        if (t.vt->kind != kind) return mismatch(ec, t.vt, kind == sink_kind::object ? "an object" : "an array");
        if (!t.fresh) t.vt->clear(t.p);  // a duplicate key, or the caller's value at the root
        stack_.push_back({t.p, t.vt, {}, 0, 0});
        return true;
    }

    bool end(char close, error_code& ec)
    {
        if (skip_ != 0) return --skip_, true;
        if (capture_ != 0) {
            cap_ += close;
            comma_ = true;
            if (--capture_ == 0) return finish_capture(ec, capture_slot_);
            return true;
        }
        stack_.pop_back();
        return true;
    }

    bool number(error_code& ec, boost::json::string_view s)
    {
        if (skip_ != 0) return true;
        std::string_view const text = piece(s);
        bool ok = true;
        if (capture_ != 0) {
            capture_token(text);
        } else if (slot t = take(); t.vt) {
            resolve(t);
            if (t.vt->kind == sink_kind::capture) {
                start_capture(t);
                capture_token(text);
                ok = finish_capture(ec, t);
            } else if (!t.vt->on_number) {
                ok = mismatch(ec, t.vt, "a number");
            } else if (char const* problem = t.vt->on_number(t.p, text)) {
                ok = fail(ec, problem);
            }
        }
        buf_.clear();
        return ok;
    }

    // ---- capture (raw_json, oneOf) --------------------------------------------------------------------

    void start_capture(slot t)
    {
        capture_slot_ = t;
        cap_.clear();
        comma_ = false;
    }

    void capture_token(std::string_view token)
    {
        if (comma_) cap_ += ',';
        cap_ += token;
        comma_ = true;
    }

    void capture_string(std::string_view s)
    {
        if (comma_) cap_ += ',';
        append_escaped(cap_, s);
        comma_ = true;
    }

    bool finish_capture(error_code& ec, slot t)
    {
        std::string problem;
        if (!t.vt->finish(t.p, cap_, problem)) return fail(ec, problem);
        return true;
    }

    // ---- errors ---------------------------------------------------------------------------------------

    bool mismatch(error_code& ec, sink const* vt, char const* got)
    {
        if (!message_) return fail(ec, {});
        std::string problem = "expected ";
        problem += vt->expected;
        problem += ", got ";
        problem += got;
        return fail(ec, problem);
    }

    /// Records the failure; a `problem` starting with '$' is a path relative to the current value.
    bool fail(error_code& ec, std::string_view problem)
    {
        ec = client_errc::decode_failed;
        failed_ = true;
        if (!message_) return false;
        std::string& m = *message_;
        m = "$";
        for (frame const& f : stack_) {
            if (f.vt->kind == sink_kind::array) {
                m += '[';
                m += std::to_string(f.index - 1);
                m += ']';
            } else {
                m += '.';
                m += f.key;
            }
        }
        if (!problem.empty() && problem.front() == '$') {
            m += problem.substr(1);
        } else {
            m += ": ";
            m += problem;
        }
        return false;
    }

    slot root_;
    std::string* message_;
    std::vector<frame> stack_;
    slot next_;
    slot capture_slot_;
    std::size_t skip_ = 0;     ///< depth inside a skipped container
    std::size_t capture_ = 0;  ///< depth inside a captured container
    std::size_t matched_ = 0;  ///< struct members recognised
    bool comma_ = false;       ///< capture: the next token needs a ',' first
    bool failed_ = false;
    std::string buf_;          ///< pieces of a key / string / number split across events
    std::string cap_;          ///< captured subtree text
};

}  // namespace meld::json::detail

#endif
