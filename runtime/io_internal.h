/*
 * io_internal.h — shared by the I/O library files (io_file.c, io_net.c,
 * io_http.c, io_json.c) and their tests.  Private to libwynrt.
 *
 * Handles.  Listeners, connections, HTTP servers and HTTP connections are
 * IoObj records.  A handle is the record's address with a 16-bit
 * generation in the top bits: (gen << 48) | address.  Records are never
 * returned to malloc; a closed one goes on a free list and is reused with
 * the next generation, so a stale handle (used after close) is detected
 * ("use of a closed connection") instead of touching freed memory.
 *
 * Closing.  Every operation brackets its use of the descriptor with
 * io_begin/io_end, which count users in the record's atomic state word
 * (gen << 48 | users << 1 | closed).  io_close sets the closed bit and, if
 * an operation is in progress (say a task parked in read), shuts the
 * socket down so that the waiter wakes; the descriptor itself is closed by
 * whoever drops the last use — exactly once.
 */
#ifndef WYN_IO_INTERNAL_H
#define WYN_IO_INTERNAL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "wyn_rt.h"

enum { IO_LISTENER = 1, IO_CONN = 2, IO_HTTP_SERVER = 4, IO_HTTP_CONN = 8 };

typedef struct HServer HServer;
typedef struct IoObj IoObj;

struct IoObj {
    _Atomic uint64_t state;   /* gen << 48 | users << 1 | closed */
    int kind;
    int fd;
    int wfd;                  /* IO_CONN: dup of fd for write waits, or -1 */
    int port;                 /* listeners and servers: the bound port */
    _Atomic int reading, writing, accepting; /* one parked waiter per fd */
    char addr[80];            /* "host:port" for messages */
    IoObj *next_free;
    /* IO_HTTP_CONN (owned by io_http.c) */
    HServer *srv;
    IoObj *prev, *next;       /* the server's list of open connections */
    char *buf;                /* received bytes [0, len) */
    size_t len, cap;
    int hstate;               /* io_http.c connection state */
    int keep_alive;           /* current request allows keep-alive */
    int head;                 /* current request is HEAD */
    int continued;            /* "100 Continue" sent for the pending request */
    size_t need;              /* don't parse again before len reaches this */
    int64_t last_ns;          /* last activity (idle sweep) */
    IoObj *qnext;             /* ready queue link */
    WynHttpRequest req;       /* parsed request, while queued */
    /* IO_HTTP_SERVER */
    HServer *hs;
};

/* io_net.c */
IoObj *io_obj_new(int kind, int fd);   /* state: gen, no users, open */
static inline wyn_int io_handle(IoObj *o)
{
    return (wyn_int)(((atomic_load(&o->state) >> 48) << 48) | (uint64_t)(uintptr_t)o);
}
/* Registers a use of handle h (kinds: mask of IO_*); NULL if it is not
 * open (closed or stale).  Panics at loc on a handle that is not an I/O
 * object at all when loc != -1. */
IoObj *io_begin(wyn_int h, int kinds);
void io_end(IoObj *o);
/* Marks closed; closes the descriptor now or at the last io_end. */
void io_close(IoObj *o);
/* Raises RLIMIT_NOFILE to its hard limit (once). */
void io_raise_nofile(void);
/* Connects to host:port (non-blocking, parks until done, 30 s timeout).
 * Returns the fd, or -1 with the reason in why. */
int io_connect_fd(const char *host, wyn_int port, char *why, size_t whylen);
/* A listening record of the given kind on host:port ("" = 0.0.0.0);
 * panics "cannot listen on HOST:PORT: REASON". */
IoObj *io_listen(const char *host, wyn_int port, int kind, wyn_loc loc);
/* accept4 (non-blocking, cloexec, TCP_NODELAY), parking while none is
 * pending.  -1 with errno EBADF once the record is being closed. */
int io_accept_fd(IoObj *listener, char *peer, size_t peerlen);
/* send() everything, parking on writability; MSG_NOSIGNAL.  wait_fd is the
 * descriptor to park on (may differ from fd).  timeout_ms < 0: none.
 * Returns 0, or -1 with errno (ETIMEDOUT on timeout). */
int io_send_all(int fd, int wait_fd, const char *p, size_t n, wyn_int timeout_ms);

/* io_http.c: rt_net_close on an HTTP server or connection (the caller
 * holds a use), and the last step of closing one (io_final). */
void io_http_closing(IoObj *o);
void io_http_final(IoObj *o);

/* io_json.c: parse without panicking.  Returns the value handle, or 0 with
 * "invalid JSON at offset N: WHAT" in err. */
wyn_int rt_json_parse_checked(const char *s, size_t n, char *err, size_t errlen);
/* The same parse, but the tree is not kept until exit (rt_mem_keep): the
 * caller owns it and frees it with io_json_free, after which the handle and
 * every handle, string or key obtained from the tree (getters return them
 * borrowed) are invalid.  io_json_free(0) does nothing.  Only a root from
 * io_json_parse_owned may be freed: not a member handle (rt_json_get/at),
 * not a tree from rt_json_parse[_checked].  For the runtime's own use and
 * the fuzzer (tests/fuzz/json_fuzz.c). */
wyn_int io_json_parse_owned(const char *s, size_t n, char *err, size_t errlen);
void io_json_free(wyn_int v);
/* Candidates for wyn_rt.h (not there yet): the kind of a value (0 null,
 * 1 bool, 2 number, 3 string, 4 array, 5 object; -1 not a JSON value) and
 * the contents of scalar values themselves, e.g. for `j.at(0)`. */
wyn_int rt_json_kind(wyn_int v);
WynStr *rt_json_as_string(wyn_int v, wyn_loc loc);
wyn_int rt_json_as_int(wyn_int v, wyn_loc loc);
double rt_json_as_float(wyn_int v, wyn_loc loc);
wyn_bool rt_json_as_bool(wyn_int v, wyn_loc loc);

/* HTTP request parsing (io_http.c), exposed for tests.  Parses one
 * request from buf[0, n).  Returns 0 when more bytes are needed, > 0 the
 * number of bytes the request used (out filled), < 0 minus the HTTP status
 * to answer with (400, 413, 431, 501, 505). */
typedef struct HttpParsed {
    WynHttpRequest req;
    int keep_alive;
    int head;
    size_t need;   /* on 0 with a Content-Length body: bytes needed in all */
} HttpParsed;
long io_http_parse(const char *buf, size_t n, HttpParsed *out);
/* Releases the request's strings and headers (each +1 after a successful
 * io_http_parse) and zeroes it. */
void io_http_req_release(WynHttpRequest *r);

#define IO_MAX_HEADER (16 * 1024)
#define IO_MAX_BODY (8 * 1024 * 1024)

#endif
