/*
 * One SMTP session to one address, as a careful sender speaks it: wait for
 * the whole greeting, EHLO (HELO fallback), STARTTLS, handshake, EHLO again,
 * QUIT. An explicit state machine on the io layer; it records facts into a
 * struct probe and never judges.
 */
#ifndef MX_SMTP_H
#define MX_SMTP_H

struct event_base;
struct ssl_ctx_st;
struct options;
struct probe;
struct smtp_session;

struct smtp_params {
	struct event_base	*base;
	const struct options	*opt;
	struct ssl_ctx_st	*ctx;
	double			 deadline;	/* absolute, monotonic seconds */
	int			 tls_only;	/* stop after the handshake */
	int			 keep_chain;	/* tls_only: keep it for DANE */
	/* Only this key type's certificate (RSA next to ECDSA): the
	 * signature algorithms and TLS 1.2 suites offered. */
	const char		*sigalgs;
	const char		*ciphers;
	/* Scanner mode: instead of a TLS handshake, send raw_hello and give
	 * every byte that comes back to raw(raw_arg, ...) until it returns
	 * non-zero; the session then ends (END_OK) without QUIT. */
	const unsigned char	*raw_hello;
	size_t			 raw_len;
	int			(*raw)(void *, const unsigned char *, size_t);
	void			*raw_arg;
};

typedef void (*smtp_done_fn)(void *arg);

/* Start a session; done is called exactly once, after which it is gone. */
struct smtp_session *smtp_start(const struct smtp_params *, struct probe *,
	    smtp_done_fn, void *arg);
/* End a session now (total deadline); done is not called. */
void	smtp_abort(struct smtp_session *);
/* Scanner mode: send more bytes (e.g. a heartbeat request). */
int	smtp_raw_write(struct smtp_session *, const unsigned char *, size_t);
double	mono_now(void);

#endif
