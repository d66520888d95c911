// meld/detail/config.hpp — build-mode switches shared by every meld header.
//
// Header-only by default. Define MELD_SEPARATE_COMPILATION in every TU and include <meld/src.hpp>
// in exactly one TU to compile the non-template parts (engine, pool, error categories) once.
#ifndef MELD_DETAIL_CONFIG_HPP
#define MELD_DETAIL_CONFIG_HPP

#ifdef MELD_SEPARATE_COMPILATION
#define MELD_DECL
#else
#define MELD_DECL inline
#endif

#include <meld/version.hpp>

namespace meld {
/// The API version the generated models describe; sent as `Meld-Version` unless overridden.
inline constexpr char const* models_version = "2026-02-03";
}  // namespace meld

#endif
