/* test_lib_codec.c — Crypto (lib_crypto.c: known digests of sha256, md5,
 * HMAC-SHA256 from RFC 4231), Crypto.random_bytes and Uuid.v4
 * (lib_random.c), Encoding and Url (lib_encoding.c) with round trips and
 * the errors of invalid base64, hex and percent-encoding. */
#include "lib_test.h"

static void b64_bad_char(void) { rt_enc_base64_decode(S("aGVs*G8="), WYN_LOC(0, 3)); }
static void b64_bad_len(void) { rt_enc_base64_decode(S("aGVsb"), WYN_LOC(0, 4)); }
static void b64_mid_pad(void) { rt_enc_base64_decode(S("aG=sbG8="), WYN_LOC(0, 5)); }
static void hex_odd(void) { rt_enc_hex_decode(S("abc"), WYN_LOC(0, 6)); }
static void hex_bad(void) { rt_enc_hex_decode(S("zz"), WYN_LOC(0, 7)); }
static void url_bad(void) { rt_url_decode(S("a%2"), WYN_LOC(0, 8)); }
static void neg_bytes(void) { rt_crypto_random_bytes(-1, WYN_LOC(0, 9)); }

int main(void)
{
    lib_test_init();
    CHECK(streq(rt_crypto_sha256(S("abc")),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK(streq(rt_crypto_sha256(S("")),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(streq(rt_crypto_md5(S("abc")), "900150983cd24fb0d6963f7d28e17f72"));
    /* RFC 4231 test case 2 */
    CHECK(streq(rt_crypto_hmac_sha256(S("Jefe"), S("what do ya want for nothing?")),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    WynStr *rb = rt_crypto_random_bytes(16, 1);
    CHECK_EQ(rb->len, 32);
    CHECK(!streq(rb, rt_crypto_random_bytes(16, 1)->data));
    CHECK(streq(rt_crypto_random_bytes(0, 1), ""));
    WynStr *u = rt_uuid_v4(1);
    CHECK_EQ(u->len, 36);
    CHECK(u->data[14] == '4' && strchr("89ab", u->data[19]) && u->data[8] == '-');
    CHECK(!rt_str_eq(u, rt_uuid_v4(1)));

    static const char *const b64[][2] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof b64 / sizeof *b64; i++) {
        CHECK(streq(rt_enc_base64_encode(S(b64[i][0])), b64[i][1]));
        CHECK(streq(rt_enc_base64_decode(S(b64[i][1]), 1), b64[i][0]));
    }
    CHECK(streq(rt_enc_base64_decode(S("Zm9vYg"), 1), "foob"));   /* padding optional */
    WynStr *bin = rt_str_new("\0\xff\x10", 3);
    CHECK(rt_str_eq(rt_enc_base64_decode(rt_enc_base64_encode(bin), 1), bin));
    CHECK(streq(rt_enc_hex_encode(bin), "00ff10"));
    CHECK(rt_str_eq(rt_enc_hex_decode(S("00FF10"), 1), bin));
    CHECK(streq(rt_url_encode(S("a b&c=d/\xc3\xa9~")), "a%20b%26c%3Dd%2F%C3%A9~"));
    CHECK(streq(rt_url_decode(S("a%20b%26c+d%C3%A9"), 1), "a b&c+d\xc3\xa9"));

    CHECK_FAILS(b64_bad_char, "test.wyn:3: error: Encoding.base64_decode: invalid base64 at offset 4");
    CHECK_FAILS(b64_bad_len, "test.wyn:4: error: Encoding.base64_decode: invalid base64 at offset 4 (bad length)");
    CHECK_FAILS(b64_mid_pad, "test.wyn:5: error: Encoding.base64_decode: invalid base64 at offset 2");
    CHECK_FAILS(hex_odd, "test.wyn:6: error: Encoding.hex_decode: odd number of hex digits (3)");
    CHECK_FAILS(hex_bad, "test.wyn:7: error: Encoding.hex_decode: invalid hex digit at offset 0");
    CHECK_FAILS(url_bad, "test.wyn:8: error: Url.decode: invalid percent-encoding at offset 1");
    CHECK_FAILS(neg_bytes, "test.wyn:9: error: Crypto.random_bytes: negative count -1");
    TEST_DONE("test_lib_codec");
}
