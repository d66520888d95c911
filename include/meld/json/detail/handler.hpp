// meld/json/detail/handler.hpp — the boost::json::basic_parser handler behind meld::json::decode.
//
// Fills the target object directly from SAX events, without a DOM. A stack of frames (one per open
// object/array being filled) holds the storage and its sink; `next_` is the slot the next value of the
// current object goes to (chosen by the key). Unknown members are skipped by counting depth only; raw_json
// and oneOf subtrees are captured as compact JSON text (numbers keep their text) and handed to the sink.
// A value of the wrong JSON type below the root is tolerated (decode_report.hpp): the member is left empty
// (an array element is dropped), a container is skipped, and a warning records its JSON pointer, what was
// expected and its raw text (bounded); in strict mode it fails instead, naming the path.
#ifndef MELD_JSON_DETAIL_HANDLER_HPP
#define MELD_JSON_DETAIL_HANDLER_HPP

#include <meld/error.hpp>
#include <meld/json/decode_report.hpp>
#include <meld/json/detail/escape.hpp>
#include <meld/json/detail/sinks.hpp>

#include <boost/container/small_vector.hpp>
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

    handler(slot root, std::string* message, decode_context const& ctx) : root_(root), message_(message), ctx_(ctx) {}

    /// Starts over for another document into `root` (a parser kept for reuse: stream_decoder.hpp); the
    /// buffers keep their capacity.
    void rebind(slot root, std::string* message, decode_context const& ctx) noexcept
    {
        root_ = root;
        message_ = message;
        ctx_ = ctx;
        stack_.clear();
        next_ = {};
        capture_slot_ = {};
        skip_ = capture_ = matched_ = warnings_ = 0;
        comma_ = failed_ = warning_open_ = keep_ = wcomma_ = false;
        buf_.clear();
        cap_.clear();
        wpath_.clear();
        wraw_.clear();
        wexpected_ = "";
    }

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
        if (skip_ == 0 || warning_open_) buf_.append(s.data(), s.size());
        return true;
    }

    bool on_key(boost::json::string_view s, std::size_t, error_code&)
    {
        std::string_view const key = piece(s);
        if (skip_ != 0) {
            if (warning_open_) warn_key(key);
        } else if (capture_ != 0) {
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
        std::string_view const v = piece(s);
        bool ok = true;
        if (skip_ != 0) {
            if (warning_open_) warn_value(v, true);
        } else if (capture_ != 0) {
            capture_string(v);
        } else if (slot t = take(); t.vt) {
            slot const orig = t;
            resolve(t);
            if (t.vt->kind == sink_kind::capture) {
                start_capture(t);
                capture_string(v);
                ok = finish_capture(ec, t);
            } else if (!t.vt->on_string) {
                ok = mismatch(ec, orig, t.vt, "a string", v, true);
            } else if (char const* problem = t.vt->on_string(t.p, v)) {
                ok = rejected(ec, orig, t.vt, problem, v, true);
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
        std::string_view const text = b ? "true" : "false";
        if (skip_ != 0) {
            if (warning_open_) warn_value(text, false);
            return true;
        }
        if (capture_ != 0) return capture_token(text), true;
        slot t = take();
        if (!t.vt) return true;
        slot const orig = t;
        resolve(t);
        if (t.vt->kind == sink_kind::capture) {
            start_capture(t);
            capture_token(text);
            return finish_capture(ec, t);
        }
        if (!t.vt->on_bool) return mismatch(ec, orig, t.vt, "a boolean", text, false);
        if (char const* problem = t.vt->on_bool(t.p, b)) return rejected(ec, orig, t.vt, problem, text, false);
        return true;
    }

    bool on_null(error_code&)
    {
        if (skip_ != 0) {
            if (warning_open_) warn_value("null", false);
            return true;
        }
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
        if (skip_ != 0) return !warning_open_;
        return capture_ == 0 && !stack_.empty() && stack_.back().vt->kind == sink_kind::object && !next_.vt;
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
        if (skip_ != 0) {
            if (warning_open_) warn_open(open);
            return ++skip_, true;
        }
        if (capture_ != 0) {
            if (comma_) cap_ += ',';
            cap_ += open;
            comma_ = false;
            ++capture_;
            return true;
        }
        slot t = take();
        if (!t.vt) return skip_ = 1, true;
        slot const orig = t;
        resolve(t);
        if (t.vt->kind == sink_kind::capture) {
            start_capture(t);
            cap_ += open;
            capture_ = 1;
            return true;
        }
        if (t.vt->kind != kind) {
            char const* got = kind == sink_kind::object ? "an object" : "an array";
            if (!tolerant()) return mismatch(ec, orig, t.vt, got, {}, false);
            open_warning(t.vt->expected);  // the container is skipped; its text becomes the warning's raw
            warn_open(open);
            leave_empty(orig);
            skip_ = 1;
            return true;
        }
        if (!t.fresh) t.vt->clear(t.p);  // a duplicate key, or the caller's value at the root
        stack_.push_back({t.p, t.vt, {}, 0, 0});
        return true;
    }

    bool end(char close, error_code& ec)
    {
        if (skip_ != 0) {
            if (warning_open_) warn_close(close);
            if (--skip_ == 0 && warning_open_) close_warning();
            return true;
        }
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
        std::string_view const text = piece(s);
        bool ok = true;
        if (skip_ != 0) {
            if (warning_open_) warn_value(text, false);
        } else if (capture_ != 0) {
            capture_token(text);
        } else if (slot t = take(); t.vt) {
            slot const orig = t;
            resolve(t);
            if (t.vt->kind == sink_kind::capture) {
                start_capture(t);
                capture_token(text);
                ok = finish_capture(ec, t);
            } else if (!t.vt->on_number) {
                ok = mismatch(ec, orig, t.vt, "a number", text, false);
            } else if (char const* problem = t.vt->on_number(t.p, text)) {
                ok = rejected(ec, orig, t.vt, problem, text, false);
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
        std::string const path = ctx_.report != nullptr ? pointer() : std::string();
        decode_context inner = ctx_;
        inner.path_prefix = path;
        if (!t.vt->finish(t.p, cap_, problem, inner)) return fail(ec, problem);
        return true;
    }

    // ---- tolerance: warnings -------------------------------------------------------------------------

    /// Below the root and not strict: a wrong-typed value is a warning, not a failure.
    bool tolerant() const noexcept { return !ctx_.options.strict && !stack_.empty(); }

    /// The member that received a wrong-typed value is left empty: an optional disengaged, anything else its
    /// default; an array element just appended is removed.
    void leave_empty(slot const& orig)
    {
        frame& f = stack_.back();
        if (f.vt->kind == sink_kind::array && orig.fresh && f.vt->drop_last) f.vt->drop_last(f.p);
        else orig.vt->on_null(orig.p);
    }

    /// JSON pointer (RFC 6901) of the value that starts at the top of the stack.
    std::string pointer() const
    {
        std::string p(ctx_.path_prefix);
        for (frame const& f : stack_) {
            p += '/';
            if (f.vt->kind == sink_kind::array) {
                p += std::to_string(f.index - 1);
                continue;
            }
            for (char c : f.key) {
                if (c == '~') p += "~0";
                else if (c == '/') p += "~1";
                else p += c;
            }
        }
        return p;
    }

    void open_warning(char const* expected)
    {
        ++warnings_;
        if (ctx_.report) ++ctx_.report->total;
        keep_ = ctx_.report != nullptr && ctx_.report->warnings.size() < ctx_.options.max_warnings;
        if (keep_) {
            wpath_ = pointer();
            wexpected_ = expected;
        }
        wraw_.clear();
        wcomma_ = false;
        warning_open_ = true;
    }

    void close_warning()
    {
        warning_open_ = false;
        if (!keep_) return;
        if (wraw_.size() > decode_report::max_raw_bytes) {
            wraw_.resize(decode_report::max_raw_bytes);
            wraw_ += "...";
        }
        ctx_.report->warnings.push_back({std::move(wpath_), wexpected_, std::move(wraw_)});
        wraw_.clear();
    }

    bool warn_room() const noexcept { return keep_ && wraw_.size() <= decode_report::max_raw_bytes; }

    void warn_value(std::string_view text, bool quoted)
    {
        if (!warn_room()) return;
        if (wcomma_) wraw_ += ',';
        if (quoted) append_escaped(wraw_, text.substr(0, decode_report::max_raw_bytes));
        else wraw_.append(text.substr(0, decode_report::max_raw_bytes));
        wcomma_ = true;
    }

    void warn_key(std::string_view key)
    {
        if (!warn_room()) return;
        if (wcomma_) wraw_ += ',';
        append_escaped(wraw_, key.substr(0, decode_report::max_raw_bytes));
        wraw_ += ':';
        wcomma_ = false;
    }

    void warn_open(char open)
    {
        if (!warn_room()) return;
        if (wcomma_) wraw_ += ',';
        wraw_ += open;
        wcomma_ = false;
    }

    void warn_close(char close)
    {
        if (!warn_room()) return;
        wraw_ += close;
        wcomma_ = true;
    }

    /// A scalar of the wrong kind (`got`), or a container at the root / in strict mode.
    bool mismatch(error_code& ec, slot const& orig, sink const* vt, char const* got, std::string_view raw,
                  bool quoted)
    {
        if (tolerant()) return tolerate(orig, vt->expected, raw, quoted);
        if (!message_) return fail(ec, {});
        std::string problem = "expected ";
        problem += vt->expected;
        problem += ", got ";
        problem += got;
        return fail(ec, problem);
    }

    /// A scalar of the right kind that does not convert ("yesterday" for a date-time, 300 for an int8).
    bool rejected(error_code& ec, slot const& orig, sink const* vt, char const* problem, std::string_view raw,
                  bool quoted)
    {
        if (tolerant()) return tolerate(orig, vt->expected, raw, quoted);
        return fail(ec, problem);
    }

    bool tolerate(slot const& orig, char const* expected, std::string_view raw, bool quoted)
    {
        open_warning(expected);
        warn_value(raw, quoted);
        close_warning();
        leave_empty(orig);
        return true;
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
    decode_context ctx_;
    boost::container::small_vector<frame, 16> stack_;  // no allocation below 16 levels
    slot next_;
    slot capture_slot_;
    std::size_t skip_ = 0;      ///< depth inside a skipped container
    std::size_t capture_ = 0;   ///< depth inside a captured container
    std::size_t matched_ = 0;   ///< struct members recognised
    std::size_t warnings_ = 0;  ///< tolerated values in this decode
    bool comma_ = false;        ///< capture: the next token needs a ',' first
    bool failed_ = false;
    bool warning_open_ = false;  ///< skipping a wrong-typed container whose text is the warning's raw
    bool keep_ = false;          ///< the open warning is kept in the report (not only counted)
    bool wcomma_ = false;
    std::string buf_;          ///< pieces of a key / string / number split across events
    std::string cap_;          ///< captured subtree text
    std::string wpath_, wraw_;  ///< the open warning
    char const* wexpected_ = "";
};

}  // namespace meld::json::detail

#endif
