/*
 * time.c — clocks for Time.now(), Time.millis() and Time.nanos().  The wall
 * clock answers "what time is it"; the monotonic clock measures intervals
 * and is what the scheduler's deadlines (rt_await_until) are expressed in.
 * Sleeping belongs to the scheduler (timer.c), not here.
 */
#include <time.h>
#include "wyn_rt.h"

double rt_time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

wyn_int rt_time_millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (wyn_int)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

wyn_int rt_time_nanos(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (wyn_int)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
