/* hale-supervisor: holds one container process for hale's process runtime,
 * like conmon + tini, so the container keeps running when the node agent (a
 * Node.js process) dies.
 *
 *   hale-supervisor run <spec-file>
 *   hale-supervisor exec --pid P [...] -- argv...   (see exec.c)
 *
 * run: sets up the container (network/UTS/mount/PID namespaces, root
 * filesystem, cgroups, user) in a child, reports `started <pid> <ns>` or
 * `error <message>` on stdout once exec succeeded or failed, then writes the
 * container's stdout/stderr to a CRI-format log, forwards SIGTERM, kills the
 * whole container on SIGUSR1 or at its fencing deadline, and records the exit
 * in <dir>/state (replaced atomically) before it exits itself.
 *
 * Invariant: the final state is on disk before the supervisor exits, so
 * whoever sees the supervisor gone can read how the container ended. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "supervisor.h"

static struct spec S;
static char state_path[4096], state_tmp[4096];

static void write_state(const char *body) {
  int fd = open(state_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  write_all(fd, body, strlen(body));
  fsync(fd);
  close(fd);
  rename(state_tmp, state_path);
}

static unsigned long long proc_start(pid_t pid) {
  char p[64], buf[4096];
  snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char *rp = strrchr(buf, ')');
  if (!rp) return 0;
  /* fields after "pid (comm)": state is field 3; starttime is field 22 */
  char *f = rp + 2;
  for (int i = 3; i < 22 && f; i++) { f = strchr(f, ' '); if (f) f++; }
  return f ? strtoull(f, NULL, 10) : 0;
}

/* Child side: report a setup failure through the CLOEXEC error pipe and die. */
static void die_child(int errfd, const char *fmt, const char *a, int e) {
  char msg[1024];
  snprintf(msg, sizeof msg, fmt, a, strerror(e));
  write_all(errfd, msg, strlen(msg));
  _exit(127);
}

static void switch_user(int errfd) {
  if (S.groups) {
    gid_t gs[64];
    int n = 0;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", S.groups);
    for (char *t = strtok(copy, ","); t && n < 64; t = strtok(NULL, ",")) gs[n++] = (gid_t)strtoul(t, NULL, 10);
    if (setgroups((size_t)n, gs) < 0) die_child(errfd, "setgroups %s: %s", S.groups, errno);
  } else if ((S.has_uid || S.has_gid) && setgroups(0, NULL) < 0 && errno != EPERM) {
    die_child(errfd, "setgroups%s: %s", "", errno);
  }
  if (S.has_gid && setgid(S.gid) < 0) die_child(errfd, "setgid%s: %s", "", errno);
  if (S.has_uid && setuid(S.uid) < 0) die_child(errfd, "setuid%s: %s", "", errno);
}

static const char *env_path(void) {
  for (int i = 0; i < S.envc; i++) if (!strncmp(S.env[i], "PATH=", 5)) return S.env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* execvpe with runc's wording when the program cannot be found. */
static void exec_container(int errfd) {
  const char *file = S.argv[0];
  if (!strchr(file, '/')) {
    char cand[4096];
    const char *p = env_path();
    int found = 0;
    while (*p) {
      const char *colon = strchr(p, ':');
      size_t l = colon ? (size_t)(colon - p) : strlen(p);
      snprintf(cand, sizeof cand, "%.*s/%s", (int)l, p, file);
      if (access(cand, X_OK) == 0) { found = 1; break; }
      p += l + (colon ? 1 : 0);
    }
    if (!found) {
      char msg[1024];
      snprintf(msg, sizeof msg, "exec: \"%s\": executable file not found in $PATH", file);
      write_all(errfd, msg, strlen(msg));
      _exit(127);
    }
    execve(cand, (char *const *)S.argv, (char *const *)S.env);
    die_child(errfd, "exec: \"%s\": %s", cand, errno);
  }
  execve(file, (char *const *)S.argv, (char *const *)S.env);
  die_child(errfd, "exec: \"%s\": %s", file, errno);
}

static void reset_signals(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int s = 1; s < NSIG; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
}

/* PID 1 of the container's PID namespace: forwards signals to the main
 * process's group, reaps everything, exits with the main process's status. */
static void run_init(pid_t main_pid) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  int status = 0;
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      pid_t p;
      int st;
      while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
        if (p == main_pid) {
          status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
          _exit(status);
        }
      }
    } else {
      kill(-main_pid, sig);
    }
  }
}

static void child(int out, int errw, int errpipe) {
  reset_signals();
  /* If the supervisor dies (SIGKILL, OOM) the container dies with it: nothing may run unsupervised. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (S.ncgroups) {
    char pidstr[32];
    snprintf(pidstr, sizeof pidstr, "%d", (int)getpid());
    for (int i = 0; i < S.ncgroups; i++) {
      int fd = open(S.cgroups[i], O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write_all(fd, pidstr, strlen(pidstr)) < 0) die_child(errpipe, "join cgroup %s: %s", S.cgroups[i], errno);
      close(fd);
    }
  }
  if (S.netns) {
    int fd = open(S.netns, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) die_child(errpipe, "enter network namespace %s: %s", S.netns, errno);
    close(fd);
  }
  int flags = 0;
  if (S.hostname) flags |= CLONE_NEWUTS;
  if (S.rootfs) flags |= CLONE_NEWNS | CLONE_NEWIPC;
  if (flags && unshare(flags) < 0) die_child(errpipe, "unshare namespaces%s: %s", "", errno);
  if (S.hostname && sethostname(S.hostname, strlen(S.hostname)) < 0) die_child(errpipe, "sethostname %s: %s", S.hostname, errno);
  if (S.rootfs) {
    char err[1024];
    if (setup_rootfs(&S, err, sizeof err) < 0) {
      write_all(errpipe, err, strlen(err));
      _exit(127);
    }
  }
  /* Block everything before init forks, so the main process's SIGCHLD waits for init's sigwaitinfo. */
  sigset_t all;
  sigfillset(&all);
  if (S.pidns) sigprocmask(SIG_BLOCK, &all, NULL);
  pid_t main_pid = S.pidns ? fork() : 0;
  if (main_pid < 0) die_child(errpipe, "fork%s: %s", "", errno);
  if (main_pid > 0) {
    /* init: keeps no log or error pipe open, so exec success shows as EOF and the logs end with the container */
    close(errpipe);
    close(out);
    close(errw);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2); }
    setpgid(main_pid, main_pid);
    run_init(main_pid);
  }
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(errw, 2) < 0) die_child(errpipe, "stdio%s: %s", "", errno);
  switch_user(errpipe);
  if (chdir(S.cwd ? S.cwd : "/") < 0) die_child(errpipe, "chdir to cwd (\"%s\") set in config.json failed: %s", S.cwd ? S.cwd : "/", errno);
  exec_container(errpipe);
}

static int oom_killed(void) {
  if (!S.oomcontrol) return 0;
  FILE *f = fopen(S.oomcontrol, "re");
  if (!f) return 0;
  char line[256];
  int killed = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long long n;
    if (sscanf(line, "oom_kill %llu", &n) == 1 && n > 0) killed = 1;
  }
  fclose(f);
  return killed;
}

static long long read_deadline(void) {
  char p[4096], buf[64];
  snprintf(p, sizeof p, "%s/deadline", S.dir);
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  return strtoll(buf, NULL, 10);
}

static int run_main(const char *specpath) {
  char err[1024];
  if (parse_spec(specpath, &S, err, sizeof err) < 0) {
    printf("error %s\n", err);
    return 2;
  }
  snprintf(state_path, sizeof state_path, "%s/state", S.dir);
  snprintf(state_tmp, sizeof state_tmp, "%s/state.tmp", S.dir);
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  int outp[2], errp[2], ep[2];
  if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0 || sfd < 0) {
    printf("error pipe: %s\n", strerror(errno));
    return 2;
  }
  struct logwriter *lw = S.log ? log_open(S.log, S.logmax, S.logfiles) : NULL;
  if (S.log && !lw) {
    printf("error open log %s: %s\n", S.log, strerror(errno));
    return 2;
  }
  if (S.pidns && unshare(CLONE_NEWPID) < 0) {
    printf("error unshare pid namespace: %s\n", strerror(errno));
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    printf("error fork: %s\n", strerror(errno));
    return 2;
  }
  if (pid == 0) {
    /* dup2 clears CLOEXEC on the targets only: the child's copies of the pipes stay CLOEXEC */
    child(outp[1], errp[1], ep[1]);
    _exit(127);
  }
  close(outp[1]);
  close(errp[1]);
  close(ep[1]);
  if (!S.pidns) setpgid(pid, pid);
  unsigned long long sup_start = proc_start(getpid());
  long long started = realtime_ns();
  /* The container started once the error pipe closed empty (exec succeeded). */
  char msg[1024];
  size_t ml = 0;
  for (;;) {
    ssize_t r = read(ep[0], msg + ml, sizeof msg - 1 - ml);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    ml += (size_t)r;
    if (ml >= sizeof msg - 1) break;
  }
  msg[ml] = 0;
  close(ep[0]);
  char body[8192];
  if (ml > 0) {
    int st;
    waitpid(pid, &st, 0);
    long long fin = realtime_ns();
    snprintf(body, sizeof body, "supervisorPid=%d\nsupervisorStart=%llu\npid=%d\nstartedAt=%lld\nexitCode=128\nsignal=0\nfinishedAt=%lld\noomKilled=0\nfenced=0\nstartError=%s\n", (int)getpid(), sup_start, (int)pid, started, fin, msg);
    write_state(body);
    printf("error %s\n", msg);
    fflush(stdout);
    return 0;
  }
  snprintf(body, sizeof body, "supervisorPid=%d\nsupervisorStart=%llu\npid=%d\nstartedAt=%lld\n", (int)getpid(), sup_start, (int)pid, started);
  write_state(body);
  printf("started %d %lld\n", (int)pid, started);
  fflush(stdout);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2); }

  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  int fenced = 0, exited = 0, status = 0;
  long long drain_until = 0;
  if (S.fence && tfd >= 0) {
    long long d = read_deadline();
    if (d > 0) {
      struct itimerspec its = {{0, 0}, {d / 1000000000LL, d % 1000000000LL}};
      timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
    }
  }
  int open_out = 1, open_err = 1;
  char buf[65536];
  while (open_out || open_err || !exited) {
    struct pollfd fds[4] = {{outp[0], open_out ? POLLIN : 0, 0}, {errp[0], open_err ? POLLIN : 0, 0}, {sfd, POLLIN, 0}, {tfd, POLLIN, 0}};
    int timeout = -1;
    if (exited) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      long long ms = (drain_until - ((long long)now.tv_sec * 1000000000LL + now.tv_nsec)) / 1000000LL;
      if (ms <= 0) break; /* descendants that outlived the main process still hold the pipes */
      timeout = (int)ms;
    }
    int n = poll(fds, 4, timeout);
    if (n < 0) { if (errno == EINTR) continue; break; }
    for (int i = 0; i < 2; i++) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r > 0) { if (lw) log_data(lw, i + 1, buf, (size_t)r); }
      else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        if (lw) log_flush_partial(lw, i + 1);
        if (i == 0) open_out = 0; else open_err = 0;
      }
    }
    if (fds[2].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == sizeof si) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD) {
          pid_t p;
          int st;
          while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
            if (p == pid && !exited) {
              exited = 1;
              status = st;
              struct timespec now;
              clock_gettime(CLOCK_MONOTONIC, &now);
              drain_until = (long long)now.tv_sec * 1000000000LL + now.tv_nsec + 200000000LL;
            }
          }
        } else if (sig == SIGTERM) {
          if (!exited) kill(S.pidns ? pid : -pid, SIGTERM);
        } else if (sig == SIGUSR1) {
          if (!exited) { if (S.pidns) kill(pid, SIGKILL); else kill(-pid, SIGKILL); }
        } else if (sig == SIGHUP && S.fence && tfd >= 0) {
          long long d = read_deadline();
          struct itimerspec its = {{0, 0}, {d / 1000000000LL, d % 1000000000LL}};
          if (d <= 0) memset(&its, 0, sizeof its);
          timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
        }
      }
    }
    if (fds[3].revents & POLLIN) {
      unsigned long long ticks;
      if (read(tfd, &ticks, sizeof ticks) > 0 && !exited) {
        fenced = 1;
        if (S.pidns) kill(pid, SIGKILL); else kill(-pid, SIGKILL);
      }
    }
  }
  /* Without a PID namespace, nothing of the container may outlive it. */
  if (!S.pidns) kill(-pid, SIGKILL);
  if (lw) { log_flush_partial(lw, 1); log_flush_partial(lw, 2); }
  int code, sig = 0;
  if (WIFEXITED(status)) code = WEXITSTATUS(status);
  else { sig = WTERMSIG(status); code = 128 + sig; }
  if (S.pidns && WIFEXITED(status) && code > 128) sig = code - 128;
  snprintf(body, sizeof body, "supervisorPid=%d\nsupervisorStart=%llu\npid=%d\nstartedAt=%lld\nexitCode=%d\nsignal=%d\nfinishedAt=%lld\noomKilled=%d\nfenced=%d\n",
           (int)getpid(), sup_start, (int)pid, started, code, sig, realtime_ns(), oom_killed(), fenced);
  write_state(body);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && !strcmp(argv[1], "run")) return run_main(argv[2]);
  if (argc >= 2 && !strcmp(argv[1], "exec")) return exec_main(argc - 1, argv + 1);
  fprintf(stderr, "usage: hale-supervisor run <spec-file> | exec --pid P [--uid U] [--gid G] [--cwd D] [--env K=V]... [--timeout-ms N] -- argv...\n");
  return 2;
}
