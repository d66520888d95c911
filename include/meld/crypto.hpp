// meld/crypto.hpp — the crypto API group: its models (meld::crypto::*), descriptors and the meld.crypto.* calls.
#ifndef MELD_CRYPTO_HPP
#define MELD_CRYPTO_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/crypto.hpp>

#endif
