// meld/network_partners.hpp — the network_partners API group: its models (meld::network_partners::*), descriptors and the meld.network_partners.* calls.
#ifndef MELD_NETWORK_PARTNERS_HPP
#define MELD_NETWORK_PARTNERS_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/network_partners.hpp>

#endif
