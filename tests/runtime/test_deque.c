/* test_deque.c — stress test of the Chase-Lev deque: one owner pushing and
 * popping (with growth from a tiny buffer), three thieves stealing; every
 * item must be taken exactly once.  Bounded: fixed item count. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include "deque.h"

#define ITEMS 2000000
#define THIEVES 3

static Deque dq;
static _Atomic unsigned char *seen;
static _Atomic long taken;
static _Atomic int done;
static int failures;

static void take(void *x)
{
    long i = (long)(intptr_t)x >> 4;
    if (i < 1 || i > ITEMS || atomic_fetch_add(&seen[i], 1) != 0) {
        fprintf(stderr, "item %ld taken twice or bogus\n", i);
        failures++;
    }
    atomic_fetch_add(&taken, 1);
}

static void *thief(void *arg)
{
    long mine = 0;
    while (!atomic_load(&done) || rt_deque_size(&dq) > 0) {
        void *x = rt_deque_steal(&dq);
        if (x && x != DEQUE_ABORT) {
            take(x);
            mine++;
        }
    }
    return (void *)mine;
}

int main(void)
{
    seen = calloc(ITEMS + 1, 1);
    rt_deque_init(&dq, 2);
    pthread_t th[THIEVES];
    for (int i = 0; i < THIEVES; i++)
        pthread_create(&th[i], NULL, thief, NULL);
    unsigned r = 12345;
    long next = 1, popped = 0;
    while (next <= ITEMS) {
        r = r * 1103515245 + 12345;
        int burst = (int)(r >> 16) % 64;
        for (int k = 0; k < burst && next <= ITEMS; k++)
            rt_deque_push(&dq, (void *)(intptr_t)(next++ << 4));
        int pops = (int)(r >> 8) % 48;
        for (int k = 0; k < pops; k++) {
            void *x = rt_deque_pop(&dq);
            if (!x)
                break;
            take(x);
            popped++;
        }
    }
    void *x;
    while ((x = rt_deque_pop(&dq))) {
        take(x);
        popped++;
    }
    atomic_store(&done, 1);
    long stolen = 0;
    for (int i = 0; i < THIEVES; i++) {
        void *m;
        pthread_join(th[i], &m);
        stolen += (long)m;
    }
    if (atomic_load(&taken) != ITEMS) {
        fprintf(stderr, "taken %ld, want %d\n", atomic_load(&taken), ITEMS);
        failures++;
    }
    for (long i = 1; i <= ITEMS; i++)
        if (seen[i] != 1) {
            fprintf(stderr, "item %ld seen %d times\n", i, seen[i]);
            failures++;
            break;
        }
    rt_deque_destroy(&dq);
    if (failures)
        return 1;
    printf("test_deque: ok (%ld popped by owner, %ld stolen)\n", popped, stolen);
    return 0;
}
