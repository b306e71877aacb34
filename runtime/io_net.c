/*
 * io_net.c — TCP for Net.* (I/O library, SPEC §13) and the I/O handle
 * records shared with io_http.c (see io_internal.h for the handle and
 * closing rules).
 *
 * Every socket is non-blocking and close-on-exec.  An operation that would
 * block parks its task with rt_sched_wait_fd (epoll), so thousands of
 * connections need only a few worker threads; outside a task (not the
 * case under rt_main, where main is a task) it falls back to poll(2).
 *
 * poll.c keeps one waiting coroutine per (descriptor, epoll) pair, so two
 * tasks must never park on the same descriptor at once.  Hence:
 *   - reads park on the socket, writes on a lazily made dup() of it (wfd),
 *     so one task may read while another writes;
 *   - a second reader (or writer, or acceptor) of the same handle waits for
 *     the first to finish by sleeping 1 ms at a time; that is rare and never
 *     hangs.
 * Writes use MSG_NOSIGNAL: a peer that went away is an error ("Broken
 * pipe"), never a SIGPIPE.  Connections get TCP_NODELAY.
 *
 * Errors are runtime errors naming the address:
 *   "cannot connect to 127.0.0.1:9: Connection refused"
 *   "cannot listen on 127.0.0.1:80: Permission denied"
 *   "cannot read from 127.0.0.1:5000: Connection reset by peer"
 *   "cannot write to 127.0.0.1:5000: Broken pipe"
 *   "use of a closed connection" / "use of a closed listener"
 * Closing a handle twice is harmless; a read parked when another task
 * closes the connection returns "" (end of stream).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wyn_rt.h"
#include "rt_internal.h"
#include "rt_values.h"
#include "io_internal.h"

#define PTR_MASK 0xFFFFFFFFFFFFull
#define CONNECT_TIMEOUT_MS 30000

/* ------------------------------------------------------------ handles */

static pthread_mutex_t free_mu = PTHREAD_MUTEX_INITIALIZER;
static IoObj *free_list;

IoObj *io_obj_new(int kind, int fd)
{
    pthread_mutex_lock(&free_mu);
    IoObj *o = free_list;
    if (o)
        free_list = o->next_free;
    pthread_mutex_unlock(&free_mu);
    if (!o) {
        o = calloc(1, sizeof *o);
        if (!o)
            rt_fatal(0, "out of memory");
        atomic_store(&o->state, 1ull << 48);
        rt_mem_keep(o);   /* records are reused, never freed: reachable */
    }
    /* everything but the state word (which carries the generation) */
    memset((char *)o + sizeof o->state, 0, sizeof *o - sizeof o->state);
    o->kind = kind;
    o->fd = fd;
    o->wfd = -1;
    return o;
}

static IoObj *io_ptr(wyn_int h)
{
    return (IoObj *)(uintptr_t)((uint64_t)h & PTR_MASK);
}

IoObj *io_begin(wyn_int h, int kinds)
{
    IoObj *o = io_ptr(h);
    if (!o)
        return NULL;
    uint64_t gen = (uint64_t)h >> 48;
    uint64_t s = atomic_load(&o->state);
    for (;;) {
        if ((s >> 48) != gen || (s & 1))
            return NULL;
        if (atomic_compare_exchange_weak(&o->state, &s, s + 2))
            break;
    }
    if (!(o->kind & kinds)) {
        io_end(o);
        return NULL;
    }
    return o;
}

static void io_final(IoObj *o)
{
    if (o->kind & (IO_HTTP_SERVER | IO_HTTP_CONN)) {
        io_http_final(o);
    } else {
        if (o->fd >= 0)
            close(o->fd);
        if (o->wfd >= 0)
            close(o->wfd);
    }
    o->fd = o->wfd = -1;
    uint64_t gen = ((atomic_load(&o->state) >> 48) + 1) & 0xFFFF;
    atomic_store(&o->state, gen << 48);
    pthread_mutex_lock(&free_mu);
    o->next_free = free_list;
    free_list = o;
    pthread_mutex_unlock(&free_mu);
}

void io_end(IoObj *o)
{
    uint64_t s = atomic_fetch_sub(&o->state, 2) - 2;
    if ((s & PTR_MASK) == 1)
        io_final(o);
}

void io_close(IoObj *o)
{
    uint64_t s = atomic_fetch_or(&o->state, 1);
    if (s & 1)
        return;                      /* somebody else closed it */
    if (((s & PTR_MASK) >> 1) > 1 && o->fd >= 0)
        shutdown(o->fd, SHUT_RDWR);  /* wake tasks parked on it */
}

static int io_closing(IoObj *o)
{
    return (int)(atomic_load(&o->state) & 1);
}

/* One task at a time per flag; others wait politely. */
static void flag_acquire(_Atomic int *f)
{
    while (atomic_exchange(f, 1))
        rt_sleep_ms(1, 0);
}

static void flag_release(_Atomic int *f)
{
    atomic_store(f, 0);
}

void io_raise_nofile(void)
{
    static _Atomic int done;
    if (atomic_exchange(&done, 1))
        return;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* ----------------------------------------------------------- messages */

static void fmt_addr(char *out, size_t cap, const char *host, wyn_int port)
{
    if (strchr(host, ':'))
        snprintf(out, cap, "[%s]:%lld", host, (long long)port);
    else
        snprintf(out, cap, "%s:%lld", host, (long long)port);
}

static void sockaddr_text(const struct sockaddr *sa, char *out, size_t cap)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
        port = ntohs(a->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
        port = ntohs(a->sin6_port);
    }
    fmt_addr(out, cap, ip, port);
}

WYN_NORETURN static void net_fail(wyn_loc loc, const char *what, const char *addr, const char *why)
{
    char msg[320];
    snprintf(msg, sizeof msg, "%s %s: %s", what, addr, why);
    rt_panic(loc, msg);
}

/* ------------------------------------------------------------ sockets */

static void set_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int io_send_all(int fd, int wait_fd, const char *p, size_t n, wyn_int timeout_ms)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (rt_sched_wait_fd(wait_fd, 2, timeout_ms) == 0 && timeout_ms >= 0) {
                errno = ETIMEDOUT;
                return -1;
            }
            continue;
        }
        if (w == 0)
            errno = EPIPE;
        return -1;
    }
    return 0;
}

static int resolve(const char *host, wyn_int port, int passive, struct addrinfo **res,
                   char *why, size_t whylen)
{
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%lld", (long long)port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    int r = getaddrinfo(host, portstr, &hints, res);
    if (r != 0) {
        snprintf(why, whylen, "%s", r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
        return -1;
    }
    return 0;
}

int io_connect_fd(const char *host, wyn_int port, char *why, size_t whylen)
{
    if (port < 1 || port > 65535) {
        snprintf(why, whylen, "invalid port");
        return -1;
    }
    struct addrinfo *res, *ai;
    if (resolve(host, port, 0, &res, why, whylen) < 0)
        return -1;
    int err = ECONNREFUSED;
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (r < 0 && errno == EINPROGRESS) {
            if (rt_sched_wait_fd(fd, 2, CONNECT_TIMEOUT_MS) == 0) {
                r = -1;
                errno = ETIMEDOUT;
            } else {
                int soerr = 0;
                socklen_t sl = sizeof soerr;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
                    soerr = errno;
                r = soerr ? -1 : 0;
                errno = soerr;
            }
        }
        if (r == 0) {
            freeaddrinfo(res);
            set_nodelay(fd);
            return fd;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    snprintf(why, whylen, "%s", strerror(err));
    return -1;
}

static wyn_int net_connect(WynStr *host, wyn_int port, char *msg, size_t msglen)
{
    char addr[80], why[160];
    fmt_addr(addr, sizeof addr, host->data, port);
    int fd = memchr(host->data, 0, (size_t)host->len)
                 ? (snprintf(why, sizeof why, "invalid host name"), -1)
                 : io_connect_fd(host->data, port, why, sizeof why);
    if (fd < 0) {
        snprintf(msg, msglen, "cannot connect to %s: %s", addr, why);
        return 0;
    }
    io_raise_nofile();
    IoObj *o = io_obj_new(IO_CONN, fd);
    snprintf(o->addr, sizeof o->addr, "%s", addr);
    return io_handle(o);
}

wyn_int rt_net_connect(WynStr *host, wyn_int port, wyn_loc loc)
{
    char msg[300];
    wyn_int h = net_connect(host, port, msg, sizeof msg);
    if (!h)
        rt_panic(loc, msg);
    return h;
}

wyn_int rt_net_try_connect(WynStr *host, wyn_int port, WynStr **err)
{
    char msg[300];
    wyn_int h = net_connect(host, port, msg, sizeof msg);
    if (!h && err)
        *err = rt_str_cstr(msg);
    return h;
}

/* A listening socket on host:port ("" or "*": every IPv4 address).
 * Returns the fd, or -1 with the reason in why. */
static int listen_fd(const char *host, wyn_int port, int *bound_port, char *why, size_t whylen)
{
    if (port < 0 || port > 65535) {
        snprintf(why, whylen, "invalid port");
        return -1;
    }
    struct addrinfo *res, *ai;
    const char *node = *host && strcmp(host, "*") ? host : "0.0.0.0";
    if (resolve(node, port, 1, &res, why, whylen) < 0)
        return -1;
    int err = EADDRNOTAVAIL;
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0) {
            struct sockaddr_storage ss;
            socklen_t sl = sizeof ss;
            *bound_port = (int)port;
            if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
                *bound_port = ss.ss_family == AF_INET6
                                  ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
            freeaddrinfo(res);
            return fd;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    snprintf(why, whylen, "%s", strerror(err));
    return -1;
}

/* Shared with io_http.c through this wrapper: a listener record. */
IoObj *io_listen(const char *host, wyn_int port, int kind, wyn_loc loc)
{
    char addr[80], why[160];
    int bound = 0;
    io_raise_nofile();
    fmt_addr(addr, sizeof addr, *host ? host : "0.0.0.0", port);
    int fd = listen_fd(host, port, &bound, why, sizeof why);
    if (fd < 0)
        net_fail(loc, "cannot listen on", addr, why);
    IoObj *o = io_obj_new(kind, fd);
    o->port = bound;
    fmt_addr(o->addr, sizeof o->addr, *host ? host : "0.0.0.0", bound);
    return o;
}

wyn_int rt_net_listen(WynStr *host, wyn_int port, wyn_loc loc)
{
    if (memchr(host->data, 0, (size_t)host->len))
        rt_panic(loc, "cannot listen: invalid host name");
    return io_handle(io_listen(host->data, port, IO_LISTENER, loc));
}

wyn_int rt_net_port(wyn_int h)
{
    IoObj *o = io_begin(h, IO_LISTENER | IO_HTTP_SERVER);
    if (!o)
        return 0;
    int p = o->port;
    io_end(o);
    return p;
}

/* accept4 on a non-blocking listener; -1 only for "closed" (errno
 * EBADF/EINVAL) or a hard error.  Transient errors are retried, running
 * out of descriptors waits 10 ms and retries. */
int io_accept_fd(IoObj *o, char *peer, size_t peerlen)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(o->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            set_nodelay(fd);
            if (peer)
                sockaddr_text((struct sockaddr *)&ss, peer, peerlen);
            return fd;
        }
        int e = errno;
        if (io_closing(o)) {
            errno = EBADF;
            return -1;
        }
        switch (e) {
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
            rt_sched_wait_fd(o->fd, 1, -1);
            break;
        case EINTR: case ECONNABORTED: case EPROTO: case EPERM:
        case ENETDOWN: case ENOPROTOOPT: case EHOSTDOWN: case ENONET:
        case EHOSTUNREACH: case EOPNOTSUPP: case ENETUNREACH:
            break;
        case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM:
            rt_sleep_ms(10, 0);
            break;
        default:
            errno = e;
            return -1;
        }
    }
}

wyn_int rt_net_accept(wyn_int h, wyn_loc loc)
{
    IoObj *l = io_begin(h, IO_LISTENER);
    if (!l)
        rt_panic(loc, "use of a closed listener");
    char peer[80];
    flag_acquire(&l->accepting);
    int fd = io_accept_fd(l, peer, sizeof peer);
    int e = errno;
    flag_release(&l->accepting);
    if (fd < 0) {
        if (e == EBADF || e == EINVAL)
            rt_panic(loc, "use of a closed listener");
        net_fail(loc, "cannot accept on", l->addr, strerror(e));
    }
    io_end(l);
    IoObj *o = io_obj_new(IO_CONN, fd);
    snprintf(o->addr, sizeof o->addr, "%s", peer);
    return io_handle(o);
}

#define READ_STACK 8192
#define READ_MAX (16 << 20)

WynStr *rt_net_read(wyn_int h, wyn_int max, wyn_loc loc)
{
    IoObj *o = io_begin(h, IO_CONN);
    if (!o)
        rt_panic(loc, "use of a closed connection");
    if (max <= 0) {
        io_end(o);
        return rt_str_empty();
    }
    if (max > READ_MAX)
        max = READ_MAX;
    char small[READ_STACK];
    char *buf = max <= READ_STACK ? small : rt_malloc_raw((size_t)max);
    flag_acquire(&o->reading);
    ssize_t n;
    int e = 0;
    for (;;) {
        n = recv(o->fd, buf, (size_t)max, 0);
        if (n >= 0)
            break;
        e = errno;
        if (e == EINTR)
            continue;
        if (io_closing(o)) {
            n = 0;          /* closed by another task: end of stream */
            break;
        }
        if (e == EAGAIN || e == EWOULDBLOCK) {
            rt_sched_wait_fd(o->fd, 1, -1);
            continue;
        }
        break;
    }
    flag_release(&o->reading);
    if (n < 0)
        net_fail(loc, "cannot read from", o->addr, strerror(e));
    WynStr *s = rt_str_new(buf, n);
    if (buf != small)
        free(buf);
    io_end(o);
    return s;
}

void rt_net_write(wyn_int h, WynStr *data, wyn_loc loc)
{
    IoObj *o = io_begin(h, IO_CONN);
    if (!o)
        rt_panic(loc, "use of a closed connection");
    flag_acquire(&o->writing);
    const char *p = data->data;
    size_t n = (size_t)data->len;
    int e = 0;
    while (n > 0) {
        ssize_t w = send(o->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        e = w < 0 ? errno : EPIPE;
        if (e == EINTR)
            continue;
        if ((e == EAGAIN || e == EWOULDBLOCK) && !io_closing(o)) {
            /* park on a dup so that a reader may be parked on fd */
            if (o->wfd < 0)
                o->wfd = fcntl(o->fd, F_DUPFD_CLOEXEC, 0);
            rt_sched_wait_fd(o->wfd >= 0 ? o->wfd : o->fd, 2, -1);
            continue;
        }
        break;
    }
    flag_release(&o->writing);
    if (n > 0) {
        if (io_closing(o))
            rt_panic(loc, "use of a closed connection");
        net_fail(loc, "cannot write to", o->addr, strerror(e));
    }
    io_end(o);
}

void rt_net_close(wyn_int h)
{
    IoObj *o = io_begin(h, IO_LISTENER | IO_CONN | IO_HTTP_SERVER | IO_HTTP_CONN);
    if (!o)
        return;             /* already closed */
    if (o->kind & (IO_HTTP_SERVER | IO_HTTP_CONN))
        io_http_closing(o);
    else
        io_close(o);
    io_end(o);
}
