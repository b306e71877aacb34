/*
 * lib_encoding.c — the Encoding and Url modules: base64 (RFC 4648,
 * standard alphabet), hex, and percent-encoding (RFC 3986).
 *
 * Encoders never fail.  Decoders are strict, because a silently repaired
 * input hides a bug: invalid base64 (a character outside the alphabet,
 * bad length, padding in the middle) is the runtime error
 * "Encoding.base64_decode: invalid base64 at offset N"; hex needs an even
 * number of hex digits; a `%` not followed by two hex digits is an error
 * of Url.decode.  base64_decode accepts input without its trailing `=`
 * padding (as produced by many URL-safe encoders), but not partial
 * padding of wrong length.  Url.encode keeps A-Z a-z 0-9 - _ . ~ and
 * encodes every other byte; Url.decode does not turn `+` into a space
 * (that is form encoding, not percent-encoding).
 */
#include <string.h>
#include "lib_internal.h"
#include "rt_values.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hexdig[] = "0123456789abcdef";

WynStr *rt_enc_base64_encode(WynStr *s)
{
    const unsigned char *p = (const unsigned char *)s->data;
    wyn_int n = s->len;
    WynStr *out = rt_str_alloc((n + 2) / 3 * 4);
    char *o = out->data;
    wyn_int i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = b64[(v >> 6) & 63];
        *o++ = b64[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    return rt_autorelease(out);
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

WynStr *rt_enc_base64_decode(WynStr *s, wyn_loc loc)
{
    const unsigned char *p = (const unsigned char *)s->data;
    wyn_int n = s->len;
    wyn_int pad = 0;
    while (pad < 2 && n - pad > 0 && p[n - 1 - pad] == '=')
        pad++;
    wyn_int body = n - pad;
    /* with padding the length is a multiple of 4; without, 1 leftover
     * character can never be valid */
    if ((pad && n % 4) || body % 4 == 1)
        lib_fail(loc, "Encoding.base64_decode: invalid base64 at offset %lld (bad length)",
                 pad ? n - pad : body - 1);
    WynStr *out = rt_str_alloc(body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0));
    unsigned char *o = (unsigned char *)out->data;
    unsigned acc = 0;
    int bits = 0;
    for (wyn_int i = 0; i < body; i++) {
        int v = b64_value(p[i]);
        if (v < 0) {
            rt_release_str(out);
            lib_fail(loc, "Encoding.base64_decode: invalid base64 at offset %lld", i);
        }
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return rt_autorelease(out);
}

WynStr *rt_enc_hex_encode(WynStr *s)
{
    WynStr *out = rt_str_alloc(s->len * 2);
    for (wyn_int i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        out->data[2 * i] = hexdig[c >> 4];
        out->data[2 * i + 1] = hexdig[c & 15];
    }
    return rt_autorelease(out);
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

WynStr *rt_enc_hex_decode(WynStr *s, wyn_loc loc)
{
    if (s->len % 2)
        lib_fail(loc, "Encoding.hex_decode: odd number of hex digits (%lld)", s->len);
    WynStr *out = rt_str_alloc(s->len / 2);
    for (wyn_int i = 0; i < s->len; i += 2) {
        int hi = hex_value((unsigned char)s->data[i]), lo = hex_value((unsigned char)s->data[i + 1]);
        if (hi < 0 || lo < 0) {
            rt_release_str(out);
            lib_fail(loc, "Encoding.hex_decode: invalid hex digit at offset %lld", hi < 0 ? i : i + 1);
        }
        out->data[i / 2] = (char)(hi << 4 | lo);
    }
    return rt_autorelease(out);
}

static int url_safe(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

WynStr *rt_url_encode(WynStr *s)
{
    WynSB *sb = rt_sb_new();
    for (wyn_int i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        if (url_safe(c)) {
            rt_sb_append_bytes(sb, (const char *)&c, 1);
        } else {
            char e[3] = { '%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15] };
            rt_sb_append_bytes(sb, e, 3);
        }
    }
    WynStr *out = rt_sb_to_string(sb);
    rt_sb_free(sb);
    return out;
}

WynStr *rt_url_decode(WynStr *s, wyn_loc loc)
{
    WynStr *out = rt_str_alloc(s->len);
    wyn_int n = 0;
    for (wyn_int i = 0; i < s->len; i++) {
        char c = s->data[i];
        if (c == '%') {
            int hi = i + 1 < s->len ? hex_value((unsigned char)s->data[i + 1]) : -1;
            int lo = i + 2 < s->len ? hex_value((unsigned char)s->data[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                rt_release_str(out);
                lib_fail(loc, "Url.decode: invalid percent-encoding at offset %lld", i);
            }
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        out->data[n++] = c;
    }
    out->len = n;
    out->data[n] = 0;
    return rt_autorelease(out);
}
