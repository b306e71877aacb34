/*
 * lib_crypto.c — the Crypto module's digests on OpenSSL's libcrypto (EVP):
 * Crypto.sha256, Crypto.md5 and Crypto.hmac_sha256, each giving lowercase
 * hex.  Only this file needs libcrypto, so a program that calls none of
 * these links without it (Crypto.random_bytes is in lib_random.c: the
 * kernel's getrandom is enough for it).
 *
 * A failure inside OpenSSL (it has none for these inputs in practice) is
 * a runtime error with OpenSSL's reason, never a wrong digest.
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include "lib_internal.h"
#include "rt_values.h"

WYN_NORETURN static void ossl_fail(const char *fn)
{
    char why[256];
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, why, sizeof why);
    else
        snprintf(why, sizeof why, "unknown error");
    lib_fail(0, "%s: OpenSSL failed: %s", fn, why);
}

static WynStr *hex(const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    WynStr *s = rt_str_alloc((wyn_int)n * 2);
    for (size_t i = 0; i < n; i++) {
        s->data[2 * i] = digits[p[i] >> 4];
        s->data[2 * i + 1] = digits[p[i] & 15];
    }
    return rt_autorelease(s);
}

static WynStr *digest(WynStr *s, const EVP_MD *md, const char *fn)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(s->data, (size_t)s->len, out, &n, md, NULL))
        ossl_fail(fn);
    return hex(out, n);
}

WynStr *rt_crypto_sha256(WynStr *s)
{
    return digest(s, EVP_sha256(), "Crypto.sha256");
}

WynStr *rt_crypto_md5(WynStr *s)
{
    return digest(s, EVP_md5(), "Crypto.md5");
}

WynStr *rt_crypto_hmac_sha256(WynStr *key, WynStr *data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t n = 0;
    if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key->data, (size_t)key->len,
                   (const unsigned char *)data->data, (size_t)data->len, out, sizeof out, &n))
        ossl_fail("Crypto.hmac_sha256");
    return hex(out, n);
}
