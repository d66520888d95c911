// tests/package/consumer.cpp — compiled against the installed headers through find_package(meld).
// Light on purpose (no Asio/Beast): it proves the package's include path, version and dependencies resolve.
#include <meld/decimal.hpp>
#include <meld/timestamp.hpp>

#include <cstdio>
#include <string>

int main()
{
    meld::decimal const amount{"0.00105423"};
    meld::timestamp const at{"2025-12-08T20:03:07.173223Z"};
    bool const ok = amount.text() == "0.00105423" && at.text() == "2025-12-08T20:03:07.173223Z";
    std::printf("%s %s %s\n", std::string(amount.text()).c_str(), std::string(at.text()).c_str(),
                ok ? "ok" : "MISMATCH");
    return ok ? 0 : 1;
}
