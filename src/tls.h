/* OpenSSL contexts for the probes, and the facts of a finished handshake. */
#ifndef MX_TLS_H
#define MX_TLS_H

#include <stddef.h>

struct ssl_st;
struct ssl_ctx_st;
struct tls_fact;

struct tls_ctx {
	struct ssl_ctx_st	*main;		/* what a modern sender offers */
};

int	tls_ctx_init(struct tls_ctx *, const char *ca_file, char *err,
	    size_t errlen);
void	tls_ctx_free(struct tls_ctx *);
/* A new client SSL; sni may be NULL (address without a name). */
struct ssl_st *tls_new(struct ssl_ctx_st *, const char *sni,
	    struct tls_fact *);
/*
 * Record version, suite, keys, chain and verification after a handshake;
 * if keep is not NULL, also a copy of the chain as sent (STACK_OF(X509)).
 */
void	tls_collect(struct ssl_st *, struct tls_fact *, const char *refname,
	    void **keep);
/* Record why a handshake failed. */
void	tls_failed(struct ssl_st *, struct tls_fact *, const char *msg);

#endif
