// sandbox/src/api.hpp — the emulated Meld API: authentication, routing, validation and state.
#ifndef MELD_SANDBOX_SRC_API_HPP
#define MELD_SANDBOX_SRC_API_HPP

#include "detail.hpp"

#include <memory>
#include <mutex>

namespace meld::emulator::detail {

class api_state {
public:
    explicit api_state(server_params const& params);
    ~api_state();
    api_state(api_state const&) = delete;
    api_state& operator=(api_state const&) = delete;

    /// Authenticates, routes and answers one request. Thread-safe.
    http_answer handle(recorded_request const& request);

    struct data;

private:
    std::mutex mutex_;
    std::unique_ptr<data> data_;
};

}  // namespace meld::emulator::detail

#endif
