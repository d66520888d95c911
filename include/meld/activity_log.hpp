// meld/activity_log.hpp — the activity_log API group: its models (meld::activity_log::*), descriptors and the meld.activity_log.* calls.
#ifndef MELD_ACTIVITY_LOG_HPP
#define MELD_ACTIVITY_LOG_HPP

#include <meld/client.hpp>
#include <meld/generated/groups/activity_log.hpp>

#endif
