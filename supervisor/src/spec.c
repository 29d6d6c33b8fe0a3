/* Parses the spec file: NUL-terminated `key=value` records (see
 * src/agent/runtime/process/supervisor/spec.ts, which writes it). The file
 * stays mapped in memory for the process's life: every string in struct
 * spec points into it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "supervisor.h"

static char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) < 0) { close(fd); return NULL; }
  char *buf = malloc((size_t)st.st_size + 1);
  if (!buf) { close(fd); return NULL; }
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
    if (r < 0) { if (errno == EINTR) continue; free(buf); close(fd); return NULL; }
    if (r == 0) break;
    got += (size_t)r;
  }
  close(fd);
  buf[got] = 0;
  *len = got;
  return buf;
}

int parse_spec(const char *path, struct spec *s, char *err, size_t errlen) {
  size_t len;
  char *buf = read_file(path, &len);
  if (!buf) { snprintf(err, errlen, "cannot read spec %s: %s", path, strerror(errno)); return -1; }
  memset(s, 0, sizeof *s);
  s->logmax = 10LL * 1024 * 1024;
  s->logfiles = 2;
  for (size_t i = 0; i < len;) {
    char *rec = buf + i;
    size_t n = strnlen(rec, len - i);
    i += n + 1;
    if (n == 0) continue;
    char *eq = strchr(rec, '=');
    if (!eq) { snprintf(err, errlen, "spec record without '=': %.40s", rec); return -1; }
    *eq = 0;
    const char *k = rec, *v = eq + 1;
    if (!strcmp(k, "dir")) s->dir = v;
    else if (!strcmp(k, "arg")) { if (s->argc >= MAX_ITEMS) goto toomany; s->argv[s->argc++] = v; }
    else if (!strcmp(k, "env")) { if (s->envc >= MAX_ITEMS) goto toomany; s->env[s->envc++] = v; }
    else if (!strcmp(k, "cwd")) s->cwd = v;
    else if (!strcmp(k, "uid")) { s->has_uid = 1; s->uid = (unsigned)strtoul(v, NULL, 10); }
    else if (!strcmp(k, "gid")) { s->has_gid = 1; s->gid = (unsigned)strtoul(v, NULL, 10); }
    else if (!strcmp(k, "groups")) s->groups = v;
    else if (!strcmp(k, "hostname")) s->hostname = v;
    else if (!strcmp(k, "netns")) s->netns = v;
    else if (!strcmp(k, "pidns")) s->pidns = !strcmp(v, "1");
    else if (!strcmp(k, "rootfs")) s->rootfs = v;
    else if (!strcmp(k, "mount")) {
      if (s->nmounts >= MAX_ITEMS) goto toomany;
      struct mountspec *m = &s->mounts[s->nmounts++];
      char *t1 = strchr((char *)v, '\t');
      if (!t1) { snprintf(err, errlen, "mount record needs source<TAB>target<TAB>options: %.60s", v); return -1; }
      *t1 = 0;
      char *t2 = strchr(t1 + 1, '\t');
      if (t2) *t2 = 0;
      m->source = v;
      m->target = t1 + 1;
      const char *opts = t2 ? t2 + 1 : "";
      m->readonly = strstr(opts, "ro") != NULL && strstr(opts, "rw") == NULL;
      m->file = strstr(opts, "file") != NULL;
    } else if (!strcmp(k, "cgroup")) { if (s->ncgroups >= 32) goto toomany; s->cgroups[s->ncgroups++] = v; }
    else if (!strcmp(k, "oomcontrol")) s->oomcontrol = v;
    else if (!strcmp(k, "log")) s->log = v;
    else if (!strcmp(k, "logmax")) s->logmax = strtoll(v, NULL, 10);
    else if (!strcmp(k, "logfiles")) s->logfiles = atoi(v);
    else if (!strcmp(k, "fence")) s->fence = !strcmp(v, "1");
    else { snprintf(err, errlen, "unknown spec key %s", k); return -1; }
  }
  if (!s->dir || s->argc == 0) { snprintf(err, errlen, "spec needs dir= and at least one arg="); return -1; }
  if (s->logfiles < 1) s->logfiles = 1;
  if (s->logmax < 4096) s->logmax = 4096;
  return 0;
toomany:
  snprintf(err, errlen, "too many spec records");
  return -1;
}
