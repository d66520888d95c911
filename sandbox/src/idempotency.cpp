// sandbox/src/idempotency.cpp — the `X-Idempotency-Key` store (see idempotency.hpp).
#include "idempotency.hpp"

#include <string>
#include <utility>

namespace meld::emulator::detail {

idempotency_store::ticket::ticket(ticket&& o) noexcept
    : store_(std::exchange(o.store_, nullptr)), key_(std::move(o.key_)), token_(o.token_) {}

idempotency_store::ticket& idempotency_store::ticket::operator=(ticket&& o) noexcept {
    if (this != &o) {
        release();
        store_ = std::exchange(o.store_, nullptr);
        key_ = std::move(o.key_);
        token_ = o.token_;
    }
    return *this;
}

void idempotency_store::ticket::complete(http_answer const& answer) {
    if (!store_) return;
    store_->store(key_, token_, answer);  // may throw (allocation): then the destructor releases the key
    store_ = nullptr;
}

void idempotency_store::ticket::release() noexcept {
    if (auto* s = std::exchange(store_, nullptr)) s->forget(key_, token_);
}

idempotency_store::lookup idempotency_store::begin(std::string_view scope, std::string_view key) {
    // Length-prefixed, so that no (scope, key) pair can spell another one.
    std::string full = std::to_string(scope.size());
    full.append(":").append(scope).append(key);

    std::lock_guard lock{mutex_};
    lookup out;
    auto [it, inserted] = entries_.try_emplace(full);
    if (!inserted) {
        if (!it->second.done) {
            out.kind = outcome::in_flight;
        } else {
            out.kind = outcome::replay;
            out.stored = it->second.answer;
        }
        return out;
    }
    it->second.token = next_token_++;
    out.kind = outcome::first;
    out.claim = ticket{this, std::move(full), it->second.token};
    return out;
}

void idempotency_store::store(std::string const& key, std::uint64_t token, http_answer const& answer) {
    http_answer copy = answer;  // allocations first: a throw below leaves the entry in flight (released later)
    std::lock_guard lock{mutex_};
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.token != token || it->second.done) return;
    order_.push_back(key);
    it->second.answer = std::move(copy);
    it->second.done = true;
    while (order_.size() > capacity_) {  // the oldest stored answers go first
        entries_.erase(order_.front());
        order_.pop_front();
    }
}

void idempotency_store::forget(std::string const& key, std::uint64_t token) noexcept {
    std::lock_guard lock{mutex_};
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.token != token || it->second.done) return;
    entries_.erase(it);
}

std::size_t idempotency_store::stored() const {
    std::lock_guard lock{mutex_};
    return order_.size();
}

std::size_t idempotency_store::in_flight() const {
    std::lock_guard lock{mutex_};
    return entries_.size() - order_.size();
}

}  // namespace meld::emulator::detail
