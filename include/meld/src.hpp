// meld/src.hpp — include in exactly one TU when building with MELD_SEPARATE_COMPILATION.
#ifndef MELD_SRC_HPP
#define MELD_SRC_HPP

#ifndef MELD_SEPARATE_COMPILATION
#error "Define MELD_SEPARATE_COMPILATION in every translation unit to use <meld/src.hpp>"
#endif

#include <meld/impl/base_url.ipp>
#include <meld/impl/diagnostics.ipp>
#include <meld/impl/engine.ipp>
#include <meld/impl/error.ipp>

#endif
