// meld/bank_linking.hpp — the bank_linking API group: its models (meld::bank_linking::*), descriptors and the meld.bank_linking.* calls.
#ifndef MELD_BANK_LINKING_HPP
#define MELD_BANK_LINKING_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/bank_linking.hpp>

#endif
