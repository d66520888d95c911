// tests/main.cpp — Catch2 runner shared by meld's test executables.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
