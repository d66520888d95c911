// tests/integration/python_server.hpp — runs tests/integration/fault_server.py (Python's stdlib HTTP server)
// as a child process for the test's lifetime: a server we did not write, on a loopback port.
#ifndef MELD_TESTS_PYTHON_SERVER_HPP
#define MELD_TESTS_PYTHON_SERVER_HPP

#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MELD_TESTS_DIR
#error "MELD_TESTS_DIR (the tests/ folder) must be defined by the build"
#endif

namespace meld_test {

class python_server {
public:
    python_server()
    {
        int out[2];
        if (::pipe(out) != 0)
            throw std::runtime_error("pipe failed");
        pid_ = ::fork();
        if (pid_ < 0)
            throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // dies with the test process, even if that one crashes
            ::dup2(out[1], STDOUT_FILENO);
            ::close(out[0]);
            ::close(out[1]);
            char const* script = MELD_TESTS_DIR "/integration/fault_server.py";
            ::execlp("python3", "python3", script, static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(out[1]);
        std::string line;
        char c = 0;
        while (::read(out[0], &c, 1) == 1 && c != '\n')
            line += c;
        ::close(out[0]);
        if (line.rfind("PORT ", 0) != 0) {
            stop();
            throw std::runtime_error("fault_server.py did not start (python3 missing?)");
        }
        port_ = static_cast<unsigned short>(std::stoul(line.substr(5)));
    }
    ~python_server() { stop(); }
    python_server(python_server const&) = delete;
    python_server& operator=(python_server const&) = delete;

    unsigned short port() const noexcept { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    void stop() noexcept
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
    }

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

}  // namespace meld_test

#endif
