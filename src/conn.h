/*
 * The io layer: one TCP connection, plaintext then TLS, turned into events
 * (connected, line, tls-ready, failed) with one phase timer. Protocol code
 * never touches the socket. conn_free() is safe inside a callback: the
 * object is marked and freed when the callback returns.
 */
#ifndef MX_CONN_H
#define MX_CONN_H

#include <stddef.h>
#include <sys/socket.h>

struct event_base;
struct ssl_st;
struct conn;

enum conn_fail {
	CONN_FAIL_CONNECT,	/* connect() failed (refused, unreachable) */
	CONN_FAIL_TIMEOUT,	/* the phase timer fired */
	CONN_FAIL_CLOSED,	/* orderly close by the server */
	CONN_FAIL_IO,		/* reset or other socket error */
	CONN_FAIL_TLS,		/* TLS handshake or record error */
	CONN_FAIL_LINE		/* a line longer than allowed */
};

struct conn_ops {
	void	(*connected)(void *);
	void	(*line)(void *, const char *, size_t, int crlf);
	void	(*tls_ready)(void *);
	void	(*failed)(void *, enum conn_fail, const char *msg);
	void	(*raw)(void *, const unsigned char *, size_t); /* raw mode */
};

struct conn *conn_new(struct event_base *, const struct conn_ops *, void *);
int	conn_connect(struct conn *, const struct sockaddr *, socklen_t,
	    const struct sockaddr *src, socklen_t srclen);
/* (Re)arm the phase timer; 0 disarms it. */
void	conn_timeout(struct conn *, double seconds);
int	conn_write(struct conn *, const char *, size_t);
/* Bytes received but not yet delivered as lines. */
size_t	conn_pending(const struct conn *, const char **data);
/* Switch to TLS (takes ownership of ssl); buffered plaintext is dropped. */
int	conn_start_tls(struct conn *, struct ssl_st *);
struct ssl_st *conn_ssl(const struct conn *);
/* Switch to raw mode: every byte read goes to ops->raw as it comes (the
 * scanner speaks TLS records itself); buffered plaintext is dropped. */
int	conn_start_raw(struct conn *);
/* Local address of the socket, as text. */
void	conn_local_addr(const struct conn *, char *, size_t);
void	conn_free(struct conn *);

#endif
