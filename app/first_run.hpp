// First run: when the database has no users, create the `admin` user with a
// random one-time password and API token, print them once, and keep a copy
// in `<data dir>/initial-admin.txt` (mode 0600). Never a fixed default.
#pragma once

#include <string>

#include "rules/clock.hpp"
#include "store/accounts.hpp"

namespace bw {

// Does nothing when any user exists. Throws on I/O failure.
void create_first_admin_if_empty(Accounts& accounts, const std::string& data_dir,
                                 const Clock& clock);

}  // namespace bw
