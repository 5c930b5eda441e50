#pragma once
// A real peer for a test: one of tests/integration's Python servers (smtp_server.py,
// webform_site.py) in a child process, on a free port it prints as "PORT <n>" once it listens —
// reading that line is the wait, no sleep. Stopped with SIGTERM when destroyed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace twinning::testing {

class PythonPeer {
 public:
  // `script` is relative to the source tree, e.g. "tests/integration/smtp_server.py".
  PythonPeer(const std::string& script, std::vector<std::string> args) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    args.insert(args.begin(), {"/usr/bin/python3", std::string(TWINNING_SOURCE_DIR) + "/" + script});
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    if (line.rfind("PORT ", 0) != 0) {
      stop();
      throw std::runtime_error(script + " did not start: " + line);
    }
    port_ = std::stoi(line.substr(5));
  }
  PythonPeer(const PythonPeer&) = delete;
  PythonPeer& operator=(const PythonPeer&) = delete;
  ~PythonPeer() { stop(); }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace twinning::testing
