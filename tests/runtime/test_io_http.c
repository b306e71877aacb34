/* test_io_http.c — the HTTP/1.1 request parser (every prefix of valid
 * requests, malformed ones, limits) and the server and client under the
 * scheduler with 1, 2 and 4 workers: Http.get/post, keep-alive,
 * pipelining, error responses for garbage, several accepting tasks,
 * descriptors returning to their count; the inputs kept from fuzzing
 * (tests/fuzz/http_crashers/) parse sanely. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"
#include "rt_values.h"
#include "io_test.h"
#include "io_internal.h"

static WynStr *S(const char *s) { return rt_str_cstr(s); }

static int streq(WynStr *a, const char *b)
{
    return a && (size_t)a->len == strlen(b) && !memcmp(a->data, b, a->len);
}

static WynStr *hdr(WynMap *m, const char *k)
{
    WynStr **v = rt_map_find_s(m, S(k));
    return v ? *v : NULL;
}



static void run_program(void *fn) { _exit(rt_test_run((wyn_int (*)(void))fn)); }

/* Runs a Wyn-style entry under rt_main in a child; stderr into err. */
static int child(wyn_int (*fn)(void), char *err, size_t errlen)
{
    return fork_capture(run_program, (void *)fn, err, errlen);
}

/* ------------------------------------------------------------ parser */

/* Parsed requests own their strings and headers (+1): kept here and
 * released at the end of test_parser. */
static WynHttpRequest parsed[512];
static int nparsed;
static void keep_parsed(long r, HttpParsed *hp)
{
    if (r > 0 && nparsed < 512)
        parsed[nparsed++] = hp->req;
}

static long P(const char *text, HttpParsed *hp)
{
    /* parse from an exactly sized heap copy so ASan sees any over-read */
    size_t n = strlen(text);
    char *b = malloc(n ? n : 1);
    memcpy(b, text, n);
    long r = io_http_parse(b, n, hp);
    free(b);
    keep_parsed(r, hp);
    return r;
}

static void every_prefix_needs_more(const char *text)
{
    size_t n = strlen(text);
    HttpParsed hp;
    for (size_t k = 0; k < n; k++) {
        char *b = malloc(k ? k : 1);
        memcpy(b, text, k);
        long r = io_http_parse(b, k, &hp);
        free(b);
        if (r != 0) {
            fprintf(stderr, "prefix %zu of %s gave %ld\n", k, text, r);
            CHECK(0);
            return;
        }
    }
    CHECK_EQ(P(text, &hp), (long)n);
}

static void test_parser(void)
{
    HttpParsed hp;
    const char *get = "GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: h\r\nX-Thing:  v v  \r\n"
                      "Accept: a\r\naccept: b\r\n\r\n";
    CHECK_EQ(P(get, &hp), (long)strlen(get));
    CHECK(streq(hp.req.method, "GET"));
    CHECK(streq(hp.req.path, "/a/b"));
    CHECK(streq(hp.req.query, "x=1&y=2"));
    CHECK(streq(hdr(hp.req.headers, "x-thing"), "v v"));
    CHECK(streq(hdr(hp.req.headers, "host"), "h"));
    CHECK(streq(hdr(hp.req.headers, "accept"), "a, b"));
    CHECK(streq(hp.req.body, ""));
    CHECK_EQ(hp.keep_alive, 1);
    every_prefix_needs_more(get);

    const char *post = "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    CHECK_EQ(P(post, &hp), (long)strlen(post));
    CHECK(streq(hp.req.body, "hello"));
    CHECK(streq(hp.req.query, ""));
    every_prefix_needs_more(post);
    CHECK_EQ(P("POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel", &hp), 0);
    CHECK_EQ(hp.need, 44);

    const char *chunked = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n";
    CHECK_EQ(P(chunked, &hp), (long)strlen(chunked));
    CHECK(streq(hp.req.body, "helloabcdefghijklmnopqrstuvwxyz"));
    every_prefix_needs_more(chunked);

    /* bare LF line ends, leading empty line, HTTP/1.0 */
    CHECK(P("\r\nGET / HTTP/1.0\nA: b\n\n", &hp) > 0);
    CHECK_EQ(hp.keep_alive, 0);
    CHECK(streq(hp.req.path, "/"));
    CHECK(P("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &hp) > 0);
    CHECK_EQ(hp.keep_alive, 2);
    CHECK(P("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n", &hp) > 0);
    CHECK_EQ(hp.keep_alive, 0);
    CHECK(P("HEAD /h HTTP/1.1\r\n\r\n", &hp) > 0);
    CHECK_EQ(hp.head, 1);
    CHECK(P("GET http://example.com:80/abs?q HTTP/1.1\r\n\r\n", &hp) > 0);
    CHECK(streq(hp.req.path, "/abs"));
    CHECK(streq(hp.req.query, "q"));
    CHECK(P("OPTIONS * HTTP/1.1\r\n\r\n", &hp) > 0);
    CHECK(P("GET /?only HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", &hp) > 0);
    CHECK(streq(hp.req.query, "only"));

    /* pipelined: only the first request is consumed */
    const char *two = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n";
    CHECK_EQ(P(two, &hp), 19);
    CHECK(streq(hp.req.path, "/1"));

    /* malformed */
    static const char *const bad[] = {
        "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET /\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 \r\n\r\n",
        "G@T / HTTP/1.1\r\n\r\n",
        "GET a HTTP/1.1\r\n\r\n",
        "GET /\x01 HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nA : b\r\n\r\n",
        "GET / HTTP/1.1\r\n: b\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        "GET / HTTP/1.x\r\n\r\n",
        "GET / FTP/1.1\r\n\r\n",
        "\x16\x03\x01\x02\x05\x01\x05\x01\xfc\x03\x03\r\n\r\n",
        NULL
    };
    for (int i = 0; bad[i]; i++) {
        long r = P(bad[i], &hp);
        if (r != -400)
            fprintf(stderr, "bad[%d] gave %ld\n", i, r);
        CHECK_EQ(r, -400);
    }
    CHECK_EQ(P("GET / HTTP/2.0\r\n\r\n", &hp), -505);
    CHECK_EQ(P("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", &hp), -501);
    CHECK_EQ(P("POST / HTTP/1.1\r\nContent-Length: 8388609\r\n\r\n", &hp), -413);
    CHECK_EQ(P("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", &hp), -413);
    /* a header section over 16 KiB: 431, with or without its end */
    size_t big = 20000;
    char *h = malloc(big + 64);
    strcpy(h, "GET / HTTP/1.1\r\nX: ");
    size_t k = strlen(h);
    memset(h + k, 'a', big);
    h[k + big] = 0;
    CHECK_EQ(P(h, &hp), -431);
    strcat(h, "\r\n\r\n");
    CHECK_EQ(P(h, &hp), -431);
    /* a request line over 16 KiB without a newline yet */
    memset(h, 'A', big);
    h[big] = 0;
    CHECK_EQ(P(h, &hp), -431);
    free(h);
    /* too many fields */
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, "GET / HTTP/1.1\r\n");
    for (int i = 0; i < 101; i++)
        rt_sb_append_cstr(sb, "A: b\r\n");
    rt_sb_append_cstr(sb, "\r\n");
    CHECK_EQ(P(rt_sb_to_string(sb)->data, &hp), -431);
    rt_sb_free(sb);
    /* garbage with no newline is "need more" until the limit */
    CHECK_EQ(P("\x01\x02\x03garbage", &hp), 0);
    /* fuzz crashers, if any (tests/fuzz/http_crashers/, run from the
     * project root): parse from an exactly sized copy, give a sane answer;
     * a parsed request is released at once */
    DIR *dir = opendir("tests/fuzz/http_crashers");
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "tests/fuzz/http_crashers/%s", e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        char *b = malloc(n ? n : 1);
        memcpy(b, buf, n);
        long r = io_http_parse(b, n, &hp);
        free(b);
        CHECK(r <= (long)n);
        CHECK(r >= 0 || r == -400 || r == -413 || r == -431 || r == -501 || r == -505);
        if (r > 0)
            io_http_req_release(&hp.req);
    }
    if (dir)
        closedir(dir);
}

/* ------------------------------------------------------------ server */

typedef struct { wyn_int server; int n; } ServeArgs;

/* Answers n requests with "METHOD PATH?QUERY BODY". */
static void serve_fn(void *args, void *res)
{
    ServeArgs *a = args;
    for (int i = 0; i < a->n; i++) {
        WynHttpRequest req;
        rt_http_accept(a->server, &req, 1);
        WynSB *sb = rt_sb_new();
        rt_sb_append(sb, req.method);
        rt_sb_append_cstr(sb, " ");
        rt_sb_append(sb, req.path);
        rt_sb_append_cstr(sb, "?");
        rt_sb_append(sb, req.query);
        rt_sb_append_cstr(sb, " ");
        rt_sb_append(sb, req.body);
        WynMap *h = rt_map_new(1, sizeof(WynStr *));
        *(WynStr **)rt_map_slot_s(h, S("X-Served-By")) = S("wyn");
        WynStr **ua = rt_map_find_s(req.headers, S("user-agent"));
        if (ua)
            *(WynStr **)rt_map_slot_s(h, S("X-UA")) = *ua;
        rt_http_respond(req.conn, 200, h, rt_sb_to_string(sb), 1);
        rt_sb_free(sb);
    }
}

static WynStr *read_all(wyn_int c)
{
    WynStr *all = rt_str_empty();
    for (;;) {
        WynStr *m = rt_net_read(c, 65536, 1);
        if (m->len == 0)
            return all;
        all = rt_str_concat(all, m);
    }
}

/* Reads until `count` responses (by "HTTP/1.1 " occurrences with
 * complete bodies) are in; returns the text. */
static WynStr *read_responses(wyn_int c, int count)
{
    WynStr *all = rt_str_empty();
    for (;;) {
        int got = 0;
        const char *p = all->data, *end = p + all->len;
        for (;;) {
            const char *he = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
            if (!he)
                break;
            const char *cl = memmem(p, (size_t)(he - p), "Content-Length: ", 16);
            long n = cl ? strtol(cl + 16, NULL, 10) : 0;
            if (end - (he + 4) < n)
                break;
            got++;
            p = he + 4 + n;
        }
        if (got >= count)
            return all;
        WynStr *m = rt_net_read(c, 65536, 1);
        if (m->len == 0)
            return all;
        all = rt_str_concat(all, m);
    }
}

static int count_sub(WynStr *s, const char *sub)
{
    int n = 0;
    const char *p = s->data, *end = p + s->len;
    size_t l = strlen(sub);
    while ((p = memmem(p, (size_t)(end - p), sub, l))) {
        n++;
        p += l;
    }
    return n;
}

static wyn_int t_basic(void)
{
    wyn_int server = rt_http_listen(0, 1);
    int port = (int)rt_http_port(server);
    CHECK(port > 0);
    ServeArgs sa = { server, 10 };
    wyn_int sf = rt_spawn(serve_fn, &sa, sizeof sa, 0, 1);
    char url[128];
    WynHttpResponse res;
    static const char *const paths[] = { "/a", "/b/c?x=1", "", "/?q" };
    static const char *const want[] = { "GET /a? ", "GET /b/c?x=1 ", "GET /? ", "GET /?q " };
    for (int i = 0; i < 4; i++) {
        snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, paths[i]);
        rt_http_get(S(url), &res, 1);
        CHECK_EQ(res.status, 200);
        CHECK(streq(res.body, want[i]));
        CHECK(streq(hdr(res.headers, "x-served-by"), "wyn"));
        CHECK(streq(hdr(res.headers, "x-ua"), "wyn"));
        CHECK(streq(hdr(res.headers, "content-type"), "text/plain; charset=utf-8"));
    }
    snprintf(url, sizeof url, "http://localhost:%d/post#frag", port);
    rt_http_post(S(url), S("payload"), &res, 1);
    CHECK(streq(res.body, "POST /post? payload"));

    /* keep-alive: three requests in turn on one connection */
    wyn_int c = rt_net_connect(S("127.0.0.1"), port, 1);
    for (int i = 0; i < 3; i++) {
        rt_net_write(c, S("GET /k HTTP/1.1\r\nHost: x\r\n\r\n"), 1);
        WynStr *r = read_responses(c, 1);
        CHECK(count_sub(r, "HTTP/1.1 200 OK\r\n") == 1);
        CHECK(count_sub(r, "GET /k? ") == 1);
    }
    /* pipelined: two requests in one write, the second closes */
    rt_net_write(c, S("POST /p1 HTTP/1.1\r\nContent-Length: 2\r\n\r\nabGET /p2 HTTP/1.1\r\n"
                      "Connection: close\r\n\r\n"), 1);
    WynStr *r = read_all(c);
    CHECK_EQ(count_sub(r, "HTTP/1.1 200 OK\r\n"), 2);
    const char *p1 = strstr(r->data, "POST /p1? ab"), *p2 = strstr(r->data, "GET /p2? ");
    CHECK(p1 && p2 && p1 < p2);
    CHECK_EQ(count_sub(r, "Connection: close\r\n"), 1);
    rt_net_close(c);
    rt_await(sf, 1);

    /* malformed and oversized requests get an error and a close; the
     * server keeps serving (the poller runs inside Http.accept, so a task
     * must be accepting meanwhile) */
    ServeArgs sb = { server, 1 };
    sf = rt_spawn(serve_fn, &sb, sizeof sb, 0, 1);
    static const char *const garbage[] = {
        "garbage\r\n\r\n", "GET / HTTP/1.1\r\nNo colon\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
    };
    static const char *const status[] = { "HTTP/1.1 400 ", "HTTP/1.1 400 ", "HTTP/1.1 505 ",
                                          "HTTP/1.1 413 " };
    for (int i = 0; i < 4; i++) {
        c = rt_net_connect(S("127.0.0.1"), port, 1);
        rt_net_write(c, S(garbage[i]), 1);
        r = read_all(c);
        CHECK(strncmp(r->data, status[i], 13) == 0);
        rt_net_close(c);
    }
    c = rt_net_connect(S("127.0.0.1"), port, 1);
    WynStr *huge = rt_str_concat(S("GET / HTTP/1.1\r\nX: "), rt_str_repeat(S("y"), 17000));
    rt_net_write(c, huge, 1);
    r = read_all(c);
    CHECK(strncmp(r->data, "HTTP/1.1 431 ", 13) == 0);
    rt_net_close(c);
    /* vanish mid-request */
    for (int i = 0; i < 20; i++) {
        c = rt_net_connect(S("127.0.0.1"), port, 1);
        rt_net_write(c, S("GET /half HTTP/1.1\r\nHost: "), 1);
        rt_net_close(c);
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d/after", port);
    rt_http_get(S(url), &res, 1);
    CHECK(streq(res.body, "GET /after? "));
    rt_await(sf, 1);
    /* closing the server closes its idle keep-alive connections */
    ServeArgs sc = { server, 1 };
    sf = rt_spawn(serve_fn, &sc, sizeof sc, 0, 1);
    c = rt_net_connect(S("127.0.0.1"), port, 1);
    rt_net_write(c, S("GET /idle HTTP/1.1\r\n\r\n"), 1);
    r = read_responses(c, 1);
    CHECK(count_sub(r, "GET /idle? ") == 1);
    rt_await(sf, 1);
    rt_net_close(server);
    rt_net_close(server);
    CHECK_EQ(rt_net_read(c, 100, 1)->len, 0);
    rt_net_close(c);
    return 0;
}

/* several accepting tasks, many concurrent clients */
typedef struct { int port, i; } GetArgs;

static void get_fn(void *args, void *res)
{
    GetArgs *a = args;
    char url[128], want[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/n%d", a->port, a->i);
    snprintf(want, sizeof want, "GET /n%d? ", a->i);
    WynHttpResponse r;
    rt_http_get(S(url), &r, 1);
    *(wyn_int *)res = r.status == 200 && streq(r.body, want);
}

static wyn_int t_many(void)
{
    int n = rt_test_n(400);
    wyn_int server = rt_http_listen(0, 1);
    int port = (int)rt_http_port(server);
    wyn_int sf[4];
    for (int k = 0; k < 4; k++) {
        ServeArgs sa = { server, n / 4 };
        sf[k] = rt_spawn(serve_fn, &sa, sizeof sa, 0, 1);
    }
    wyn_int *futs = calloc((size_t)n, sizeof *futs);
    for (int i = 0; i < n; i++) {
        GetArgs g = { port, i };
        futs[i] = rt_spawn(get_fn, &g, sizeof g, sizeof(wyn_int), 1);
    }
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += (int)*(const wyn_int *)rt_await(futs[i], 1);
    CHECK_EQ(ok, n);
    for (int k = 0; k < 4; k++)
        rt_await(sf[k], 1);
    rt_net_close(server);
    free(futs);
    return 0;
}

/* errors, in children */
static wyn_int e_twice(void)
{
    wyn_int server = rt_http_listen(0, 1);
    wyn_int c = rt_net_connect(S("127.0.0.1"), rt_http_port(server), 1);
    rt_net_write(c, S("GET / HTTP/1.1\r\n\r\n"), 1);
    WynHttpRequest req;
    rt_http_accept(server, &req, 1);
    rt_http_respond(req.conn, 200, NULL, S("one"), 1);
    rt_http_respond(req.conn, 200, NULL, S("two"), WYN_LOC(0, 21));
    return 0;
}

static wyn_int e_get_refused(void)
{
    WynHttpResponse r;
    rt_http_get(S("http://127.0.0.1:1/x"), &r, WYN_LOC(0, 22));
    return 0;
}

static wyn_int e_bad_url(void)
{
    WynHttpResponse r;
    rt_http_get(S("https://example.com/"), &r, WYN_LOC(0, 23));
    return 0;
}

static void close_later_fn(void *args, void *res)
{
    rt_sleep_ms(30, 1);
    rt_net_close(*(wyn_int *)args);
}

static wyn_int e_accept_closed(void)
{
    wyn_int server = rt_http_listen(0, 1);
    rt_spawn_detached(close_later_fn, &server, sizeof server, 1);
    WynHttpRequest req;
    rt_http_accept(server, &req, WYN_LOC(0, 24));
    return 0;
}


int main(void)
{
    wyn_int live0 = rt_mem_live_objects(), mark = rt_pool_mark();
    test_parser();
    for (int i = 0; i < nparsed; i++)
        io_http_req_release(&parsed[i]);
    rt_pool_drain(mark);
    CHECK_EQ(rt_mem_live_objects(), live0);
    /* children first: TSan cannot fork once threads have run */
    char err[1024];
    CHECK_EQ(child(e_twice, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:21: error: Http.respond: this request was already answered") != NULL);
    CHECK_EQ(child(e_get_refused, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:22: error: cannot connect to 127.0.0.1:1: Connection refused") != NULL);
    CHECK_EQ(child(e_bad_url, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:23: error: HTTP request to https://example.com/ failed: not a valid http:// URL") != NULL);
    double t0 = rt_test_now();
    CHECK_EQ(child(e_accept_closed, err, sizeof err), 1);
    CHECK(strstr(err, "test.wyn:24: error: use of a closed HTTP server") != NULL);
    CHECK(rt_test_now() - t0 < 2.0);
    int fds0 = count_fds();
    FOR_EACH_THREADS({
        CHECK_EQ(rt_test_run(t_basic), 0);
        CHECK_EQ(rt_test_run(t_many), 0);
    });
    if (count_fds() != fds0) {
        fprintf(stderr, "descriptors: %d before, %d after\n", fds0, count_fds());
        dump_fds();
        CHECK(0);
    }
    TEST_DONE("test_io_http");
}
