/* The container's private root: runs in the container's own mount namespace
 * (the caller unshared it). Makes every mount private, puts a tmpfs at
 * spec.rootfs, applies the mount records in order (creating mount points
 * only inside the new root, never on the host's tree), and pivots into it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "supervisor.h"

static int mkdir_p(const char *path, mode_t mode) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(tmp, mode) < 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  if (mkdir(tmp, mode) < 0 && errno != EEXIST) return -1;
  return 0;
}

static int ensure_file(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0) return 0;
  char parent[4096];
  snprintf(parent, sizeof parent, "%s", path);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) {
    *slash = 0;
    if (mkdir_p(parent, 0755) < 0) return -1;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

static int ensure_dir(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
  return mkdir_p(path, 0755);
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int dev_min(const char *target, char *err, size_t errlen) {
  static const char *devs[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};
  if (ensure_dir(target) < 0) FAIL("cannot create mount point %s: %s", target, strerror(errno));
  if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755") < 0) FAIL("mount tmpfs on /dev: %s", strerror(errno));
  char p[4200], src[64];
  for (int i = 0; devs[i]; i++) {
    snprintf(p, sizeof p, "%s/%s", target, devs[i]);
    snprintf(src, sizeof src, "/dev/%s", devs[i]);
    if (ensure_file(p) < 0) FAIL("create %s: %s", p, strerror(errno));
    if (mount(src, p, NULL, MS_BIND, NULL) < 0) FAIL("bind %s: %s", src, strerror(errno));
  }
  snprintf(p, sizeof p, "%s/shm", target);
  if (mkdir_p(p, 01777) < 0 || mount("shm", p, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0) FAIL("mount /dev/shm: %s", strerror(errno));
  snprintf(p, sizeof p, "%s/pts", target);
  if (mkdir_p(p, 0755) == 0) mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620");
  static const char *links[][2] = {{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"}, {NULL, NULL}};
  for (int i = 0; links[i][0]; i++) {
    snprintf(p, sizeof p, "%s/%s", target, links[i][0]);
    if (symlink(links[i][1], p) < 0 && errno != EEXIST) FAIL("symlink %s: %s", p, strerror(errno));
  }
  return 0;
}

int setup_rootfs(const struct spec *s, char *err, size_t errlen) {
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) FAIL("make / private: %s", strerror(errno));
  if (mkdir_p(s->rootfs, 0755) < 0) FAIL("create %s: %s", s->rootfs, strerror(errno));
  if (mount("tmpfs", s->rootfs, "tmpfs", 0, "mode=755") < 0) FAIL("mount tmpfs root on %s: %s", s->rootfs, strerror(errno));
  char target[4096];
  for (int i = 0; i < s->nmounts; i++) {
    const struct mountspec *m = &s->mounts[i];
    snprintf(target, sizeof target, "%s%s", s->rootfs, m->target);
    if (!strcmp(m->source, "tmpfs")) {
      if (ensure_dir(target) < 0) FAIL("cannot create mount point %s: %s", m->target, strerror(errno));
      if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0) FAIL("mount tmpfs on %s: %s", m->target, strerror(errno));
    } else if (!strcmp(m->source, "proc")) {
      if (ensure_dir(target) < 0) FAIL("cannot create mount point %s: %s", m->target, strerror(errno));
      if (mount("proc", target, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0) FAIL("mount proc on %s: %s", m->target, strerror(errno));
    } else if (!strncmp(m->source, "overlay:", 8)) {
      /* A copy-on-write view of a host directory, so volumes can be mounted below it:
       * upper and work dirs live on a tmpfs private to this mount namespace. */
      char scratch[4200], upper[4300], work[4300], opts[13000];
      snprintf(scratch, sizeof scratch, "%s/overlay-%d", s->dir, i);
      if (mkdir_p(scratch, 0700) < 0) FAIL("create %s: %s", scratch, strerror(errno));
      if (mount("tmpfs", scratch, "tmpfs", 0, "mode=700") < 0) FAIL("mount overlay scratch for %s: %s", m->target, strerror(errno));
      snprintf(upper, sizeof upper, "%s/upper", scratch);
      snprintf(work, sizeof work, "%s/work", scratch);
      if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0) FAIL("overlay dirs for %s: %s", m->target, strerror(errno));
      if (ensure_dir(target) < 0) FAIL("cannot create mount point %s: %s", m->target, strerror(errno));
      snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", m->source + 8, upper, work);
      if (mount("overlay", target, "overlay", 0, opts) < 0) FAIL("overlay %s on %s: %s", m->source + 8, m->target, strerror(errno));
    } else if (!strcmp(m->source, "devtmpfs-min")) {
      if (dev_min(target, err, errlen) < 0) return -1;
    } else {
      struct stat st;
      if (stat(m->source, &st) < 0) FAIL("volume source %s for %s: %s", m->source, m->target, strerror(errno));
      int isfile = m->file || !S_ISDIR(st.st_mode);
      if ((isfile ? ensure_file(target) : ensure_dir(target)) < 0) FAIL("cannot create mount point %s: %s", m->target, strerror(errno));
      if (mount(m->source, target, NULL, MS_BIND | MS_REC, NULL) < 0) FAIL("bind %s on %s: %s", m->source, m->target, strerror(errno));
      if (m->readonly && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0 &&
          mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
        FAIL("make %s read-only: %s", m->target, strerror(errno));
    }
  }
  if (chdir(s->rootfs) < 0) FAIL("chdir %s: %s", s->rootfs, strerror(errno));
  if (syscall(SYS_pivot_root, ".", ".") < 0) FAIL("pivot_root into %s: %s", s->rootfs, strerror(errno));
  if (umount2(".", MNT_DETACH) < 0) FAIL("detach the old root: %s", strerror(errno));
  if (chdir("/") < 0) FAIL("chdir /: %s", strerror(errno));
  return 0;
}
