// meld/service_providers.hpp — the service_providers API group: its models (meld::service_providers::*), descriptors and the meld.service_providers.* calls.
#ifndef MELD_SERVICE_PROVIDERS_HPP
#define MELD_SERVICE_PROVIDERS_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/service_providers.hpp>

#endif
