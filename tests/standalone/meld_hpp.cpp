// tests/standalone/meld_hpp.cpp — <meld/meld.hpp> compiles alone (header-only mode, nothing else included).
#include <meld/meld.hpp>
