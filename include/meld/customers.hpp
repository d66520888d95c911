// meld/customers.hpp — the customers API group: its models (meld::customers::*), descriptors and the meld.customers.* calls.
#ifndef MELD_CUSTOMERS_HPP
#define MELD_CUSTOMERS_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/customers.hpp>

#endif
