// meld/webhooks.hpp — the webhooks API group: its models (meld::webhooks::*), descriptors and the meld.webhooks.* calls.
#ifndef MELD_WEBHOOKS_HPP
#define MELD_WEBHOOKS_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/webhooks.hpp>

#endif
