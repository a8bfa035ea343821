/* Unit tests: the cipher suite, group and signature tables (scan_suites.c). */
#include <stdio.h>

#include "unit.h"

#include "scan_hello.h"
#include "scan_suites.h"

#define WEAK_CLASSES	(SC_NULL | SC_ANON | SC_EXPORT | SC_RC4 | SC_DES)

/* Sorted, unique, and suite_find() finds every entry. */
static void
test_suite_table_sorted(void **state)
{
	size_t		 i;

	(void)state;
	assert_true(suite_count > 330);
	for (i = 0; i < suite_count; i++) {
		const struct suite *s = &suite_table[i];

		if (i > 0)
			CHECK(s->iana, suite_table[i - 1].code < s->code);
		CHECK(s->iana, suite_find(s->code) == s);
	}
	assert_null(suite_find(0x0047));
	assert_null(suite_find(0x1306));
	assert_null(suite_find(0xffff));
	assert_null(suite_find(0x00fe));
}

/* Every entry is self-consistent: names, classes, strength, versions. */
static void
test_suite_table_consistent(void **state)
{
	size_t		 i;

	(void)state;
	for (i = 0; i < suite_count; i++) {
		const struct suite *s = &suite_table[i];
		const char	*n = s->iana;

		CHECK("iana name", n != NULL);
		CHECK(n, strncmp(n, "TLS_", 4) == 0 ||
		    strncmp(n, "SSL_", 4) == 0);
		CHECK(n, s->enc != NULL && s->mac != NULL);
		CHECK(n, s->ossl == NULL || (strlen(s->ossl) > 2 &&
		    strchr(s->ossl, ' ') == NULL));
		if (s->classes & SC_SCSV) {
			CHECK(n, s->code == 0x00ff || s->code == 0x5600);
			continue;
		}
		CHECK(n, (s->classes & (SC_AEAD | SC_CBC)) !=
		    (SC_AEAD | SC_CBC));
		CHECK(n, s->strength >= STR_INSECURE &&
		    s->strength <= STR_GOOD);
		/* The insecure classes are insecure, and only they (and
		 * RC2) are. */
		if (s->classes & WEAK_CLASSES)
			CHECK(n, s->strength == STR_INSECURE);
		if (s->strength == STR_INSECURE)
			CHECK(n, (s->classes & (WEAK_CLASSES | SC_RC2)) != 0);
		if (s->classes & (SC_3DES | SC_IDEA))
			CHECK(n, s->strength <= STR_WEAK);
		if (s->strength == STR_GOOD)
			CHECK(n, (s->classes & SC_AEAD) &&
			    !(s->classes & SC_NOPFS));
		if (s->classes & SC_NULL)
			CHECK(n, s->bits == 0 &&
			    strcmp(s->enc, "NULL") == 0);
		if (s->classes & SC_EXPORT)
			CHECK(n, s->bits <= 56 && strstr(n, "EXPORT"));
		if (strstr(n, "_anon_"))
			CHECK(n, s->classes & SC_ANON);
		if (strstr(n, "_RC4_"))
			CHECK(n, s->classes & SC_RC4);
		if (strstr(n, "3DES"))
			CHECK(n, s->classes & SC_3DES);
		if (strstr(n, "_GCM") || strstr(n, "_CCM") ||
		    strstr(n, "POLY1305"))
			CHECK(n, s->classes & SC_AEAD);
		if (strstr(n, "PSK"))
			CHECK(n, s->classes & SC_PSK);
		/* RFC 5246 §1.2: SHA-256 MACs and AEAD need TLS 1.2. */
		if (s->classes & SC_TLS13)
			CHECK(n, s->min_version == VER_TLS13 &&
			    s->kx == KX_TLS13);
		else if ((s->classes & SC_AEAD) ||
		    strcmp(s->mac, "SHA256") == 0 ||
		    strcmp(s->mac, "SHA384") == 0)
			CHECK(n, s->min_version == VER_TLS12);
		else if (s->code >= 0xc100 && s->code <= 0xc102)
			CHECK(n, s->min_version == VER_TLS12); /* RFC 9189 */
		else
			CHECK(n, s->min_version <= VER_TLS10);
		if (s->kx == KX_RSA || s->kx == KX_DH || s->kx == KX_ECDH)
			CHECK(n, s->classes & SC_NOPFS);
		if (s->kx == KX_ECDHE || s->kx == KX_DHE)
			CHECK(n, !(s->classes & SC_NOPFS));
	}
}

struct known {
	uint16_t	 code;
	const char	*iana;
	const char	*ossl;
	enum suite_kx	 kx;
	enum suite_au	 au;
	int		 bits;
	unsigned	 classes;
	enum suite_strength strength;
};

static const struct known known[] = {
	{ 0x0000, "TLS_NULL_WITH_NULL_NULL", NULL, KX_NONE, AU_NONE, 0,
	  SC_NULL | SC_ANON, STR_INSECURE },
	{ 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "EXP-RC4-MD5", KX_RSA,
	  AU_RSA, 40, SC_EXPORT | SC_RC4 | SC_NOPFS, STR_INSECURE },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", KX_RSA, AU_RSA, 128,
	  SC_RC4 | SC_NOPFS, STR_INSECURE },
	{ 0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "DES-CBC-SHA", KX_RSA, AU_RSA,
	  56, SC_DES | SC_CBC | SC_NOPFS, STR_INSECURE },
	{ 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", KX_RSA,
	  AU_RSA, 112, SC_3DES | SC_CBC | SC_NOPFS, STR_WEAK },
	{ 0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", "ADH-RC4-MD5", KX_DHE,
	  AU_ANON, 128, SC_ANON | SC_RC4, STR_INSECURE },
	{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", KX_RSA,
	  AU_RSA, 128, SC_CBC | SC_NOPFS, STR_WEAK },
	{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA",
	  KX_DHE, AU_RSA, 128, SC_CBC, STR_FAIR },
	{ 0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", "EXP1024-DES-CBC-SHA",
	  KX_RSA, AU_RSA, 56, SC_EXPORT | SC_DES | SC_CBC | SC_NOPFS,
	  STR_INSECURE },
	{ 0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", "SEED-SHA", KX_RSA, AU_RSA,
	  128, SC_SEED | SC_CBC | SC_NOPFS, STR_WEAK },
	{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256",
	  KX_RSA, AU_RSA, 128, SC_AEAD | SC_NOPFS, STR_FAIR },
	{ 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	  "DHE-RSA-AES256-GCM-SHA384", KX_DHE, AU_RSA, 256, SC_AEAD,
	  STR_GOOD },
	{ 0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256",
	  KX_TLS13, AU_TLS13, 128, SC_AEAD | SC_TLS13, STR_GOOD },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256",
	  "TLS_CHACHA20_POLY1305_SHA256", KX_TLS13, AU_TLS13, 256,
	  SC_AEAD | SC_TLS13, STR_GOOD },
	{ 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA",
	  KX_ECDHE, AU_RSA, 128, SC_RC4, STR_INSECURE },
	{ 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA",
	  KX_ECDHE, AU_RSA, 128, SC_CBC, STR_FAIR },
	{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	  "ECDHE-ECDSA-AES128-GCM-SHA256", KX_ECDHE, AU_ECDSA, 128, SC_AEAD,
	  STR_GOOD },
	{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	  "ECDHE-RSA-AES128-GCM-SHA256", KX_ECDHE, AU_RSA, 128, SC_AEAD,
	  STR_GOOD },
	{ 0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256",
	  "ECDHE-ECDSA-ARIA128-GCM-SHA256", KX_ECDHE, AU_ECDSA, 128, SC_AEAD,
	  STR_GOOD },
	{ 0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8", KX_RSA, AU_RSA,
	  128, SC_AEAD | SC_NOPFS, STR_FAIR },
	{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	  "ECDHE-RSA-CHACHA20-POLY1305", KX_ECDHE, AU_RSA, 256, SC_AEAD,
	  STR_GOOD },
	{ 0xff85, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT",
	  "GOST2012-GOST8912-GOST8912", KX_GOST, AU_GOST, 256,
	  SC_NOPFS | SC_OBSCURE, STR_WEAK },
};

/* Spot checks against the IANA registry and OpenSSL's names. */
static void
test_suite_known(void **state)
{
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(known); i++) {
		const struct known *k = &known[i];
		const struct suite *s = suite_find(k->code);

		CHECK(k->iana, s != NULL);
		CHECK(k->iana, strcmp(s->iana, k->iana) == 0);
		if (k->ossl == NULL)
			CHECK(k->iana, s->ossl == NULL);
		else
			CHECK(k->iana, s->ossl != NULL &&
			    strcmp(s->ossl, k->ossl) == 0);
		CHECK(k->iana, s->kx == k->kx && s->au == k->au);
		CHECK(k->iana, s->bits == k->bits);
		CHECK(k->iana, s->classes == k->classes);
		CHECK(k->iana, s->strength == k->strength);
	}
}

/* The TLS 1.3 suites and the two signalling values. */
static void
test_suite_tls13_scsv(void **state)
{
	uint16_t	 code;
	const struct suite *s;

	(void)state;
	for (code = 0x1301; code <= 0x1305; code++) {
		s = suite_find(code);
		assert_non_null(s);
		assert_int_equal(s->min_version, VER_TLS13);
		assert_true(s->classes & SC_TLS13);
		assert_true(s->classes & SC_AEAD);
		assert_non_null(s->ossl);
		assert_string_equal(s->ossl, s->iana);
	}
	assert_int_equal(suite_find(0x1305)->strength, STR_FAIR);
	assert_int_equal(suite_find(0x00ff)->classes, SC_SCSV);
	assert_string_equal(suite_find(0x00ff)->iana,
	    "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
	assert_int_equal(suite_find(0x5600)->classes, SC_SCSV);
	assert_string_equal(suite_find(0x5600)->iana, "TLS_FALLBACK_SCSV");
}

/* suite_select(): version rules, want/avoid, capacity. */
static void
test_suite_select(void **state)
{
	static const uint16_t versions[] = { VER_SSL3, VER_TLS10, VER_TLS11,
	    VER_TLS12, VER_TLS13 };
	uint16_t	 out[HELLO_SUITES_MAX];
	size_t		 n, i, v, n12 = 0;

	(void)state;
	for (v = 0; v < NELEM(versions); v++) {
		n = suite_select(versions[v], 0, 0, out, NELEM(out));
		assert_true(n > 0 && n < NELEM(out));
		for (i = 0; i < n; i++) {
			const struct suite *s = suite_find(out[i]);

			assert_non_null(s);
			assert_false(s->classes & SC_SCSV);
			if (versions[v] == VER_TLS13)
				assert_true(s->classes & SC_TLS13);
			else {
				assert_false(s->classes & SC_TLS13);
				assert_true(s->min_version <= versions[v]);
			}
			if (i > 0)
				assert_true(out[i - 1] < out[i]);
		}
		if (versions[v] == VER_TLS12)
			n12 = n;
		if (versions[v] == VER_TLS13)
			assert_true(n >= 5);
	}
	/* Every TLS 1.2 suite fits in one hello. */
	assert_true(n12 > 300 && n12 <= HELLO_SUITES_MAX);
	assert_int_equal(suite_select(VER_SSL2, 0, 0, out, NELEM(out)), 0);
	assert_int_equal(suite_select(0x0305, 0, 0, out, NELEM(out)), 0);

	n = suite_select(VER_TLS10, SC_RC4, SC_ANON | SC_EXPORT, out,
	    NELEM(out));
	assert_true(n >= 8);
	for (i = 0; i < n; i++) {
		const struct suite *s = suite_find(out[i]);

		assert_true(s->classes & SC_RC4);
		assert_false(s->classes & (SC_ANON | SC_EXPORT));
	}
	n = suite_select(VER_TLS12, SC_EXPORT | SC_RC4, 0, out, NELEM(out));
	for (i = 0; i < n; i++)
		assert_true((suite_find(out[i])->classes &
		    (SC_EXPORT | SC_RC4)) == (SC_EXPORT | SC_RC4));
	assert_int_equal(suite_select(VER_TLS12, 0, 0, out, 3), 3);
	assert_int_equal(suite_select(VER_TLS12, 0, 0, out, 0), 0);
	n = suite_select(VER_TLS13, 0, SC_OBSCURE, out, NELEM(out));
	assert_int_equal(n, 5);
	assert_int_equal(out[0], 0x1301);
	assert_int_equal(out[4], 0x1305);
}

static void
test_ssl2_kinds(void **state)
{
	static const uint32_t classic[] = { 0x010080, 0x020080, 0x030080,
	    0x040080, 0x050080, 0x060040, 0x0700c0 };
	size_t		 i;

	(void)state;
	assert_true(ssl2_kind_count >= 7 && ssl2_kind_count <= 64);
	for (i = 0; i < NELEM(classic); i++)
		assert_non_null(ssl2_kind_find(classic[i]));
	assert_null(ssl2_kind_find(0x000000));
	assert_true(ssl2_kind_find(0x020080)->classes & SC_EXPORT);
	assert_true(ssl2_kind_find(0x010080)->classes & SC_RC4);
	assert_true(ssl2_kind_find(0x060040)->classes & SC_DES);
	assert_true(ssl2_kind_find(0x0700c0)->classes & SC_3DES);
	assert_int_equal(ssl2_kind_find(0x0700c0)->bits, 112);
	for (i = 0; i < ssl2_kind_count; i++)
		assert_true(ssl2_kinds[i].code <= 0xffffff);
}

static void
test_groups(void **state)
{
	static const struct {
		uint16_t	 code;
		const char	*name;
		int		 ffdhe;
	} want[] = {
		{ 1, "sect163k1", 0 }, { 14, "sect571r1", 0 },
		{ 23, "secp256r1", 0 }, { 24, "secp384r1", 0 },
		{ 25, "secp521r1", 0 }, { 26, "brainpoolP256r1", 0 },
		{ 28, "brainpoolP512r1", 0 }, { 29, "x25519", 0 },
		{ 30, "x448", 0 }, { 31, "brainpoolP256r1tls13", 0 },
		{ 33, "brainpoolP512r1tls13", 0 }, { 256, "ffdhe2048", 1 },
		{ 260, "ffdhe8192", 1 }, { 0x11ec, "X25519MLKEM768", 0 },
	};
	size_t		 i;

	(void)state;
	for (i = 1; i < group_count; i++)
		assert_true(group_table[i - 1].code < group_table[i].code);
	for (i = 0; i < group_count; i++)
		assert_ptr_equal(group_find(group_table[i].code),
		    &group_table[i]);
	for (i = 0; i < NELEM(want); i++) {
		const struct named_group *g = group_find(want[i].code);

		CHECK(want[i].name, g != NULL);
		CHECK(want[i].name, strcmp(g->name, want[i].name) == 0);
		CHECK(want[i].name, g->ffdhe == want[i].ffdhe);
	}
	assert_int_equal(group_find(256)->bits, 2048);
	assert_null(group_find(0));
	assert_null(group_find(0x0a0a));
}

static void
test_sigalgs(void **state)
{
	size_t		 i;

	(void)state;
	for (i = 1; i < sigalg_count; i++)
		assert_true(sigalg_table[i - 1].code < sigalg_table[i].code);
	for (i = 0; i < sigalg_count; i++) {
		const struct sig_scheme *s = &sigalg_table[i];

		assert_ptr_equal(sigalg_find(s->code), s);
		assert_false(s->ecdsa && s->rsa);
		if (strncmp(s->name, "ecdsa", 5) == 0)
			assert_true(s->ecdsa);
		if (strncmp(s->name, "rsa", 3) == 0)
			assert_true(s->rsa);
	}
	assert_string_equal(sigalg_find(0x0807)->name, "ed25519");
	assert_string_equal(sigalg_find(0x0804)->name, "rsa_pss_rsae_sha256");
	assert_string_equal(sigalg_find(0x0809)->name, "rsa_pss_pss_sha256");
	assert_string_equal(sigalg_find(0x0201)->name, "rsa_pkcs1_sha1");
	assert_string_equal(sigalg_find(0x0203)->name, "ecdsa_sha1");
	assert_string_equal(sigalg_find(0x0101)->name, "rsa_pkcs1_md5");
	assert_null(sigalg_find(0x0000));
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(version_name(VER_SSL2), "SSLv2");
	assert_string_equal(version_name(VER_SSL3), "SSLv3");
	assert_string_equal(version_name(VER_TLS10), "TLSv1.0");
	assert_string_equal(version_name(VER_TLS11), "TLSv1.1");
	assert_string_equal(version_name(VER_TLS12), "TLSv1.2");
	assert_string_equal(version_name(VER_TLS13), "TLSv1.3");
	assert_string_equal(version_name(0x0305), "unknown");
	assert_string_equal(version_name(0), "unknown");
	assert_string_equal(version_name(0x7f1c), "unknown");
	assert_string_equal(suite_strength_name(STR_INSECURE), "insecure");
	assert_string_equal(suite_strength_name(STR_WEAK), "weak");
	assert_string_equal(suite_strength_name(STR_FAIR), "fair");
	assert_string_equal(suite_strength_name(STR_GOOD), "good");
	assert_true(suite_is_ec(0xc02f));
	assert_true(suite_is_ec(0xc02b));
	assert_true(suite_is_ec(0xc005));
	assert_false(suite_is_ec(0x009e));
	assert_false(suite_is_ec(0x1301));
	assert_false(suite_is_ec(0x0047));

	assert_string_equal(suite_kx_name(KX_ECDHE), "ECDHE");
	assert_string_equal(suite_kx_name(KX_TLS13), "any");
	assert_string_equal(suite_kx_name((enum suite_kx)99), "unknown");
	assert_string_equal(suite_au_name(AU_ECDSA), "ECDSA");
	assert_string_equal(suite_au_name(AU_ANON), "anon");
	assert_string_equal(suite_au_name((enum suite_au)99), "unknown");
	assert_string_equal(suite_class_name(SC_3DES), "3des");
	assert_string_equal(suite_class_name(SC_NOPFS), "nopfs");
	assert_string_equal(suite_class_name(SC_SCSV), "scsv");
	assert_string_equal(suite_class_name(SC_NULL | SC_ANON), "unknown");
	assert_string_equal(suite_class_name(0), "unknown");
}

/* Every class bit and every kx/au value has its own name. */
static void
test_class_names_unique(void **state)
{
	const char	*names[16];
	unsigned	 i, j;

	(void)state;
	for (i = 0; i < 16; i++) {
		names[i] = suite_class_name(1u << i);
		assert_string_not_equal(names[i], "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(names[i], names[j]);
	}
	for (i = KX_NONE; i <= KX_OTHER; i++)
		assert_string_not_equal(suite_kx_name(i), "unknown");
	for (i = AU_NONE; i <= AU_OTHER; i++)
		assert_string_not_equal(suite_au_name(i), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suite_table_sorted),
		cmocka_unit_test(test_suite_table_consistent),
		cmocka_unit_test(test_suite_known),
		cmocka_unit_test(test_suite_tls13_scsv),
		cmocka_unit_test(test_suite_select),
		cmocka_unit_test(test_ssl2_kinds),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_sigalgs),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_class_names_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
