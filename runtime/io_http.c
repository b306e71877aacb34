/*
 * io_http.c — HTTP/1.1 server and client for Http.* (I/O library, SPEC §13).
 *
 * Server design.  An HttpServer record owns a listening socket, a private
 * epoll set (epfd) holding the listener, an eventfd and every connection
 * that is waiting for its next request, and a queue of connections whose
 * next request has been parsed.  No task is spawned per connection:
 *
 *   - rt_http_accept pops the queue.  When the queue is empty, one of the
 *     accepting tasks becomes the *poller*: it parks on epfd (through
 *     rt_sched_wait_fd, so the worker thread stays free), accepts new
 *     connections, reads from ready ones and parses; complete requests go
 *     on the queue.  Other accepting tasks sleep on a small runtime channel
 *     (`notify`) until the poller hands over; the counters `sleepers` and
 *     `pending` (under the server mutex) make sure a wake-up is sent only
 *     to a task that is really waiting, so sending never blocks.
 *   - A connection whose request was handed out is BUSY: it is out of the
 *     epoll set (EPOLLONESHOT), so its next request (pipelining) is not
 *     read before the response is written.  rt_http_respond writes the
 *     response on req.conn (parking on writability, 30 s limit), then
 *     either closes the connection (Connection: close, HTTP/1.0 without
 *     keep-alive, an error response, or a write error) or makes it READING
 *     again: the next request is parsed straight from bytes already
 *     received, or the connection is re-armed in epfd.
 *   - The poller closes connections at end of stream, on read errors, on
 *     malformed requests (after a best-effort error response) and when
 *     they sat idle for IDLE_NS between requests.  A client that connects
 *     and vanishes costs nothing once its FIN or RST arrives.
 *
 * Every connection is an IoObj (io_internal.h); req.conn is its handle.
 * Descriptors are closed exactly once, by io_final -> io_http_final.
 *
 * Request parser (io_http_parse): request line `METHOD SP TARGET SP
 * HTTP/1.x`, headers `name: value` (CRLF or bare LF line ends), header
 * section at most IO_MAX_HEADER bytes (else 431) and 100 fields (431),
 * bodies by Content-Length or chunked, at most IO_MAX_BODY bytes (else
 * 413).  Rejected with 400: bad request line, target not starting with
 * "/" (or "*", or an absolute http:// form), control characters, obsolete
 * line folding, whitespace before ':', non-numeric or conflicting
 * Content-Length, Transfer-Encoding together with Content-Length or in
 * HTTP/1.0, bad chunk framing.  Transfer-Encoding other than chunked: 501.
 * HTTP/2+ versions: 505.  It only ever reads buf[0, n).
 *
 * Header names are lower-cased; repeated headers are joined with ", ".
 * The target is split at the first '?' into path and query (no decoding).
 *
 * Client: Http.get / Http.post connect to http://host[:port]/path, send
 * one request with Connection: close and read the status line, headers and
 * a body framed by Content-Length, chunked encoding, or end of stream.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>
#include "wyn_rt.h"
#include "rt_internal.h"
#include "rt_values.h"
#include "io_internal.h"

#define IDLE_NS (60ll * 1000000000ll)      /* keep-alive / partial request idle limit */
#define SWEEP_NS (1000000000ll)
#define WRITE_TIMEOUT_MS 30000
#define CLIENT_TIMEOUT_MS 60000
#define MAX_FIELDS 100
#define BUF_MAX ((size_t)IO_MAX_HEADER + IO_MAX_BODY + 128 * 1024)
#define CLIENT_MAX_HEADER (64 * 1024)
#define CLIENT_MAX_BODY ((size_t)1 << 30)
#define NOTIFY_CAP 64
#define EV_BATCH 64

enum { HS_NONE, HS_READING, HS_QUEUED, HS_BUSY };

#define TAG_LISTENER ((void *)1)
#define TAG_EVFD ((void *)2)

struct HServer {
    IoObj *self;
    int epfd, evfd;
    pthread_mutex_t mu;
    IoObj *conns;                  /* all open connections */
    IoObj *rq_head, *rq_tail;      /* parsed requests waiting for accept */
    int polling, sleepers, pending, closed;
    wyn_int notify;                /* channel: wake-ups for sleeping acceptors */
    int64_t last_sweep;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* ================================================================ parser */

static const unsigned char tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1,
    ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,
    ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
    ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
    ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive: does the comma-separated list v[0, n) contain tok? */
static int has_token(const char *v, size_t n, const char *tok)
{
    size_t tl = strlen(tok), i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e - s == tl) {
            size_t k = 0;
            while (k < tl && lower((unsigned char)v[s + k]) == tok[k])
                k++;
            if (k == tl)
                return 1;
        }
    }
    return 0;
}

/* The line starting at p (< end): sets *le to its end (before "\r\n" or
 * "\n") and returns the start of the next line, or NULL when no '\n' is
 * there yet.  A '\r' not followed by '\n' is left in the line (and then
 * rejected as a control character). */
static const char *next_line(const char *p, const char *end, const char **le)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
        return NULL;
    *le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
    return nl + 1;
}

/* Decodes a chunked body at p[0, n).  1: done (*out, *used set); 0: needs
 * more; < 0: minus the status.  max: limit on the decoded size. */
static int chunked_decode(const char *p, size_t n, size_t max, WynStr **out, size_t *used)
{
    const char *q = p, *end = p + n;
    WynSB *sb = NULL;
    int rc = 0;
    for (;;) {
        const char *le, *nx = next_line(q, end, &le);
        if (!nx) {
            rc = (size_t)(end - q) > 4096 ? -400 : 0;
            goto out;
        }
        if (nx - q > 4096) {
            rc = -400;
            goto out;
        }
        size_t size = 0;
        int digits = 0;
        const char *r = q;
        while (r < le) {
            int c = lower((unsigned char)*r), v;
            if (c >= '0' && c <= '9') v = c - '0';
            else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
            else break;
            if (++digits > 15) {
                rc = -413;
                goto out;
            }
            size = size * 16 + (size_t)v;
            r++;
        }
        if (!digits) {
            rc = -400;
            goto out;
        }
        while (r < le && (*r == ' ' || *r == '\t'))
            r++;
        if (r < le && *r != ';') {
            rc = -400;
            goto out;
        }
        for (; r < le; r++)
            if ((unsigned char)*r < 0x20 && *r != '\t') {
                rc = -400;
                goto out;
            }
        q = nx;
        if (size == 0) {
            /* trailers, then an empty line */
            size_t tbytes = 0;
            for (;;) {
                const char *tle, *tnx = next_line(q, end, &tle);
                if (!tnx) {
                    rc = (size_t)(end - q) > IO_MAX_HEADER ? -431 : 0;
                    goto out;
                }
                tbytes += (size_t)(tnx - q);
                if (tbytes > IO_MAX_HEADER) {
                    rc = -431;
                    goto out;
                }
                int empty = tle == q;
                q = tnx;
                if (empty)
                    break;
            }
            rc = 1;
            goto out;
        }
        if (sb && (size_t)sb->len + size > max) {
            rc = -413;
            goto out;
        }
        if (size > max) {
            rc = -413;
            goto out;
        }
        if ((size_t)(end - q) < size + 1) {
            rc = 0;
            goto out;
        }
        if (!sb)
            sb = rt_sb_new();
        rt_sb_append_bytes(sb, q, (wyn_int)size);
        q += size;
        if (*q == '\n') {
            q++;
        } else if (*q == '\r') {
            if (end - q < 2) {
                rc = 0;
                goto out;
            }
            if (q[1] != '\n') {
                rc = -400;
                goto out;
            }
            q += 2;
        } else {
            rc = -400;
            goto out;
        }
    }
out:
    if (rc == 1) {
        *out = sb ? rt_sb_to_str_keep(sb) : rt_str_empty();
        *used = (size_t)(q - p);
    }
    if (sb)
        rt_sb_free(sb);
    return rc;
}

static WynStr *lower_str(const char *p, size_t n)
{
    WynStr *s = rt_str_alloc((wyn_int)n);
    for (size_t i = 0; i < n; i++)
        s->data[i] = (char)lower((unsigned char)p[i]);
    return s;
}

void io_http_req_release(WynHttpRequest *r)
{
    rt_release_str(r->method);
    rt_release_str(r->path);
    rt_release_str(r->query);
    rt_release_map(r->headers);
    rt_release_str(r->body);
    memset(r, 0, sizeof *r);
}

/* Header fields in [p, end) (lines up to and including the empty one).
 * Fills the map and the framing facts.  Returns 0 or minus a status. */
typedef struct {
    long long clen;     /* -1: none */
    int chunked, te_other, conn_close, conn_keep;
} Framing;

static int parse_fields(const char *p, const char *end, WynMap *headers, Framing *f)
{
    int nfields = 0;
    f->clen = -1;
    f->chunked = f->te_other = f->conn_close = f->conn_keep = 0;
    for (;;) {
        const char *le, *nx = next_line(p, end, &le);
        if (!nx)
            return -400;   /* cannot happen: the caller found the empty line */
        if (le == p)
            return 0;      /* the empty line */
        if (*p == ' ' || *p == '\t')
            return -400;   /* obsolete line folding */
        if (++nfields > MAX_FIELDS)
            return -431;
        const char *c = p;
        while (c < le && tchar[(unsigned char)*c])
            c++;
        if (c == p || c == le || *c != ':')
            return -400;
        const char *v = c + 1, *ve = le;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        for (const char *r = v; r < ve; r++) {
            unsigned char ch = (unsigned char)*r;
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                return -400;
        }
        size_t nl = (size_t)(c - p), vl = (size_t)(ve - v);
        WynStr *name = lower_str(p, nl);   /* +1, released below */
        if (nl == 14 && !memcmp(name->data, "content-length", 14)) {
            long long x = 0;
            int bad = vl == 0 || vl > 15 ? (vl > 15 ? -413 : -400) : 0;
            for (size_t i = 0; i < vl && !bad; i++) {
                if (v[i] < '0' || v[i] > '9')
                    bad = -400;
                x = x * 10 + (v[i] - '0');
            }
            if (!bad && f->clen >= 0 && f->clen != x)
                bad = -400;
            if (bad) {
                rt_release_str(name);
                return bad;
            }
            if (f->clen >= 0) {
                rt_release_str(name);
                p = nx;
                continue;   /* identical repeat: keep one */
            }
            f->clen = x;
        } else if (nl == 17 && !memcmp(name->data, "transfer-encoding", 17)) {
            /* the last coding must be chunked, and we only know chunked */
            if (has_token(v, vl, "chunked") && vl == 7 && !f->chunked)
                f->chunked = 1;
            else
                f->te_other = 1;
        } else if (nl == 10 && !memcmp(name->data, "connection", 10)) {
            if (has_token(v, vl, "close"))
                f->conn_close = 1;
            if (has_token(v, vl, "keep-alive"))
                f->conn_keep = 1;
        }
        WynStr **slot = rt_map_slot_s(headers, name);   /* retains name */
        rt_release_str(name);
        WynStr *val = rt_str_new_keep(v, (wyn_int)vl);
        if (*slot) {
            static WYN_STR_LIT_TYPE(3) comma = { -1, 2, ", " };
            WynStr *parts[3] = { *slot, (WynStr *)&comma, val };
            WynStr *joined = rt_str_concat_n_keep(parts, 3);
            rt_release_str(*slot);
            rt_release_str(val);
            *slot = joined;
        } else {
            *slot = val;
        }
        p = nx;
    }
}

/* Finds the empty line ending the header section that starts at p.
 * Returns the position after it, or NULL. */
static const char *header_end(const char *p, const char *end)
{
    for (;;) {
        const char *le, *nx = next_line(p, end, &le);
        if (!nx)
            return NULL;
        if (le == p)
            return nx;
        p = nx;
    }
}

long io_http_parse(const char *buf, size_t n, HttpParsed *out)
{
    const char *p = buf, *end = buf + n;
    out->need = 0;
    /* tolerate empty lines before the request line (RFC 9112 2.2) */
    while (p < end && (*p == '\r' || *p == '\n') && p - buf < 64)
        p++;
    const char *le, *nx = next_line(p, end, &le);
    if (!nx)
        return (size_t)(end - p) > IO_MAX_HEADER ? -431 : 0;
    if (nx - buf > IO_MAX_HEADER)
        return -431;
    /* request line */
    const char *sp1 = memchr(p, ' ', (size_t)(le - p));
    if (!sp1 || sp1 == p || sp1 - p > 32)
        return -400;
    for (const char *r = p; r < sp1; r++)
        if (!tchar[(unsigned char)*r])
            return -400;
    const char *t = sp1 + 1;
    const char *sp2 = memchr(t, ' ', (size_t)(le - t));
    if (!sp2 || sp2 == t)
        return -400;
    for (const char *r = t; r < sp2; r++)
        if ((unsigned char)*r <= 0x20 || (unsigned char)*r >= 0x7f)
            return -400;
    const char *ver = sp2 + 1;
    size_t vl = (size_t)(le - ver);
    int minor;
    if (vl != 8 || memcmp(ver, "HTTP/", 5) || ver[5] < '0' || ver[5] > '9' || ver[6] != '.' ||
        ver[7] < '0' || ver[7] > '9')
        return -400;
    if (ver[5] != '1')
        return ver[5] == '0' ? -400 : -505;
    minor = ver[7] - '0';
    /* target: origin form, "*", or absolute http(s):// form */
    const char *path = t, *tend = sp2;
    if (*t == '/') {
        /* origin form */
    } else if (tend - t == 1 && *t == '*') {
        /* asterisk form (OPTIONS) */
    } else if ((size_t)(tend - t) > 7 && (!strncasecmp(t, "http://", 7) || !strncasecmp(t, "https://", 8))) {
        const char *a = memchr(t, ':', (size_t)(tend - t)) + 3;
        const char *s = a;
        while (s < tend && *s != '/' && *s != '?')
            s++;
        path = s;
    } else {
        return -400;
    }
    const char *he = header_end(nx, end);
    if (!he)
        return (size_t)(end - buf) >= IO_MAX_HEADER ? -431 : 0;
    if (he - buf > IO_MAX_HEADER)
        return -431;
    WynMap *headers = rt_map_new_keep(1, sizeof(WynStr *), &rt_str_ops);
    Framing f;
    int r = parse_fields(nx, he, headers, &f);
    if (r >= 0 && f.te_other)
        r = f.chunked || minor == 0 ? -400 : -501;
    else if (r >= 0 && f.chunked && (f.clen >= 0 || minor == 0))
        r = -400;
    else if (r >= 0 && f.clen > IO_MAX_BODY)
        r = -413;
    if (r < 0) {
        rt_release_map(headers);
        return r;
    }
    WynStr *body;
    size_t used;
    if (f.chunked) {
        int c = chunked_decode(he, (size_t)(end - he), IO_MAX_BODY, &body, &used);
        if (c <= 0) {
            rt_release_map(headers);
            return c;
        }
        used += (size_t)(he - buf);
    } else if (f.clen > 0) {
        if ((size_t)(end - he) < (size_t)f.clen) {
            out->need = (size_t)(he - buf) + (size_t)f.clen;
            rt_release_map(headers);
            return 0;
        }
        body = rt_str_new_keep(he, (wyn_int)f.clen);
        used = (size_t)(he - buf) + (size_t)f.clen;
    } else {
        body = rt_str_empty();
        used = (size_t)(he - buf);
    }
    const char *q = path;
    while (q < tend && *q != '?')
        q++;
    out->req.method = rt_str_new_keep(p, (wyn_int)(sp1 - p));
    out->req.path = path == tend || *path == '?' ? rt_str_new_keep("/", 1)
                                                  : rt_str_new_keep(path, (wyn_int)(q - path));
    out->req.query = q < tend ? rt_str_new_keep(q + 1, (wyn_int)(tend - q - 1)) : rt_str_empty();
    out->req.headers = headers;
    out->req.body = body;
    out->req.conn = 0;
    /* 2: HTTP/1.0 keep-alive, answered with Connection: keep-alive */
    out->keep_alive = minor >= 1 ? !f.conn_close : f.conn_keep && !f.conn_close ? 2 : 0;
    out->head = sp1 - p == 4 && !memcmp(p, "HEAD", 4);
    return (long)used;
}

/* ================================================================ server */

static const char *reason(wyn_int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return status < 200 ? "Informational" : status < 300 ? "OK" : status < 400 ? "Redirect"
                  : status < 500 ? "Client Error" : "Server Error";
    }
}

static void conn_unlink(HServer *hs, IoObj *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else if (hs->conns == c)
        hs->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

/* Closes a connection that nobody else uses (the caller owns it). */
static void conn_close(IoObj *c)
{
    HServer *hs = c->srv;
    pthread_mutex_lock(&hs->mu);
    conn_unlink(hs, c);
    c->hstate = HS_NONE;
    pthread_mutex_unlock(&hs->mu);
    atomic_fetch_add(&c->state, 2);   /* a use, so io_end runs io_final */
    io_close(c);
    io_end(c);
}

/* Closes a list (linked by qnext) of connections already unlinked from
 * their server, outside the server's lock. */
static void close_victims(IoObj *victims)
{
    while (victims) {
        IoObj *c = victims;
        victims = c->qnext;
        atomic_fetch_add(&c->state, 2);   /* a use, so io_end runs io_final */
        io_close(c);
        io_end(c);
    }
}

/* Best-effort error response on a connection about to be closed. */
static void send_error(IoObj *c, int status)
{
    char msg[256];
    const char *why = reason(status);
    int n = snprintf(msg, sizeof msg,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
                     status, why, strlen(why) + 1, why);
    ssize_t w = send(c->fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    shutdown(c->fd, SHUT_WR);
}

static void wake_one_locked(HServer *hs, int *send)
{
    if (hs->sleepers > hs->pending && hs->pending < NOTIFY_CAP) {
        hs->pending++;
        (*send)++;
    }
}

static void send_wakes(HServer *hs, int n)
{
    char one = 1;
    for (int i = 0; i < n; i++)
        rt_chan_send(hs->notify, &one, 1, 0);
}

static void rearm(HServer *hs, IoObj *c)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.ptr = c;
    epoll_ctl(hs->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* A client that sent "Expect: 100-continue" waits for a go-ahead before
 * the body: give it once the header section is complete (the parser has
 * accepted it, since it asked for more bytes). */
static void maybe_continue(IoObj *c)
{
    if (c->continued || !c->len)
        return;
    const char *p = c->buf, *end = c->buf + c->len;
    const char *he = header_end(p, end);
    if (!he)
        return;
    for (const char *q = p; q < he;) {
        const char *le, *nx = next_line(q, he, &le);
        if (!nx)
            break;
        if (le - q >= 7 && !strncasecmp(q, "expect:", 7)) {
            const char *v = q + 7;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            if (le - v >= 12 && !strncasecmp(v, "100-continue", 12)) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                ssize_t w = send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                (void)w;
                c->continued = 1;
                return;
            }
        }
        q = nx;
    }
}

/* Parses the connection's buffer.  Returns 1 if a request was queued, 0 if
 * it needs more bytes, -1 if the connection was closed.  The caller owns c
 * and does not hold hs->mu. */
static int conn_parse(HServer *hs, IoObj *c, int eof)
{
    HttpParsed hp;
    if (c->len < c->need && !eof)
        return 0;   /* the body is still coming: no need to parse again */
    hp.need = 0;
    long r = c->len ? io_http_parse(c->buf, c->len, &hp) : 0;
    c->need = r == 0 ? hp.need : 0;
    if (r == 0 && c->len == BUF_MAX)
        r = -413;
    if (r < 0) {
        send_error(c, (int)-r);
        conn_close(c);
        return -1;
    }
    if (r == 0) {
        if (eof) {
            conn_close(c);
            return -1;
        }
        maybe_continue(c);
        return 0;
    }
    c->continued = 0;
    memmove(c->buf, c->buf + r, c->len - (size_t)r);
    c->len -= (size_t)r;
    c->req = hp.req;
    c->keep_alive = hp.keep_alive && !eof;
    c->head = hp.head;
    pthread_mutex_lock(&hs->mu);
    if (hs->closed) {
        pthread_mutex_unlock(&hs->mu);
        conn_close(c);
        return -1;
    }
    c->hstate = HS_QUEUED;
    c->qnext = NULL;
    if (hs->rq_tail)
        hs->rq_tail->qnext = c;
    else
        hs->rq_head = c;
    hs->rq_tail = c;
    pthread_mutex_unlock(&hs->mu);
    return 1;
}

/* The poller: the connection c is readable (or hung up). */
static void conn_readable(HServer *hs, IoObj *c)
{
    int eof = 0;
    for (;;) {
        if (c->cap - c->len < 4096 && c->cap < BUF_MAX) {
            size_t nc = c->cap ? c->cap * 2 : 8192;
            if (nc > BUF_MAX)
                nc = BUF_MAX;
            c->buf = rt_realloc(c->buf, (wyn_int)nc);
            c->cap = nc;
        }
        if (c->len == c->cap)
            break;
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (n > 0) {
            c->len += (size_t)n;
            continue;
        }
        if (n == 0) {
            eof = 1;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        conn_close(c);   /* reset or other error */
        return;
    }
    c->last_ns = now_ns();
    int r = conn_parse(hs, c, eof);
    if (r == 0)
        rearm(hs, c);
}

static void accept_new(HServer *hs)
{
    IoObj *l = hs->self;
    for (int k = 0; k < 64; k++) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                rt_sleep_ms(10, 0);   /* out of descriptors: let others finish */
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        IoObj *c = io_obj_new(IO_HTTP_CONN, fd);
        c->srv = hs;
        c->hstate = HS_READING;
        c->last_ns = now_ns();
        pthread_mutex_lock(&hs->mu);
        c->next = hs->conns;
        if (hs->conns)
            hs->conns->prev = c;
        hs->conns = c;
        pthread_mutex_unlock(&hs->mu);
        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
        ev.data.ptr = c;
        if (epoll_ctl(hs->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
            conn_close(c);
    }
}

/* Closes connections idle for longer than IDLE_NS.  Only READING ones
 * (owned by the poller, which we are). */
static void sweep(HServer *hs)
{
    int64_t now = now_ns();
    if (now - hs->last_sweep < SWEEP_NS)
        return;
    hs->last_sweep = now;
    IoObj *victims = NULL;
    pthread_mutex_lock(&hs->mu);
    for (IoObj *c = hs->conns, *nx; c; c = nx) {
        nx = c->next;
        if (c->hstate == HS_READING && now - c->last_ns > IDLE_NS) {
            conn_unlink(hs, c);
            c->hstate = HS_NONE;
            c->qnext = victims;
            victims = c;
        }
    }
    pthread_mutex_unlock(&hs->mu);
    close_victims(victims);
}

/* One round of the poller: waits up to a second for the server's epoll
 * set, then handles what is ready. */
static void poll_round(HServer *hs)
{
    rt_sched_wait_fd(hs->epfd, 1, 1000);
    struct epoll_event evs[EV_BATCH];
    int n = epoll_wait(hs->epfd, evs, EV_BATCH, 0);
    for (int i = 0; i < n; i++) {
        void *tag = evs[i].data.ptr;
        if (tag == TAG_LISTENER) {
            if (!(atomic_load(&hs->self->state) & 1))
                accept_new(hs);
        } else if (tag == TAG_EVFD) {
            uint64_t v;
            ssize_t r = read(hs->evfd, &v, sizeof v);
            (void)r;
        } else {
            conn_readable(hs, (IoObj *)tag);
        }
    }
    sweep(hs);
}

/* Wakes the poller (if any) or a sleeping acceptor after a request was
 * queued outside the poller. */
static void kick(HServer *hs)
{
    int wakes = 0;
    pthread_mutex_lock(&hs->mu);
    if (hs->polling) {
        uint64_t one = 1;
        ssize_t r = write(hs->evfd, &one, sizeof one);
        (void)r;
    } else {
        wake_one_locked(hs, &wakes);
    }
    pthread_mutex_unlock(&hs->mu);
    send_wakes(hs, wakes);
}

wyn_int rt_http_listen(wyn_int port, wyn_loc loc)
{
    IoObj *o = io_listen("", port, IO_HTTP_SERVER, loc);
    HServer *hs = calloc(1, sizeof *hs);
    if (!hs)
        rt_panic(loc, "out of memory");
    /* connections keep pointing at their server after it is closed, so a
     * server record lives until exit (reachable) */
    rt_mem_keep(hs);
    hs->self = o;
    pthread_mutex_init(&hs->mu, NULL);
    hs->epfd = epoll_create1(EPOLL_CLOEXEC);
    hs->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (hs->epfd < 0 || hs->evfd < 0)
        rt_panic(loc, "cannot create the HTTP server's event poller");
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = TAG_LISTENER;
    epoll_ctl(hs->epfd, EPOLL_CTL_ADD, o->fd, &ev);
    ev.data.ptr = TAG_EVFD;
    epoll_ctl(hs->epfd, EPOLL_CTL_ADD, hs->evfd, &ev);
    hs->notify = rt_chan_new(NOTIFY_CAP, 1, loc);
    hs->last_sweep = now_ns();
    o->hs = hs;
    return io_handle(o);
}

wyn_int rt_http_port(wyn_int server)
{
    return rt_net_port(server);
}

static void wake_one_capped(HServer *hs, int *send)
{
    if (hs->pending < NOTIFY_CAP)
        wake_one_locked(hs, send);
}

void rt_http_accept(wyn_int server, WynHttpRequest *out, wyn_loc loc)
{
    IoObj *so = io_begin(server, IO_HTTP_SERVER);
    if (!so)
        rt_panic(loc, "use of a closed HTTP server");
    HServer *hs = so->hs;
    for (;;) {
        int wakes = 0;
        pthread_mutex_lock(&hs->mu);
        if (hs->closed) {
            wake_one_capped(hs, &wakes);   /* pass the news on */
            pthread_mutex_unlock(&hs->mu);
            send_wakes(hs, wakes);
            rt_panic(loc, "use of a closed HTTP server");
        }
        IoObj *c = hs->rq_head;
        if (c) {
            hs->rq_head = c->qnext;
            if (!hs->rq_head)
                hs->rq_tail = NULL;
            c->qnext = NULL;
            c->hstate = HS_BUSY;
            /* somebody must take the next request or keep polling */
            if (hs->rq_head || !hs->polling)
                wake_one_capped(hs, &wakes);
            pthread_mutex_unlock(&hs->mu);
            send_wakes(hs, wakes);
            /* the queued request's references go to the caller's pool */
            *out = c->req;
            out->conn = io_handle(c);
            memset(&c->req, 0, sizeof c->req);
            rt_autorelease(out->method);
            rt_autorelease(out->path);
            rt_autorelease(out->query);
            rt_autorelease_map(out->headers);
            rt_autorelease(out->body);
            io_end(so);
            return;
        }
        if (!hs->polling) {
            hs->polling = 1;
            pthread_mutex_unlock(&hs->mu);
            poll_round(hs);
            pthread_mutex_lock(&hs->mu);
            hs->polling = 0;
            if (hs->rq_head)
                wake_one_capped(hs, &wakes);
            pthread_mutex_unlock(&hs->mu);
            send_wakes(hs, wakes);
            continue;
        }
        hs->sleepers++;
        pthread_mutex_unlock(&hs->mu);
        char tok;
        rt_chan_recv(hs->notify, &tok, 1, loc);
        pthread_mutex_lock(&hs->mu);
        hs->sleepers--;
        hs->pending--;
        pthread_mutex_unlock(&hs->mu);
    }
}

static int valid_field_value(WynStr *v)
{
    for (wyn_int i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)v->data[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    }
    return 1;
}

static int valid_field_name(WynStr *k)
{
    if (k->len == 0)
        return 0;
    for (wyn_int i = 0; i < k->len; i++)
        if (!tchar[(unsigned char)k->data[i]])
            return 0;
    return 1;
}

static int name_is(WynStr *k, const char *lname)
{
    size_t n = strlen(lname);
    if ((size_t)k->len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)k->data[i]) != lname[i])
            return 0;
    return 1;
}

void rt_http_respond(wyn_int conn, wyn_int status, WynMap *headers, WynStr *body, wyn_loc loc)
{
    IoObj *c = io_begin(conn, IO_HTTP_CONN);
    if (c) {
        pthread_mutex_lock(&c->srv->mu);
        int busy = c->hstate == HS_BUSY;
        if (busy)
            c->hstate = HS_NONE;   /* responding */
        pthread_mutex_unlock(&c->srv->mu);
        if (!busy) {
            io_end(c);
            c = NULL;
        }
    }
    if (!c)
        rt_panic(loc, "Http.respond: this request was already answered");
    if (status < 100 || status > 999) {
        char msg[80];
        snprintf(msg, sizeof msg, "Http.respond: invalid status %lld", (long long)status);
        rt_panic(loc, msg);
    }
    if (!body)
        body = rt_str_empty();
    HServer *hs = c->srv;
    int keep = c->keep_alive;
    int no_body = status < 200 || status == 204 || status == 304;
    WynSB *sb = rt_sb_new();
    char line[128];
    int n = snprintf(line, sizeof line, "HTTP/1.1 %lld %s\r\n", (long long)status, reason(status));
    rt_sb_append_bytes(sb, line, n);
    int has_type = 0;
    if (headers) {
        for (wyn_int pos = rt_map_next(headers, 0); pos >= 0; pos = rt_map_next(headers, pos + 1)) {
            WynStr *k = *(WynStr **)rt_map_key_at(headers, pos);
            WynStr *v = *(WynStr **)rt_map_val_at(headers, pos);
            if (!v)
                v = rt_str_empty();
            if (!valid_field_name(k) || !valid_field_value(v)) {
                rt_sb_free(sb);
                WynSB *m = rt_sb_new();
                rt_sb_append_cstr(m, "Http.respond: invalid header ");
                rt_sb_append_json_str(m, k);
                rt_panic_str(loc, rt_sb_to_str_keep(m));
            }
            if (name_is(k, "content-length") || name_is(k, "transfer-encoding"))
                continue;
            if (name_is(k, "connection")) {
                if (has_token(v->data, (size_t)v->len, "close"))
                    keep = 0;
                continue;
            }
            if (name_is(k, "content-type"))
                has_type = 1;
            rt_sb_append(sb, k);
            rt_sb_append_bytes(sb, ": ", 2);
            rt_sb_append(sb, v);
            rt_sb_append_bytes(sb, "\r\n", 2);
        }
    }
    if (!has_type && !no_body)
        rt_sb_append_cstr(sb, "Content-Type: text/plain; charset=utf-8\r\n");
    if (!no_body) {
        n = snprintf(line, sizeof line, "Content-Length: %lld\r\n", (long long)body->len);
        rt_sb_append_bytes(sb, line, n);
    }
    if (!keep)
        rt_sb_append_cstr(sb, "Connection: close\r\n");
    else if (keep == 2)
        rt_sb_append_cstr(sb, "Connection: keep-alive\r\n");
    rt_sb_append_bytes(sb, "\r\n", 2);
    if (!no_body && !c->head)
        rt_sb_append(sb, body);
    int r = io_send_all(c->fd, c->fd, sb->data, (size_t)sb->len, WRITE_TIMEOUT_MS);
    rt_sb_free(sb);
    if (r < 0 || !keep) {
        conn_close(c);
        io_end(c);
        return;
    }
    /* keep-alive: the next request may already be here */
    c->last_ns = now_ns();
    int q = conn_parse(hs, c, 0);
    if (q == 1) {
        kick(hs);
    } else if (q == 0) {
        pthread_mutex_lock(&hs->mu);
        int closed = hs->closed;
        if (!closed) {
            c->hstate = HS_READING;
            rearm(hs, c);
        }
        pthread_mutex_unlock(&hs->mu);
        if (closed)
            conn_close(c);
    }
    io_end(c);
}

/* rt_net_close on an HTTP server or connection (caller holds a use). */
void io_http_closing(IoObj *o)
{
    if (o->kind == IO_HTTP_CONN) {
        /* only a connection whose request is out (BUSY) is the user's */
        HServer *hs = o->srv;
        pthread_mutex_lock(&hs->mu);
        int mine = o->hstate == HS_BUSY;
        if (mine) {
            conn_unlink(hs, o);
            o->hstate = HS_NONE;
        }
        pthread_mutex_unlock(&hs->mu);
        if (mine)
            io_close(o);
        return;
    }
    HServer *hs = o->hs;
    int wakes = 0;
    pthread_mutex_lock(&hs->mu);
    hs->closed = 1;
    wake_one_capped(hs, &wakes);
    uint64_t one = 1;
    ssize_t r = write(hs->evfd, &one, sizeof one);   /* the poller */
    (void)r;
    pthread_mutex_unlock(&hs->mu);
    io_close(o);
    send_wakes(hs, wakes);
}

/* Last step of closing (io_net.c io_final): nobody uses o any more. */
void io_http_final(IoObj *o)
{
    if (o->kind == IO_HTTP_CONN) {
        HServer *hs = o->srv;
        if (hs) {
            pthread_mutex_lock(&hs->mu);
            if (o->prev || o->next || hs->conns == o)
                conn_unlink(hs, o);
            pthread_mutex_unlock(&hs->mu);
        }
        if (o->fd >= 0)
            close(o->fd);
        free(o->buf);
        o->buf = NULL;
        o->len = o->cap = 0;
        io_http_req_release(&o->req);   /* a request nobody accepted */
        return;
    }
    HServer *hs = o->hs;
    IoObj *victims = NULL;
    pthread_mutex_lock(&hs->mu);
    hs->closed = 1;
    for (IoObj *c = hs->conns, *nx; c; c = nx) {
        nx = c->next;
        if (c->hstate == HS_READING || c->hstate == HS_QUEUED) {
            conn_unlink(hs, c);
            c->hstate = HS_NONE;
            c->qnext = victims;
            victims = c;
        }
    }
    hs->rq_head = hs->rq_tail = NULL;
    int epfd = hs->epfd, evfd = hs->evfd;
    hs->epfd = hs->evfd = -1;
    pthread_mutex_unlock(&hs->mu);
    close_victims(victims);
    if (o->fd >= 0)
        close(o->fd);
    close(epfd);
    close(evfd);
}

/* ================================================================ client */

typedef struct {
    char host[256];
    wyn_int port;
    const char *path;     /* into the URL */
    size_t pathlen;
} Url;

static int parse_url(WynStr *url, Url *u)
{
    const char *s = url->data, *end = s + url->len;
    if (url->len < 7 || strncasecmp(s, "http://", 7))
        return -1;
    const char *a = s + 7, *ae = a;
    while (ae < end && *ae != '/' && *ae != '?' && *ae != '#')
        ae++;
    const char *at = memchr(a, '@', (size_t)(ae - a));
    if (at)
        a = at + 1;   /* ignore user info */
    const char *hp = a, *he;
    const char *portp = NULL;
    if (hp < ae && *hp == '[') {
        he = memchr(hp, ']', (size_t)(ae - hp));
        if (!he)
            return -1;
        hp++;
        if (he + 1 < ae) {
            if (he[1] != ':')
                return -1;
            portp = he + 2;
        }
    } else {
        he = memchr(hp, ':', (size_t)(ae - hp));
        if (he)
            portp = he + 1;
        else
            he = ae;
    }
    if (he == hp || (size_t)(he - hp) >= sizeof u->host)
        return -1;
    memcpy(u->host, hp, (size_t)(he - hp));
    u->host[he - hp] = 0;
    for (const char *c = u->host; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return -1;
    u->port = 80;
    if (portp) {
        if (portp == ae)
            return -1;
        wyn_int p = 0;
        for (const char *c = portp; c < ae; c++) {
            if (*c < '0' || *c > '9' || p > 65535)
                return -1;
            p = p * 10 + (*c - '0');
        }
        if (p < 1 || p > 65535)
            return -1;
        u->port = p;
    }
    const char *pe = memchr(ae, '#', (size_t)(end - ae));
    if (!pe)
        pe = end;
    u->path = ae;
    u->pathlen = (size_t)(pe - ae);
    for (size_t i = 0; i < u->pathlen; i++)
        if ((unsigned char)ae[i] <= 0x20 || (unsigned char)ae[i] == 0x7f)
            return -1;
    return 0;
}

WYN_NORETURN static void client_fail(wyn_loc loc, WynStr *url, const char *what)
{
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, "HTTP request to ");
    rt_sb_append(sb, url);
    rt_sb_append_cstr(sb, " failed: ");
    rt_sb_append_cstr(sb, what);
    rt_panic_str(loc, rt_sb_to_str_keep(sb));
}

/* Reads more bytes into *buf; 1 read, 0 end of stream, -1 error/timeout. */
static int client_fill(int fd, char **buf, size_t *len, size_t *cap, size_t max)
{
    if (*cap - *len < 16384) {
        size_t nc = *cap ? *cap * 2 : 32768;
        *buf = rt_realloc(*buf, (wyn_int)nc);
        *cap = nc;
    }
    if (*len >= max) {
        errno = EFBIG;
        return -1;
    }
    for (;;) {
        ssize_t n = recv(fd, *buf + *len, *cap - *len, 0);
        if (n > 0) {
            *len += (size_t)n;
            return 1;
        }
        if (n == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (rt_sched_wait_fd(fd, 1, CLIENT_TIMEOUT_MS) == 0) {
                errno = ETIMEDOUT;
                return -1;
            }
            continue;
        }
        return -1;
    }
}

static void http_request(const char *method, WynStr *url, WynStr *body, WynHttpResponse *out,
                         wyn_loc loc)
{
    Url u;
    if (parse_url(url, &u) < 0)
        client_fail(loc, url, "not a valid http:// URL");
    char why[160];
    int fd = io_connect_fd(u.host, u.port, why, sizeof why);
    if (fd < 0) {
        char msg[600];
        if (strchr(u.host, ':'))
            snprintf(msg, sizeof msg, "cannot connect to [%s]:%lld: %s", u.host, (long long)u.port, why);
        else
            snprintf(msg, sizeof msg, "cannot connect to %s:%lld: %s", u.host, (long long)u.port, why);
        rt_panic(loc, msg);
    }
    WynSB *sb = rt_sb_new();
    rt_sb_append_cstr(sb, method);
    rt_sb_append_bytes(sb, " ", 1);
    if (u.pathlen == 0 || u.path[0] != '/')
        rt_sb_append_bytes(sb, "/", 1);
    rt_sb_append_bytes(sb, u.path, (wyn_int)u.pathlen);
    rt_sb_append_cstr(sb, " HTTP/1.1\r\nHost: ");
    if (strchr(u.host, ':')) {
        rt_sb_append_bytes(sb, "[", 1);
        rt_sb_append_cstr(sb, u.host);
        rt_sb_append_bytes(sb, "]", 1);
    } else {
        rt_sb_append_cstr(sb, u.host);
    }
    if (u.port != 80) {
        rt_sb_append_bytes(sb, ":", 1);
        rt_sb_append_int(sb, u.port);
    }
    rt_sb_append_cstr(sb, "\r\nUser-Agent: wyn\r\nAccept: */*\r\nConnection: close\r\n");
    if (body) {
        rt_sb_append_cstr(sb, "Content-Type: text/plain; charset=utf-8\r\nContent-Length: ");
        rt_sb_append_int(sb, body->len);
        rt_sb_append_cstr(sb, "\r\n");
    }
    rt_sb_append_cstr(sb, "\r\n");
    if (body)
        rt_sb_append(sb, body);
    int r = io_send_all(fd, fd, sb->data, (size_t)sb->len, CLIENT_TIMEOUT_MS);
    rt_sb_free(sb);
    if (r < 0) {
        int e = errno;
        close(fd);
        client_fail(loc, url, strerror(e));
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, start = 0;
    const char *err = NULL;
    for (;;) {
        /* status line and headers (1xx responses are skipped) */
        const char *he;
        while (!(he = header_end(buf ? buf + start : "", buf ? buf + len : ""))) {
            if (len - start > CLIENT_MAX_HEADER) {
                err = "response headers too large";
                goto fail;
            }
            int f = client_fill(fd, &buf, &len, &cap, CLIENT_MAX_HEADER + start + 1);
            if (f <= 0) {
                err = f == 0 ? "connection closed before the response" : strerror(errno);
                goto fail;
            }
        }
        const char *p = buf + start, *le = p, *nx = next_line(p, he, &le);
        if (le - p < 12 || memcmp(p, "HTTP/1.", 7) || p[8] != ' ' ||
            p[9] < '1' || p[9] > '9' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
            (le - p > 12 && p[12] != ' ')) {
            err = "malformed response";
            goto fail;
        }
        int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
        WynMap *headers = rt_map_new_ops(1, sizeof(WynStr *), &rt_str_ops);
        Framing fr;
        if (parse_fields(nx, he, headers, &fr) < 0) {
            err = "malformed response headers";
            goto fail;
        }
        size_t bstart = (size_t)(he - buf);
        if (status >= 100 && status < 200) {
            start = bstart;
            continue;   /* headers: in the pool */
        }
        WynStr *rbody;
        if (status == 204 || status == 304 || !strcmp(method, "HEAD")) {
            rbody = rt_str_empty();
        } else if (fr.chunked) {
            for (;;) {
                size_t used;
                int c = chunked_decode(buf + bstart, len - bstart, CLIENT_MAX_BODY, &rbody, &used);
                if (c == 1)
                    break;
                if (c < 0) {
                    err = "malformed chunked body";
                    goto fail;
                }
                int f = client_fill(fd, &buf, &len, &cap, CLIENT_MAX_BODY * 2);
                if (f <= 0) {
                    err = f == 0 ? "connection closed in the body" : strerror(errno);
                    goto fail;
                }
            }
        } else if (fr.clen >= 0) {
            if ((size_t)fr.clen > CLIENT_MAX_BODY) {
                err = "response body too large";
                goto fail;
            }
            while (len - bstart < (size_t)fr.clen) {
                int f = client_fill(fd, &buf, &len, &cap, bstart + (size_t)fr.clen);
                if (f <= 0) {
                    err = f == 0 ? "connection closed in the body" : strerror(errno);
                    goto fail;
                }
            }
            rbody = rt_str_new_keep(buf + bstart, fr.clen);
        } else {
            for (;;) {
                int f = client_fill(fd, &buf, &len, &cap, bstart + CLIENT_MAX_BODY);
                if (f == 0)
                    break;
                if (f < 0) {
                    err = strerror(errno);
                    goto fail;
                }
            }
            rbody = rt_str_new_keep(buf + bstart, (wyn_int)(len - bstart));
        }
        close(fd);
        free(buf);
        out->status = status;
        out->headers = headers;        /* autoreleased (+0) */
        out->body = rt_autorelease(rbody);
        return;
    }
fail:
    close(fd);
    free(buf);
    client_fail(loc, url, err);
}

void rt_http_get(WynStr *url, WynHttpResponse *out, wyn_loc loc)
{
    http_request("GET", url, NULL, out, loc);
}

void rt_http_post(WynStr *url, WynStr *body, WynHttpResponse *out, wyn_loc loc)
{
    http_request("POST", url, body ? body : rt_str_empty(), out, loc);
}
