#include "app/first_run.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "web/credentials.hpp"

namespace bw {

namespace {
void write_private_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  ::fchmod(fd, 0600);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path);
}
}  // namespace

void create_first_admin_if_empty(Accounts& accounts, const std::string& data_dir,
                                 const Clock& clock) {
  if (accounts.count_users() > 0) return;
  const std::string password = generate_password();
  const std::string token = generate_token();
  Result<User> admin =
      accounts.create_user({"admin", true, hash_password(password), true}, clock.now_ms());
  if (!admin) throw std::runtime_error(admin.error());
  accounts.add_token(admin->id, hash_token(token), "first-run", clock.now_ms());
  const std::string file = data_dir + "/initial-admin.txt";
  const std::string text =
      "Bellwether first-run administrator (shown once; change the password)\n"
      "user:     admin\n"
      "password: " +
      password +
      "\n"
      "token:    " +
      token + "\n";
  write_private_file(file, text);
  // Deliberately stdout, not the log: credentials must never reach log files.
  std::printf("\n%s(also saved to %s, mode 0600)\n\n", text.c_str(), file.c_str());
  std::fflush(stdout);
}

}  // namespace bw
