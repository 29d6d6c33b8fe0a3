/* Container output in the CRI log format, one record per line:
 *   2026-11-28T06:24:15.123456789Z stdout F the line
 * A line longer than CHUNK is written as P records ending with an F record.
 * When the file would pass `max` bytes it is rotated: log.(n-1) -> log.n ...
 * log -> log.1, keeping `files`-1 rotated files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "supervisor.h"

#define CHUNK (16 * 1024)

struct logwriter {
  const char *path;
  long long max;
  int files;
  int fd;
  long long size;
  char pending[2][CHUNK];
  size_t plen[2];
};

long long realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void fmt_time(char *out, size_t len) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, len, "%s.%09ldZ", base, ts.tv_nsec);
}

int write_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

static void rotate(struct logwriter *w) {
  char from[4096], to[4096];
  if (w->fd >= 0) close(w->fd);
  for (int i = w->files - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof from, "%s", w->path);
    else snprintf(from, sizeof from, "%s.%d", w->path, i - 1);
    snprintf(to, sizeof to, "%s.%d", w->path, i);
    rename(from, to);
  }
  if (w->files <= 1) unlink(w->path);
  w->fd = open(w->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  w->size = 0;
}

struct logwriter *log_open(const char *path, long long max, int files) {
  struct logwriter *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->path = path;
  w->max = max;
  w->files = files;
  w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (w->fd < 0) { free(w); return NULL; }
  struct stat st;
  if (fstat(w->fd, &st) == 0) w->size = st.st_size;
  return w;
}

static void record(struct logwriter *w, int stream, char tag, const char *text, size_t n) {
  char ts[64];
  fmt_time(ts, sizeof ts);
  char head[96];
  int hl = snprintf(head, sizeof head, "%s %s %c ", ts, stream == 2 ? "stderr" : "stdout", tag);
  long long need = hl + (long long)n + 1;
  if (w->size > 0 && w->size + need > w->max) rotate(w);
  if (w->fd < 0) return;
  /* One write per record keeps records whole for readers following the file. */
  char *buf = malloc((size_t)need);
  if (!buf) return;
  memcpy(buf, head, (size_t)hl);
  memcpy(buf + hl, text, n);
  buf[hl + n] = '\n';
  if (write_all(w->fd, buf, (size_t)need) == 0) w->size += need;
  free(buf);
}

void log_data(struct logwriter *w, int stream, const char *buf, size_t n) {
  int s = stream == 2 ? 1 : 0;
  while (n > 0) {
    const char *nl = memchr(buf, '\n', n);
    size_t take = nl ? (size_t)(nl - buf) : n;
    /* Fill the pending line; a full chunk goes out as a partial (P) record. */
    while (take > 0) {
      size_t room = CHUNK - w->plen[s];
      size_t c = take < room ? take : room;
      memcpy(w->pending[s] + w->plen[s], buf, c);
      w->plen[s] += c;
      buf += c;
      n -= c;
      take -= c;
      if (w->plen[s] == CHUNK && (take > 0 || !nl)) {
        record(w, stream, 'P', w->pending[s], w->plen[s]);
        w->plen[s] = 0;
      }
    }
    if (nl) {
      record(w, stream, 'F', w->pending[s], w->plen[s]);
      w->plen[s] = 0;
      buf++;
      n--;
    }
  }
}

void log_flush_partial(struct logwriter *w, int stream) {
  int s = stream == 2 ? 1 : 0;
  if (w->plen[s] > 0) record(w, stream, 'F', w->pending[s], w->plen[s]);
  w->plen[s] = 0;
}
