/* fault_server.c — the C twin of fault_server.wyn, used by fault_test.sh
 * when ./wyn cannot run the .wyn one: writes its port to argv[1], then
 * answers every request with "ok".
 * Build: gcc -std=gnu11 -O2 -Iruntime tests/io/fault_server.c \
 *            build/runtime/*.o build/ffi/*.o -lffi -lpthread -lm -ldl */
#include <stdio.h>
#include "wyn_rt.h"

static const char *port_file;

static wyn_int body(void)
{
    wyn_int server = rt_http_listen(0, 1);
    FILE *f = fopen(port_file, "w");
    if (!f)
        return 1;
    fprintf(f, "%lld", (long long)rt_http_port(server));
    fclose(f);
    WynStr *ok = rt_str_cstr("ok");
    for (;;) {
        WynHttpRequest req;
        rt_http_accept(server, &req, 1);
        rt_http_respond(req.conn, 200, NULL, ok, 1);
    }
}

int main(int argc, char **argv)
{
    static const char *const files[] = { "fault_server.c" };
    WynProgram p = { files, 1, body };
    if (argc < 2)
        return 2;
    port_file = argv[1];
    return rt_main(&p, argc, argv);
}
