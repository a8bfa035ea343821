/* OpenSSL contexts for the probes, and the facts of a finished handshake. */
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "report.h"
#include "tls.h"

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static void
set_err(char *err, size_t errlen, const char *what)
{
	char	 e[160] = "";

	ERR_error_string_n(ERR_get_error(), e, sizeof(e));
	str_fmt(err, errlen, "%s: %s", what, e);
	ERR_clear_error();
}

/* Keep every chain error, not only the first, and always go on (STYLE.md). */
static int
verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL		*ssl = X509_STORE_CTX_get_ex_data(xs,
			    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_fact	*t = ssl ? SSL_get_app_data(ssl) : NULL;
	int		 i, code = X509_STORE_CTX_get_error(xs);
	int		 depth = X509_STORE_CTX_get_error_depth(xs);

	if (ok || t == NULL)
		return 1;
	for (i = 0; i < t->nerrors; i++)
		if (t->errors[i].code == code && t->errors[i].depth == depth)
			return 1;
	if (t->nerrors < CERT_ERRORS_MAX) {
		t->errors[t->nerrors].code = code;
		t->errors[t->nerrors].depth = depth;
		t->nerrors++;
	}
	return 1;
}

/* Remember the alert the server sent; it explains a failed handshake. */
static void
info_cb(const SSL *ssl, int where, int ret)
{
	struct tls_fact	*t = SSL_get_app_data(ssl);

	/* SSL_CB_READ_ALERT shares its alert bit with SSL_CB_WRITE_ALERT. */
	if (t != NULL && (where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT)
		t->alert = ret & 0xff;
}

static SSL_CTX *
new_ctx(int minv, int maxv, const char *ciphers)
{
	SSL_CTX	*ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	/* Security level 0: a tester must see weak servers, not refuse them. */
	SSL_CTX_set_security_level(ctx, 0);
	if (!SSL_CTX_set_min_proto_version(ctx, minv) ||
	    !SSL_CTX_set_max_proto_version(ctx, maxv) ||
	    !SSL_CTX_set_cipher_list(ctx, ciphers)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
	/*
	 * Return to the event loop after each non-application record (TLS 1.3
	 * session tickets): a server streaming tickets must not keep SSL_read
	 * busy past every timer.
	 */
	SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_info_callback(ctx, info_cb);
	return ctx;
}

int
tls_ctx_init(struct tls_ctx *t, const char *ca_file, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->main = new_ctx(TLS1_VERSION, 0, "DEFAULT:@SECLEVEL=0");
	if (t->main == NULL) {
		set_err(err, errlen, "TLS setup");
		tls_ctx_free(t);
		return -1;
	}
	/*
	 * VERIFY_NONE with a callback: the handshake always completes and
	 * every chain problem is recorded. A CA bundle file is parsed once;
	 * a hashed directory would cost a directory lookup per handshake.
	 */
	SSL_CTX_set_verify(t->main, SSL_VERIFY_NONE, verify_cb);
	if (ca_file == NULL && access(SYSTEM_CA_BUNDLE, R_OK) == 0)
		ca_file = SYSTEM_CA_BUNDLE;
	if (ca_file != NULL ? !SSL_CTX_load_verify_file(t->main, ca_file) :
	    !SSL_CTX_set_default_verify_paths(t->main)) {
		set_err(err, errlen, "loading CA certificates");
		tls_ctx_free(t);
		return -1;
	}
	return 0;
}

void
tls_ctx_free(struct tls_ctx *t)
{
	SSL_CTX_free(t->main);
	t->main = NULL;
}

SSL *
tls_new(SSL_CTX *ctx, const char *sni, struct tls_fact *t)
{
	SSL	*ssl = SSL_new(ctx);

	if (ssl == NULL)
		return NULL;
	t->attempted = 1;
	t->alert = -1;
	SSL_set_app_data(ssl, t);
	/* SNI is a host name, never an address literal (RFC 6066 §3). */
	if (sni != NULL && !SSL_set_tlsext_host_name(ssl, sni)) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

static const char *
kx_name(int nid)
{
	switch (nid) {
	case NID_kx_rsa: return "RSA";
	case NID_kx_ecdhe: return "ECDHE";
	case NID_kx_dhe: return "DHE";
	case NID_kx_ecdhe_psk: return "ECDHE-PSK";
	case NID_kx_dhe_psk: return "DHE-PSK";
	case NID_kx_rsa_psk: return "RSA-PSK";
	case NID_kx_psk: return "PSK";
	case NID_kx_srp: return "SRP";
	case NID_kx_gost: return "GOST";
	case NID_kx_any: return "any";
	}
	return "unknown";
}

static void
collect_keys(SSL *ssl, struct tls_fact *t)
{
	EVP_PKEY	*tmp = NULL;
	int		 nid = 0, hash = 0;
	const char	*g;

	nid = SSL_get_negotiated_group(ssl);
	if (nid != 0 && (g = SSL_group_to_name(ssl, nid)) != NULL)
		str_copy(t->group, sizeof(t->group), g);
	if (SSL_get_peer_tmp_key(ssl, &tmp) && tmp != NULL) {
		str_copy(t->temp_key, sizeof(t->temp_key),
		    OBJ_nid2sn(EVP_PKEY_get_base_id(tmp)));
		t->temp_key_bits = EVP_PKEY_get_bits(tmp);
		EVP_PKEY_free(tmp);
	}
	nid = 0;
	if (SSL_get_peer_signature_type_nid(ssl, &nid) && nid != 0) {
		SSL_get_peer_signature_nid(ssl, &hash);
		str_fmt(t->peer_sig, sizeof(t->peer_sig), "%s+%s",
		    OBJ_nid2sn(nid), hash ? OBJ_nid2sn(hash) : "?");
	}
}

static void
collect_chain(SSL *ssl, struct tls_fact *t, const char *refname, void **keep)
{
	STACK_OF(X509)	*sent = SSL_get_peer_cert_chain(ssl);
	STACK_OF(X509)	*verified = SSL_get0_verified_chain(ssl);
	int		 i, n;
	char		 buf[512];

	n = sent ? sk_X509_num(sent) : 0;
	t->nchain_total = n;
	/* Keep the chain as sent for the DANE check after the run. */
	if (sent != NULL && keep != NULL && *keep == NULL) {
		STACK_OF(X509) *dup = sk_X509_new_null();

		for (i = 0; dup != NULL && i < n && i < CERT_CHAIN_MAX; i++)
			if (X509_up_ref(sk_X509_value(sent, i)))
				sk_X509_push(dup, sk_X509_value(sent, i));
		*keep = dup;
	}
	for (i = 0; i < n && t->nchain < CERT_CHAIN_MAX; i++)
		cert_info_from_x509(&t->chain[t->nchain++], sk_X509_value(sent,
		    i));
	n = verified ? sk_X509_num(verified) : 0;
	for (i = 0; i < n && t->nverified < CERT_CHAIN_MAX; i++) {
		X509_NAME_oneline(X509_get_subject_name(sk_X509_value(verified,
		    i)), buf, sizeof(buf));
		t->verified[t->nverified++] = xstrdup(buf);
	}
	t->verify_result = t->nerrors > 0 ? t->errors[0].code :
	    SSL_get_verify_result(ssl);
	str_copy(t->verify_error, sizeof(t->verify_error),
	    X509_verify_cert_error_string(t->verify_result));
	if (refname != NULL && t->nchain > 0) {
		t->name_checked = 1;
		t->name_ok = cert_matches_host(sk_X509_value(sent, 0),
		    refname);
	}
}

void
tls_collect(SSL *ssl, struct tls_fact *t, const char *refname, void **keep)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const char	*std;

	t->ok = 1;
	str_copy(t->version, sizeof(t->version), SSL_get_version(ssl));
	t->version_num = SSL_version(ssl);
	if (c != NULL) {
		str_copy(t->cipher, sizeof(t->cipher), SSL_CIPHER_get_name(c));
		std = SSL_CIPHER_standard_name(c);
		str_copy(t->cipher_iana, sizeof(t->cipher_iana), std ? std :
		    "");
		t->cipher_id = SSL_CIPHER_get_protocol_id(c);
		str_copy(t->kx, sizeof(t->kx), kx_name(SSL_CIPHER_get_kx_nid(c)));
	}
	collect_keys(ssl, t);
	collect_chain(ssl, t, refname, keep);
}

void
tls_failed(SSL *ssl, struct tls_fact *t, const char *msg)
{
	t->ok = 0;
	if (t->alert >= 0)
		str_fmt(t->error, sizeof(t->error), "%s (alert from server: "
		    "%s)", msg, SSL_alert_desc_string_long(t->alert));
	else
		str_copy(t->error, sizeof(t->error), msg);
}
