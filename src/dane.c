/* DANE for SMTP (RFC 7672): match a presented chain against TLSA records. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "dane.h"
#include "report.h"

int
dane_usable(const struct tlsa_rec *r)
{
	return (r->usage == 2 || r->usage == 3) && r->selector <= 1 &&
	    r->mtype <= 2;
}

/* The certificate or its SPKI in DER, as the selector says. */
static int
selected(X509 *x, int selector, unsigned char **der)
{
	*der = NULL;
	if (selector == 0)
		return i2d_X509(x, der);
	return i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), der);
}

static int
matches(X509 *x, const struct tlsa_rec *r)
{
	unsigned char	*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	int		 len, ok = 0;

	if ((len = selected(x, r->selector, &der)) <= 0)
		return 0;
	if (r->mtype == 0)
		ok = (size_t)len == r->len && memcmp(der, r->data, r->len) == 0;
	else if (EVP_Digest(der, (size_t)len, md, &mdlen, r->mtype == 1 ?
	    EVP_sha256() : EVP_sha512(), NULL))
		ok = mdlen == r->len && memcmp(md, r->data, mdlen) == 0;
	OPENSSL_free(der);
	return ok;
}

/* Verify leaf up to the trust anchor ta, with the MX host name (§3.1.2). */
static int
verify_to_anchor(STACK_OF(X509) *chain, X509 *ta, const char *refname,
    char *why, size_t whylen)
{
	X509_STORE	*st = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *vp;
	int		 ok = 0;

	if (st == NULL || ctx == NULL || !X509_STORE_add_cert(st, ta) ||
	    !X509_STORE_CTX_init(ctx, st, sk_X509_value(chain, 0), chain))
		goto out;
	vp = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_hostflags(vp,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	if (refname != NULL)
		X509_VERIFY_PARAM_set1_host(vp, refname, 0);
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		str_copy(why, whylen, X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)));
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return ok;
}

static void
matched(struct dane_fact *d, const struct tlsa_rec *r, int depth)
{
	d->ok = 1;
	d->usage = r->usage;
	d->selector = r->selector;
	d->mtype = r->mtype;
	d->depth = depth;
	d->error[0] = '\0';
}

void
dane_verify(void *chainp, const struct tlsa_rec *recs, int n,
    const char *refname, struct dane_fact *d)
{
	STACK_OF(X509)	*chain = chainp;
	int		 i, k, nc = chain ? sk_X509_num(chain) : 0;
	int		 ee = 0, ta = 0, ta_seen = 0;
	char		 why[128];

	memset(d, 0, sizeof(*d));
	d->depth = -1;
	str_copy(d->error, sizeof(d->error), "no usable TLSA record matches "
	    "the certificate chain the server sent");
	for (i = 0; i < n && nc > 0; i++) {
		if (!dane_usable(&recs[i]))
			continue;
		d->checked = 1;
		ee += recs[i].usage == 3;
		ta += recs[i].usage == 2;
		if (recs[i].usage == 3) {
			if (matches(sk_X509_value(chain, 0), &recs[i])) {
				matched(d, &recs[i], 0);
				return;
			}
			continue;
		}
		/* DANE-TA: the anchor must be in the chain the server sent. */
		for (k = 1; k < nc; k++) {
			if (!matches(sk_X509_value(chain, k), &recs[i]))
				continue;
			if (verify_to_anchor(chain, sk_X509_value(chain, k),
			    refname, why, sizeof(why))) {
				matched(d, &recs[i], k);
				return;
			}
			str_fmt(d->error, sizeof(d->error), "DANE-TA record "
			    "matches certificate %d, but the chain does not "
			    "verify to it: %s", k, why);
			ta_seen = 1;
		}
	}
	/* RFC 7672 §3.1.2: the server must send the trust anchor itself. */
	if (ta > 0 && ee == 0 && !ta_seen)
		str_fmt(d->error, sizeof(d->error), "no certificate the server "
		    "sent (%d) matches the DANE-TA record%s; the server must "
		    "send the trust-anchor certificate in its chain", nc,
		    ta > 1 ? "s" : "");
}
