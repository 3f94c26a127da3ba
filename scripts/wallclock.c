/* A wall clock moved by WALLCLOCK_OFFSET seconds, for scripts/any-day.sh.
 *
 * Loaded with LD_PRELOAD, it shifts what a process reads of the wall clock
 * (clock_gettime of CLOCK_REALTIME, gettimeofday, time, timespec_get) and nothing
 * else: the monotonic clocks, and every timer and sleep built on them, keep their
 * real values. It travels in the environment (LD_PRELOAD, WALLCLOCK_OFFSET), so the
 * children a test starts read the same shifted clock.
 *
 * Why not libfaketime (Debian's faketime 0.9.10): it shifts the absolute deadline
 * of a timerfd on the monotonic clock too, so every Swift `Task.sleep` (libdispatch
 * arms such a timer) waits for as long as the offset; it opens a shared-memory file
 * at start, which takes descriptor 1 of a program started with stdout closed; and
 * its single-threaded library crashed libdispatch's timed semaphore wait.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long offset(void) {
    static volatile long long cached;
    static volatile int ready;
    if (!ready) {
        const char *text = getenv("WALLCLOCK_OFFSET");
        cached = text ? atoll(text) : 0;
        ready = 1;
    }
    return cached;
}

static int shifted(clockid_t id) {
    return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(id, ts);
    if (result == 0 && ts && shifted(id)) ts->tv_sec += offset();
    return result;
}

int gettimeofday(struct timeval *tv, void *tz) {
    struct timespec ts;
    int result = clock_gettime(CLOCK_REALTIME, &ts);
    (void)tz;
    if (result == 0 && tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return result;
}

time_t time(time_t *t) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t) *t = ts.tv_sec;
    return ts.tv_sec;
}

int timespec_get(struct timespec *ts, int base) {
    if (base != TIME_UTC) return 0;
    return clock_gettime(CLOCK_REALTIME, ts) == 0 ? base : 0;
}

/* A deadline on the wall clock, computed from the shifted clock, goes back to the
 * real one before the kernel sees it (libdispatch's timed semaphore waits). */
int sem_timedwait(sem_t *sem, const struct timespec *deadline) {
    static int (*real)(sem_t *, const struct timespec *);
    if (!real) real = (int (*)(sem_t *, const struct timespec *))dlsym(RTLD_NEXT, "sem_timedwait");
    if (!deadline) return real(sem, deadline);
    struct timespec back = *deadline;
    back.tv_sec -= offset();
    return real(sem, &back);
}
