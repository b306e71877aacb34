/* rt_symbols.h — the build-generated table of runtime symbols (see
 * gen_symbols.sh) and the embedded runtime header, as the libtcc driver
 * and the C emitter see them. */
#ifndef WYN_RT_SYMBOLS_H
#define WYN_RT_SYMBOLS_H
typedef struct WynSymbol {
    const char *name;
    void *addr;
} WynSymbol;
extern const WynSymbol wyn_rt_symbols[]; /* terminated by {0, 0} */
extern const char wyn_rt_header[];
#endif
