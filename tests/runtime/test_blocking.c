/* test_blocking.c — the blocking pool (runtime/blocking.c): a job runs
 * inline outside a coroutine; inside one it runs on another thread while
 * the task parks and other tasks keep running (a counter task advances
 * during a 150 ms job, with 1, 2 and 4 workers); main alone parked on a
 * long job is not a deadlock; objects a job autoreleases reach the task's
 * pool and are freed by its drain; 200 tasks with jobs all complete. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include "rt_test.h"
#include "rt_values.h"

typedef struct {
    pthread_t thread;         /* where the job ran */
    int ms;                   /* how long it sleeps */
    wyn_int value;
    WynStr *made;             /* +0, from the pool thread's pool */
} Job;

static void job(void *arg)
{
    Job *j = arg;
    j->thread = pthread_self();
    if (j->ms)
        usleep((useconds_t)j->ms * 1000);
    j->value *= 2;
    j->made = rt_str_from_int(j->value * 1000);   /* +0, pooled */
}

static _Atomic int ticks, stop_ticking;
static void ticker(void *args, void *res)
{
    (void)args;
    (void)res;
    while (!atomic_load(&stop_ticking)) {
        atomic_fetch_add(&ticks, 1);
        rt_sleep_ms(5, 0);
    }
}

static wyn_int parked_main(void)
{
    atomic_store(&ticks, 0);
    atomic_store(&stop_ticking, 0);
    wyn_int t = rt_spawn(ticker, NULL, 0, 0, 0);
    rt_sleep_ms(1, 0);
    Job j = { .ms = 150, .value = 21 };
    int before = atomic_load(&ticks);
    rt_blocking_run(job, &j, sizeof j, "test job", 0);
    int during = atomic_load(&ticks) - before;
    CHECK(!pthread_equal(j.thread, pthread_self()));
    CHECK_EQ(j.value, 42);
    CHECK(j.made && j.made->len == 5 && !memcmp(j.made->data, "42000", 5));
    CHECK(during >= 3);           /* ~30 expected (0 if the worker were held); low under load */
    atomic_store(&stop_ticking, 1);
    rt_await(t, 0);
    return 0;
}

static wyn_int main_alone(void)
{
    /* nothing else runs: a deadlock check would fire after 20 ms */
    Job j = { .ms = 120, .value = 1 };
    rt_blocking_run(job, &j, sizeof j, "test job", 0);
    CHECK_EQ(j.value, 2);
    return 0;
}

static wyn_int pool_objects(void)
{
    wyn_int live0 = rt_mem_live_objects();
    wyn_int mark = rt_pool_mark();
    Job j = { .value = 123456 };
    rt_blocking_run(job, &j, sizeof j, "test job", 0);
    CHECK_EQ(rt_mem_live_objects(), live0 + 1);
    rt_pool_drain(mark);          /* the task's drain frees the job's string */
    CHECK_EQ(rt_mem_live_objects(), live0);
    return 0;
}

static void many_body(void *args, void *res)
{
    Job j = { .ms = 2, .value = *(wyn_int *)args };
    rt_blocking_run(job, &j, sizeof j, "test job", 0);
    *(wyn_int *)res = j.value;
}

static wyn_int many(void)
{
    enum { N = 200 };
    wyn_int futs[N], sum = 0;
    for (wyn_int i = 0; i < N; i++)
        futs[i] = rt_spawn(many_body, &i, sizeof i, sizeof(wyn_int), 0);
    for (int i = 0; i < N; i++)
        sum += *(const wyn_int *)rt_await(futs[i], 0);
    CHECK_EQ(sum, 2 * (N - 1) * N / 2);
    return 0;
}

int main(void)
{
    Job j = { .value = 5 };
    rt_blocking_run(job, &j, sizeof j, "inline", 0);   /* not in a task */
    CHECK(pthread_equal(j.thread, pthread_self()));
    CHECK_EQ(j.value, 10);
    FOR_EACH_THREADS({
        CHECK_EQ(rt_test_run(parked_main), 0);
        CHECK_EQ(rt_test_run(main_alone), 0);
        CHECK_EQ(rt_test_run(pool_objects), 0);
        CHECK_EQ(rt_test_run(many), 0);
    });
    TEST_DONE("test_blocking");
}
