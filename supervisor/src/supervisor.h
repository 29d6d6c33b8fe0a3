/* hale-supervisor: shared declarations. See supervisor.c for the role. */
#ifndef HALE_SUPERVISOR_H
#define HALE_SUPERVISOR_H

#include <stddef.h>

#define MAX_ITEMS 1024

struct mountspec {
  const char *source;
  const char *target;
  int readonly;
  int file;
};

struct spec {
  const char *dir;
  const char *argv[MAX_ITEMS + 1];
  int argc;
  const char *env[MAX_ITEMS + 1];
  int envc;
  const char *cwd;
  int has_uid, has_gid;
  unsigned uid, gid;
  const char *groups;
  const char *hostname;
  const char *netns;
  int pidns;
  const char *rootfs;
  struct mountspec mounts[MAX_ITEMS];
  int nmounts;
  const char *cgroups[32];
  int ncgroups;
  const char *oomcontrol;
  const char *log;
  long long logmax;
  int logfiles;
  int fence;
};

/* spec.c */
int parse_spec(const char *path, struct spec *s, char *err, size_t errlen);

/* mounts.c: builds the container root; returns 0, or -1 with a message in err */
int setup_rootfs(const struct spec *s, char *err, size_t errlen);

/* log.c */
struct logwriter;
struct logwriter *log_open(const char *path, long long max, int files);
void log_data(struct logwriter *w, int stream, const char *buf, size_t n);
void log_flush_partial(struct logwriter *w, int stream);

/* util */
void fmt_time(char *out, size_t len);
long long realtime_ns(void);
int write_all(int fd, const char *buf, size_t n);

/* exec.c */
int exec_main(int argc, char **argv);

#endif
