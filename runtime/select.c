/*
 * select.c — select over channel receive arms, with default and timeout
 * (concurrency runtime).
 *
 * Pass 1 tries the arms in index order (ties go to the lowest index) and
 * returns at once if one is ready; with a default arm it stops there.
 * Otherwise the coroutine parks on all channels at once: one wait record
 * per arm (Coro.w / Coro.wbig, code = index + 1), plus a timer for the
 * timeout arm.  The first waker to win the claim CAS delivers its value
 * into Coro.xfer; the other records are unlinked after the wake.
 */
#include <stdlib.h>
#include <string.h>
#include "rt_sched_internal.h"

#define SEL_STACK 8

int rt_select(WynSelCase *cases, int n, wyn_int timeout_ms, wyn_bool has_default,
              wyn_loc loc)
{
    Chan *local[SEL_STACK];
    Chan **ch = n <= SEL_STACK ? local : malloc(sizeof(Chan *) * (size_t)(n > 0 ? n : 1));
    size_t maxe = 1;
    int result = -3;
    Coro *wake;
    for (int i = 0; i < n; i++) {
        ch[i] = rt_chan_from(cases[i].chan, loc);
        if ((size_t)cases[i].esize != rt_chan_esize(ch[i]))
            rt_panic(loc, "channel element size mismatch in select");
        if ((size_t)cases[i].esize > maxe)
            maxe = (size_t)cases[i].esize;
    }
    /* pass 1: anything ready now? */
    for (int i = 0; i < n && result == -3; i++) {
        rt_chan_lock(ch[i]);
        int got = rt_chan_sel_take(ch[i], cases[i].out, &wake);
        rt_chan_unlock(ch[i]);
        if (wake)
            rt_wake(wake);
        if (got)
            result = i;
    }
    if (result == -3 && has_default)
        result = WYN_SELECT_DEFAULT;
    if (result == -3 && timeout_ms == 0)
        result = WYN_SELECT_TIMEOUT;
    Coro *co = rt_coro_current();
    if (result == -3 && !co)
        rt_panic(loc, "blocking select outside a task");
    if (result != -3)
        goto out;

    /* pass 2: park on every arm */
    uint64_t tok = rt_wait_begin(co, loc, "select");
    Waiter *r = rt_wait_slots(co, n);
    rt_xfer_reserve(co, maxe);
    int self = -1;
    for (int i = 0; i < n; i++) {
        rt_chan_lock(ch[i]);
        if (!rt_chan_sel_ready(ch[i])) {
            rt_chan_sel_enqueue(ch[i], &r[i]);
            rt_chan_unlock(ch[i]);
            continue;
        }
        /* Became ready since pass 1.  Claim our own wait before taking
         * anything: if a waker on an earlier arm already won, park to
         * receive its value instead. */
        if (rt_wait_self(co, tok, (unsigned)i + 1)) {
            rt_chan_sel_take(ch[i], cases[i].out, &wake);
            rt_chan_unlock(ch[i]);
            if (wake)
                rt_wake(wake);
            self = i;
        } else {
            rt_chan_unlock(ch[i]);
        }
        break;
    }
    unsigned code;
    if (self >= 0) {
        code = 0;   /* value already in cases[self].out */
    } else {
        if (timeout_ms > 0)
            rt_timer_add(co, rt_mono_ns() + (int64_t)timeout_ms * 1000000);
        code = rt_wait_park(co);
        if (timeout_ms > 0)
            rt_timer_remove(co);
    }
    for (int i = 0; i < n; i++)
        if (rt_waiter_linked(&r[i]))
            rt_chan_sel_dequeue(ch[i], &r[i]);
    if (self >= 0) {
        result = self;
    } else if (code == WIN_TIMEOUT) {
        result = WYN_SELECT_TIMEOUT;
    } else {
        result = (int)code - 1;
        if (r[result].closed)
            memset(cases[result].out, 0, (size_t)cases[result].esize);
        else
            memcpy(cases[result].out, co->xfer, (size_t)cases[result].esize);
    }
out:
    if (ch != local)
        free(ch);
    return result;
}
