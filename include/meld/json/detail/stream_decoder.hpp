// meld/json/detail/stream_decoder.hpp — meld::json::decode for a document that arrives in pieces.
//
// The same handler and rules as decode() (decode.hpp), fed incrementally: begin() resets the target, write()
// takes the next bytes as they come off the socket (a token split between two writes is joined by the
// handler; `last` marks the bytes that complete a body of known length), end() finishes the document. The transport feeds a call's 2xx JSON body through it, so the body is
// never held as a string. After the first error the rest of the bytes are ignored; end() reports it.
// Parsers are reused through a small per-thread cache (parser_cache): a parser that suspends between two
// pieces keeps its state on a stack it allocates, and a reused one has that stack, and its buffers, already.
#ifndef MELD_JSON_DETAIL_STREAM_DECODER_HPP
#define MELD_JSON_DETAIL_STREAM_DECODER_HPP

#include <meld/detail/thread_cache.hpp>
#include <meld/error.hpp>
#include <meld/json/decode.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace meld::json::detail {

using stream_parser = boost::json::basic_parser<handler>;

/// Up to `slots` idle parsers per thread. A parser taken on one thread may be given back on another (a
/// connection's strand moves between the io_context's threads): it joins that thread's cache.
class parser_cache {
    struct free_parser {
        void operator()(stream_parser* p) const noexcept { delete p; }
    };
    using cache = meld::detail::thread_cache<stream_parser*, 8, free_parser>;

public:
    static constexpr std::size_t slots = cache::slots;

    static std::unique_ptr<stream_parser> take(slot root, std::string* message, decode_context const& ctx)
    {
        if (auto* c = cache::get(); c && c->count > 0) {
            std::unique_ptr<stream_parser> p(c->items[--c->count]);
            p->reset();
            p->handler().rebind(root, message, ctx);
            return p;
        }
        boost::json::parse_options opt;
        opt.max_depth = max_depth;
        return std::make_unique<stream_parser>(opt, root, message, ctx);
    }

    static void give(std::unique_ptr<stream_parser> p) noexcept
    {
        if (!p)
            return;
        if (auto* c = cache::get(); c && c->count < slots)
            c->items[c->count++] = p.release();
    }  // otherwise deleted
};

template <class T>
class stream_decoder {
public:
    stream_decoder(T& out, decode_options options) : out_(&out), options_(options) {}
    stream_decoder(stream_decoder const&) = delete;
    stream_decoder& operator=(stream_decoder const&) = delete;
    ~stream_decoder() { parser_cache::give(std::move(parser_)); }

    /// A new document starts: the target is reset, earlier warnings and errors are forgotten.
    void begin()
    {
        *out_ = T{};
        report_ = decode_report{};
        message_.clear();
        ec_ = {};
        offset_ = 0;
        finished_ = false;
        slot const root{out_, sink_of<T>()};
        decode_context const ctx{options_, &report_, {}};
        if (parser_) {  // a retried body: the same parser, from the start
            parser_->reset();
            parser_->handler().rebind(root, &message_, ctx);
        } else {
            parser_ = parser_cache::take(root, &message_, ctx);
        }
    }

    /// The next bytes of the document; `last`: no more follow (the parser then never suspends, which would
    /// allocate its state stack: a body that arrives in one piece is decoded like decode() does).
    void write(std::string_view bytes, bool last = false)
    {
        if (ec_ || !parser_ || finished_ || (bytes.empty() && !last))
            return;
        if (last && offset_ == 0 && bytes.empty())
            bytes = "null";
        error_code ec;
        std::size_t const n = parser_->write_some(!last, bytes.data(), bytes.size(), ec);
        finished_ = last;
        check(n, bytes.size(), ec);
    }

    /// The document is complete: {} or client_errc::decode_failed (message()). An empty document is `null`.
    error_code end()
    {
        if (!parser_)
            begin();
        if (!ec_ && !finished_) {
            error_code ec;
            if (offset_ == 0) {
                std::size_t const n = parser_->write_some(false, "null", 4, ec);
                check(n, 4, ec);
            } else {
                parser_->write_some(false, nullptr, 0, ec);
                check(0, 0, ec);
            }
        }
        parser_cache::give(std::move(parser_));
        return ec_;
    }

    error_code error() const noexcept { return ec_; }
    std::string const& message() const noexcept { return message_; }
    decode_report& report() noexcept { return report_; }

private:
    void check(std::size_t n, std::size_t size, error_code const& ec)
    {
        offset_ += n;
        if (!ec && n == size)
            return;
        if (!parser_->handler().failed())
            message_ = invalid_json_message(offset_, ec);
        ec_ = client_errc::decode_failed;
    }

    T* out_;
    decode_options options_;
    std::unique_ptr<stream_parser> parser_;
    decode_report report_;
    std::string message_;
    error_code ec_;
    std::size_t offset_ = 0;
    bool finished_ = false;  ///< write(..., last = true) ended the document
};

}  // namespace meld::json::detail

#endif
