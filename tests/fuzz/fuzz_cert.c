/*
 * libFuzzer target: what mxprobe reads out of a server's certificates
 * (cert.c) and the DANE match of a chain against TLSA records (dane.c).
 * Input: up to four DER certificates back to back (the chain as sent,
 * leaf first; parsing stops at the first that does not decode), then TLSA
 * records, each as usage, selector, matching type, length, data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "cert.h"
#include "dane.h"
#include "report.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)
#define CHAIN_MAX	4
#define RECS_MAX	4

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every string the report will show is NUL-terminated and bounded. */
static void
check_info(const struct cert_info *ci)
{
	int	 i;

	CHECK(ci->subject != NULL && ci->issuer != NULL);
	CHECK(ci->nsan <= CERT_SAN_MAX && ci->nsan <= ci->nsan_total);
	for (i = 0; i < ci->nsan; i++)
		CHECK(ci->san[i] != NULL);
	CHECK(strlen(ci->sha256) == 64 && strlen(ci->spki_sha256) == 64);
	CHECK(memchr(ci->serial, '\0', sizeof(ci->serial)) != NULL);
	CHECK(memchr(ci->key_type, '\0', sizeof(ci->key_type)) != NULL);
	CHECK(memchr(ci->sig_alg, '\0', sizeof(ci->sig_alg)) != NULL);
}

static size_t
read_recs(const uint8_t *p, size_t n, struct tlsa_rec *r)
{
	size_t	 k = 0, len;

	while (k < RECS_MAX && n >= 4) {
		len = p[3];
		if (len > n - 4)
			len = n - 4;
		r[k].usage = p[0] % 4;
		r[k].selector = p[1] % 3;
		r[k].mtype = p[2] % 4;
		r[k].data = (unsigned char *)p + 4;
		r[k].len = len;
		k++;
		p += 4 + len;
		n -= 4 + len;
	}
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509)		*chain = sk_X509_new_null();
	const unsigned char	*p = data, *end = data + size;
	struct cert_info	 ci;
	struct tlsa_rec		 recs[RECS_MAX];
	struct dane_fact	 df;
	X509			*x;
	size_t			 nrecs;
	int			 i;

	CHECK(chain != NULL);
	while (sk_X509_num(chain) < CHAIN_MAX && p < end &&
	    (x = d2i_X509(NULL, &p, (long)(end - p))) != NULL)
		CHECK(sk_X509_push(chain, x) > 0);
	for (i = 0; i < sk_X509_num(chain); i++) {
		x = sk_X509_value(chain, i);
		memset(&ci, 0, sizeof(ci));
		if (cert_info_from_x509(&ci, x) == 0)
			check_info(&ci);
		(void)cert_days_left(&ci, 1798000000LL);
		cert_info_free(&ci);
		(void)cert_matches_host(x, "mx.example.test");
		(void)cert_matches_host(x, "xn--bcher-kva.example.test");
	}
	nrecs = read_recs(p, (size_t)(end - p), recs);
	if (sk_X509_num(chain) > 0 && nrecs > 0) {
		memset(&df, 0, sizeof(df));
		dane_verify(chain, recs, (int)nrecs, "mx.example.test", &df);
		CHECK(memchr(df.error, '\0', sizeof(df.error)) != NULL);
		CHECK(!df.ok || df.checked);
	}
	sk_X509_pop_free(chain, X509_free);
	return 0;
}
