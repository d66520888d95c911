// meld/detail/engine_fwd.hpp — forward declaration of the single I/O engine every operation runs on.
#ifndef MELD_DETAIL_ENGINE_FWD_HPP
#define MELD_DETAIL_ENGINE_FWD_HPP

namespace meld::detail {
class engine;
}  // namespace meld::detail

#endif
