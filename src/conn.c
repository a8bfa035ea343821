/* The io layer: a non-blocking TCP connection, plaintext then TLS, as events. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "conn.h"
#include "smtp_parse.h"

#define CONN_READ_CHUNK	16384
#define CONN_IN_MAX	(SMTP_LINE_MAX + CONN_READ_CHUNK)
#define CONN_OUT_MAX	8192

enum conn_mode { MODE_CONNECTING, MODE_PLAIN, MODE_HANDSHAKE, MODE_TLS,
	MODE_RAW, MODE_FAILED };

struct conn {
	struct event_base	*base;
	const struct conn_ops	*ops;
	void			*arg;
	int			 fd;
	enum conn_mode		 mode;
	struct event		*rev, *wev, *timer;
	SSL			*ssl;
	struct buf		 in, out;
	int			 in_cb;		/* callback nesting */
	int			 dead;		/* free once callbacks return */
};

static void	conn_read_cb(evutil_socket_t, short, void *);
static void	conn_write_cb(evutil_socket_t, short, void *);
static void	conn_timer_cb(evutil_socket_t, short, void *);

struct conn *
conn_new(struct event_base *base, const struct conn_ops *ops, void *arg)
{
	struct conn	*c = xcalloc(1, sizeof(*c));

	c->base = base;
	c->ops = ops;
	c->arg = arg;
	c->fd = -1;
	buf_init(&c->in, CONN_IN_MAX);
	buf_init(&c->out, CONN_OUT_MAX);
	c->timer = evtimer_new(base, conn_timer_cb, c);
	return c;
}

static void
conn_destroy(struct conn *c)
{
	if (c->rev)
		event_free(c->rev);
	if (c->wev)
		event_free(c->wev);
	if (c->timer)
		event_free(c->timer);
	SSL_free(c->ssl);
	if (c->fd != -1)
		close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	c->dead = 1;
	if (c->rev)
		event_del(c->rev);
	if (c->wev)
		event_del(c->wev);
	event_del(c->timer);
	if (c->in_cb == 0)
		conn_destroy(c);
}

/* Frame a handler: a callback may free the conn; destroy it on the way out. */
static void
enter(struct conn *c)
{
	c->in_cb++;
}

static int
leave(struct conn *c)
{
	if (--c->in_cb == 0 && c->dead) {
		conn_destroy(c);
		return -1;
	}
	return c->dead ? -1 : 0;
}

static void
fail(struct conn *c, enum conn_fail why, const char *msg)
{
	if (c->dead || c->mode == MODE_FAILED)
		return;
	c->mode = MODE_FAILED;
	if (c->rev)
		event_del(c->rev);
	if (c->wev)
		event_del(c->wev);
	event_del(c->timer);
	c->ops->failed(c->arg, why, msg);
}

int
conn_connect(struct conn *c, const struct sockaddr *sa, socklen_t salen,
    const struct sockaddr *src, socklen_t srclen)
{
	int	 one = 1;

	c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd == -1)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (src != NULL) {
#ifdef IP_BIND_ADDRESS_NO_PORT
		/* Pick the port at connect time: no early port exhaustion. */
		setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		    sizeof(one));
#endif
		if (bind(c->fd, src, srclen) == -1)
			return -1;
	}
	c->rev = event_new(c->base, c->fd, EV_READ | EV_PERSIST, conn_read_cb,
	    c);
	c->wev = event_new(c->base, c->fd, EV_WRITE, conn_write_cb, c);
	c->mode = MODE_CONNECTING;
	if (connect(c->fd, sa, salen) == -1 && errno != EINPROGRESS)
		return -1;
	event_add(c->wev, NULL);
	return 0;
}

void
conn_timeout(struct conn *c, double s)
{
	struct timeval	 tv;

	event_del(c->timer);
	if (s <= 0)
		return;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	event_add(c->timer, &tv);
}

static void
conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	enter(c);
	fail(c, CONN_FAIL_TIMEOUT, "timed out");
	leave(c);
}

/* Describe the OpenSSL error queue in one line, then clear it. */
static void
ssl_errstr(char *out, size_t len, int sslerr)
{
	unsigned long	 e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, out, len);
	else if (sslerr == SSL_ERROR_SYSCALL)
		str_fmt(out, len, "connection: %s", errno ? strerror(errno) :
		    "closed by server");
	else if (sslerr == SSL_ERROR_ZERO_RETURN)
		str_copy(out, len, "connection closed by server");
	else
		str_fmt(out, len, "TLS error %d", sslerr);
	ERR_clear_error();
}

/* Flush the output buffer; arm the write event when the kernel is full. */
static int
flush_out(struct conn *c)
{
	ssize_t	 n;
	int	 e;

	while (c->out.len > 0) {
		if (c->mode == MODE_TLS) {
			ERR_clear_error();
			n = SSL_write(c->ssl, c->out.data, (int)c->out.len);
			if (n <= 0) {
				e = SSL_get_error(c->ssl, (int)n);
				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ) {
					event_add(c->wev, NULL);
					return 0;
				}
				return -1;
			}
		} else {
			n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
			if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
				event_add(c->wev, NULL);
				return 0;
			}
			if (n == -1)
				return -1;
		}
		buf_consume(&c->out, (size_t)n);
	}
	return 0;
}

int
conn_write(struct conn *c, const char *p, size_t len)
{
	if (c->mode != MODE_PLAIN && c->mode != MODE_TLS &&
	    c->mode != MODE_RAW)
		return -1;
	if (buf_add(&c->out, p, len) == -1)
		return -1;
	if (flush_out(c) == -1) {
		fail(c, CONN_FAIL_IO, strerror(errno));
		return -1;
	}
	return 0;
}

size_t
conn_pending(const struct conn *c, const char **data)
{
	if (data != NULL)
		*data = buf_str(&c->in);
	return c->in.len;
}

SSL *
conn_ssl(const struct conn *c)
{
	return c->ssl;
}

void
conn_local_addr(const struct conn *c, char *out, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	const void		*a;

	out[0] = '\0';
	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == -1)
		return;
	a = ss.ss_family == AF_INET6 ?
	    (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
	    (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
	inet_ntop(ss.ss_family, a, out, (socklen_t)len);
}

/* Run the handshake as far as it goes without blocking. */
static void
handshake_step(struct conn *c)
{
	char	 msg[256];
	int	 r, e;

	ERR_clear_error();
	r = SSL_connect(c->ssl);
	if (r == 1) {
		c->mode = MODE_TLS;
		event_del(c->wev);
		c->ops->tls_ready(c->arg);
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return;
	if (e == SSL_ERROR_WANT_WRITE) {
		event_add(c->wev, NULL);
		return;
	}
	ssl_errstr(msg, sizeof(msg), e);
	if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL &&
	    strncmp(msg, "connection", 10) == 0))
		str_copy(msg, sizeof(msg), "connection closed by server during "
		    "the handshake");
	fail(c, CONN_FAIL_TLS, msg);
}

int
conn_start_tls(struct conn *c, SSL *ssl)
{
	c->ssl = ssl;
	if (c->mode != MODE_PLAIN && c->mode != MODE_CONNECTING)
		return -1;
	if (!SSL_set_fd(ssl, c->fd))
		return -1;
	buf_reset(&c->in);
	c->mode = MODE_HANDSHAKE;
	handshake_step(c);
	return 0;
}

int
conn_start_raw(struct conn *c)
{
	if (c->mode != MODE_PLAIN && c->mode != MODE_CONNECTING)
		return -1;
	buf_reset(&c->in);
	c->mode = MODE_RAW;
	return 0;
}

/* Raw mode: pass what the kernel has straight to the protocol. */
static void
read_raw(struct conn *c)
{
	unsigned char	 tmp[CONN_READ_CHUNK];
	ssize_t		 n;

	n = recv(c->fd, tmp, sizeof(tmp), 0);
	if (n > 0)
		c->ops->raw(c->arg, tmp, (size_t)n);
	else if (n == 0)
		fail(c, CONN_FAIL_CLOSED, "connection closed by server");
	else if (errno != EAGAIN && errno != EINTR)
		fail(c, CONN_FAIL_IO, strerror(errno));
}

/* Hand complete lines to the protocol until it changes mode or frees us. */
static void
deliver_lines(struct conn *c)
{
	enum conn_mode	 mode = c->mode;
	char		*nl;
	size_t		 len;
	int		 crlf;

	while (!c->dead && c->mode == mode && c->in.len > 0) {
		nl = memchr(c->in.data, '\n', c->in.len);
		if (nl == NULL) {
			if (c->in.len > SMTP_LINE_MAX)
				fail(c, CONN_FAIL_LINE, "line too long");
			return;
		}
		len = (size_t)(nl - c->in.data);
		crlf = len > 0 && nl[-1] == '\r';
		if (len > SMTP_LINE_MAX) {
			fail(c, CONN_FAIL_LINE, "line too long");
			return;
		}
		/* The callback may read conn_pending(); consume first. */
		{
			char line[SMTP_LINE_MAX + 1];

			memcpy(line, c->in.data, len - (size_t)crlf);
			line[len - (size_t)crlf] = '\0';
			buf_consume(&c->in, len + 1);
			c->ops->line(c->arg, line, len - (size_t)crlf, crlf);
		}
	}
}

/* Read what is there, plaintext or TLS; 0 data, 1 EOF, -1 error. */
static int
read_some(struct conn *c, char *msg, size_t msglen)
{
	char	 tmp[CONN_READ_CHUNK];
	size_t	 room = CONN_IN_MAX - c->in.len;
	ssize_t	 n;
	int	 e;

	if (room > sizeof(tmp))
		room = sizeof(tmp);
	if (c->mode == MODE_TLS) {
		ERR_clear_error();
		n = SSL_read(c->ssl, tmp, (int)room);
		if (n > 0)
			return buf_add(&c->in, tmp, (size_t)n);
		e = SSL_get_error(c->ssl, (int)n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return 0;
		if (e == SSL_ERROR_ZERO_RETURN)
			return 1;
		ssl_errstr(msg, msglen, e);
		return -1;
	}
	n = recv(c->fd, tmp, room, 0);
	if (n > 0)
		return buf_add(&c->in, tmp, (size_t)n);
	if (n == 0)
		return 1;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	str_copy(msg, msglen, strerror(errno));
	return -1;
}

/*
 * Acknowledge at once. Servers write replies in several small segments and
 * with Nagle on their side (e.g. TLS 1.3 session tickets, then the EHLO
 * reply) a delayed ACK here would stall each exchange by 40 ms. Linux
 * leaves quick-ack mode by itself, so it is renewed on every read.
 */
static void
quickack(int fd)
{
	int	 one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

static void
conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	char		 msg[256] = "";
	int		 r;

	enter(c);
	quickack(c->fd);
	if (c->mode == MODE_HANDSHAKE)
		handshake_step(c);
	else if (c->mode == MODE_RAW)
		read_raw(c);
	else if (c->mode == MODE_PLAIN || c->mode == MODE_TLS) {
		r = read_some(c, msg, sizeof(msg));
		if (r == 0)
			deliver_lines(c);
		else if (r == 1)
			fail(c, CONN_FAIL_CLOSED, "connection closed by server");
		else
			fail(c, c->mode == MODE_TLS ? CONN_FAIL_TLS :
			    CONN_FAIL_IO, msg);
	}
	/* TLS may hold decrypted records the socket will not signal again. */
	while (leave(c) == 0 && c->mode == MODE_TLS && SSL_pending(c->ssl) > 0
	    && c->in.len < SMTP_LINE_MAX) {
		enter(c);
		if (read_some(c, msg, sizeof(msg)) == 0)
			deliver_lines(c);
	}
}

static void
connected(struct conn *c)
{
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	/* A reset after the handshake of TCP: the server took and dropped us. */
	if (err == ECONNRESET || err == EPIPE) {
		fail(c, CONN_FAIL_CLOSED, "connection reset by server right "
		    "after it was accepted");
		return;
	}
	if (err != 0) {
		fail(c, CONN_FAIL_CONNECT, strerror(err));
		return;
	}
	c->mode = MODE_PLAIN;
	quickack(c->fd);
	event_add(c->rev, NULL);
	c->ops->connected(c->arg);
}

static void
conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	enter(c);
	if (c->mode == MODE_CONNECTING)
		connected(c);
	else if (c->mode == MODE_HANDSHAKE)
		handshake_step(c);
	else if (flush_out(c) == -1)
		fail(c, CONN_FAIL_IO, strerror(errno));
	leave(c);
}
