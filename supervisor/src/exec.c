/* hale-supervisor exec: runs a command inside a running container (exec
 * probes, preStop hooks, later `kubectl exec`): enters the namespaces of the
 * container process --pid (ipc, uts, net, pid, mount — only those that
 * differ from ours), forks so the PID namespace applies, switches user,
 * and passes stdio through. Exit status: the command's, 126/127 when it
 * cannot be run, 128+n for a signal, 124 when --timeout-ms ran out (the
 * command's process group is killed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "supervisor.h"

static int enter(int pid, const char *ns, int type) {
  char theirs[64], ours[64];
  snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", pid, ns);
  snprintf(ours, sizeof ours, "/proc/self/ns/%s", ns);
  struct stat a, b;
  if (stat(theirs, &a) < 0) return -1;
  if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return 0;
  int fd = open(theirs, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int r = setns(fd, type);
  close(fd);
  return r;
}

int exec_main(int argc, char **argv) {
  int pid = 0, has_uid = 0, has_gid = 0;
  unsigned uid = 0, gid = 0;
  long timeout_ms = 0;
  const char *cwd = NULL;
  const char *env[1025];
  int envc = 0, i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    if (i + 1 >= argc) { fprintf(stderr, "exec: %s needs a value\n", argv[i]); return 2; }
    if (!strcmp(argv[i], "--pid")) pid = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--uid")) { has_uid = 1; uid = (unsigned)strtoul(argv[++i], NULL, 10); }
    else if (!strcmp(argv[i], "--gid")) { has_gid = 1; gid = (unsigned)strtoul(argv[++i], NULL, 10); }
    else if (!strcmp(argv[i], "--cwd")) cwd = argv[++i];
    else if (!strcmp(argv[i], "--env")) { if (envc < 1024) env[envc++] = argv[++i]; else i++; }
    else if (!strcmp(argv[i], "--timeout-ms")) timeout_ms = atol(argv[++i]);
    else { fprintf(stderr, "exec: unknown option %s\n", argv[i]); return 2; }
  }
  env[envc] = NULL;
  if (pid <= 0 || i >= argc) { fprintf(stderr, "exec: needs --pid and a command after --\n"); return 2; }
  static const struct { const char *name; int type; } nss[] = {{"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}};
  for (size_t k = 0; k < sizeof nss / sizeof nss[0]; k++) {
    if (enter(pid, nss[k].name, nss[k].type) < 0) { fprintf(stderr, "exec: enter %s namespace of pid %d: %s\n", nss[k].name, pid, strerror(errno)); return 126; }
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, NULL);
  pid_t child = fork();
  if (child < 0) { perror("exec: fork"); return 126; }
  if (child == 0) {
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    setpgid(0, 0);
    if (chdir(cwd ? cwd : "/") < 0) { fprintf(stderr, "exec: chdir %s: %s\n", cwd ? cwd : "/", strerror(errno)); _exit(126); }
    if (has_gid || has_uid) setgroups(0, NULL);
    if (has_gid && setgid(gid) < 0) { perror("exec: setgid"); _exit(126); }
    if (has_uid && setuid(uid) < 0) { perror("exec: setuid"); _exit(126); }
    if (envc > 0) {
      for (int k = 0; k < envc; k++) if (!strncmp(env[k], "PATH=", 5)) setenv("PATH", env[k] + 5, 1);
      execvpe(argv[i], argv + i, (char *const *)env);
    } else execvp(argv[i], argv + i);
    int e = errno;
    fprintf(stderr, "exec: \"%s\": %s\n", argv[i], e == ENOENT ? "executable file not found in $PATH" : strerror(e));
    _exit(e == ENOENT ? 127 : 126);
  }
  setpgid(child, child);
  struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
  for (;;) {
    int st;
    pid_t w = waitpid(child, &st, WNOHANG);
    if (w == child) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    int r = timeout_ms > 0 ? sigtimedwait(&set, NULL, &ts) : sigwaitinfo(&set, NULL);
    if (r < 0 && errno == EAGAIN) {
      kill(-child, SIGKILL);
      waitpid(child, &st, 0);
      return 124;
    }
  }
}
