/* One SMTP session to one address: an explicit state machine (RFC 5321, 3207). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ssl.h>

#include "buf.h"
#include "cli.h"
#include "conn.h"
#include "report.h"
#include "smtp.h"
#include "tls.h"

enum smtp_state {
	S_CONNECT,
	S_GREETING,
	S_EHLO,
	S_HELO,
	S_STARTTLS,
	S_HANDSHAKE,
	S_EHLO_TLS,
	S_QUIT,
	S_DONE,
	S_RAW		/* scanner: our own hello sent, raw bytes back */
};

struct smtp_session {
	struct smtp_params	 par;
	struct probe		*p;
	struct conn		*conn;
	enum smtp_state		 state;
	int			 tls_active;
	struct smtp_reply	 reply;
	double			 t0;		/* connect started */
	double			 tls_t0;
	int			 deadline_armed; /* the phase timer is the deadline */
	int			 in_cb;		/* callback nesting */
	int			 finished;	/* done was called */
	smtp_done_fn		 done;
	void			*arg;
};

static const char *const state_names[] = { "connect", "greeting", "ehlo",
	"helo", "starttls", "handshake", "ehlo-tls", "quit", "done",
	"raw-hello" };

static const enum probe_stage state_stage[] = { STAGE_CONNECT,
	STAGE_GREETING, STAGE_EHLO, STAGE_HELO, STAGE_STARTTLS,
	STAGE_HANDSHAKE, STAGE_EHLO_TLS, STAGE_QUIT, STAGE_DONE,
	STAGE_HANDSHAKE };

double
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
elapsed_ms(const struct smtp_session *s)
{
	return (mono_now() - s->t0) * 1000.0;
}

static void
note(struct smtp_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A '*' line in the transcript: what happened besides bytes on the wire. */
static void
note(struct smtp_session *s, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	probe_xcript(s->p, elapsed_ms(s), '*', msg, strlen(msg));
}

static double
phase_timeout(const struct smtp_session *s, enum smtp_state st)
{
	const struct options *o = s->par.opt;

	switch (st) {
	case S_CONNECT:
		return o->connect_timeout;
	case S_GREETING:
		return o->greeting_timeout;
	case S_HANDSHAKE:
	case S_RAW:
		return o->handshake_timeout;
	default:
		return o->reply_timeout;
	}
}

/* The only place the state changes; arms that phase's timer. */
static void
smtp_state(struct smtp_session *s, enum smtp_state st)
{
	double	 t = phase_timeout(s, st), left = s->par.deadline - mono_now();

	if (s->par.opt->verbose >= 2 && st != s->state)
		note(s, "state %s -> %s", state_names[s->state],
		    state_names[st]);
	s->state = st;
	if (st != S_QUIT && st != S_DONE)
		s->p->stage = state_stage[st];
	s->deadline_armed = left < t;
	if (left < t)
		t = left > 0.001 ? left : 0.001;
	if (st != S_DONE)
		conn_timeout(s->conn, t);
}

static void
session_free(struct smtp_session *s)
{
	conn_free(s->conn);
	smtp_reply_free(&s->reply);
	free(s);
}

/* Frame a callback: the session may finish inside; free it on the way out. */
static void
enter(struct smtp_session *s)
{
	s->in_cb++;
}

static void
leave(struct smtp_session *s)
{
	if (--s->in_cb == 0 && s->finished)
		session_free(s);
}

static void
smtp_finish(struct smtp_session *s, enum probe_end end, const char *why)
{
	if (s->finished)
		return;
	if (s->p->end == END_NONE)
		s->p->end = end;
	if (why != NULL && s->p->error[0] == '\0')
		str_copy(s->p->error, sizeof(s->p->error), why);
	s->p->total_ms = elapsed_ms(s);
	s->state = S_DONE;
	s->finished = 1;
	conn_free(s->conn);
	s->conn = NULL;
	s->done(s->arg);
}

static void
send_cmd(struct smtp_session *s, enum smtp_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
send_cmd(struct smtp_session *s, enum smtp_state st, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2) {
		smtp_finish(s, END_INTERNAL, "command too long");
		return;
	}
	probe_xcript(s->p, elapsed_ms(s), 'C', line, (size_t)n);
	memcpy(line + n, "\r\n", 3);
	smtp_state(s, st);
	/* A failed write reports itself through the failed callback. */
	conn_write(s->conn, line, (size_t)n + 2);
}

static void
quit(struct smtp_session *s)
{
	send_cmd(s, S_QUIT, "QUIT");
}

/* Keep the reply that ended the session for the report. */
static void
keep_last(struct smtp_session *s)
{
	smtp_reply_free(&s->p->last);
	s->p->last = s->reply;
	s->p->last_stage = state_stage[s->state];
	smtp_reply_init(&s->reply);
}

/* Scanner mode: send the caller's own hello; the answer goes to par.raw. */
static void
start_raw(struct smtp_session *s)
{
	s->tls_t0 = mono_now();
	smtp_state(s, S_RAW);
	if (conn_start_raw(s->conn) == -1) {
		smtp_finish(s, END_INTERNAL, "cannot switch to raw mode");
		return;
	}
	conn_write(s->conn, (const char *)s->par.raw_hello, s->par.raw_len);
}

static void
start_handshake(struct smtp_session *s)
{
	SSL	*ssl;

	if (s->par.raw != NULL) {
		start_raw(s);
		return;
	}
	ssl = tls_new(s->par.ctx, s->p->refname, &s->p->tls);
	if (ssl != NULL && ((s->par.sigalgs != NULL &&
	    !SSL_set1_sigalgs_list(ssl, s->par.sigalgs)) ||
	    (s->par.ciphers != NULL &&
	    !SSL_set_cipher_list(ssl, s->par.ciphers)))) {
		SSL_free(ssl);
		ssl = NULL;
	}
	if (ssl == NULL) {
		smtp_finish(s, END_INTERNAL, "cannot create TLS session");
		return;
	}
	s->tls_t0 = mono_now();
	smtp_state(s, S_HANDSHAKE);
	if (conn_start_tls(s->conn, ssl) == -1)
		smtp_finish(s, END_INTERNAL, "cannot start TLS");
}

static void
on_greeting(struct smtp_session *s)
{
	int	 code = s->reply.code;

	s->p->greeting_ms = elapsed_ms(s);
	smtp_reply_free(&s->p->greeting);
	s->p->greeting = s->reply;
	smtp_reply_init(&s->reply);
	if (code == 220) {
		send_cmd(s, S_EHLO, "EHLO %s", s->par.opt->ehlo);
		return;
	}
	/* RFC 5321 §3.1: after a 554 greeting the client sends QUIT. */
	s->p->end = code >= 500 ? END_REJECTED : code >= 400 ? END_BUSY :
	    END_PROTOCOL;
	if (s->p->end == END_PROTOCOL)
		str_fmt(s->p->error, sizeof(s->p->error), "greeting code %d "
		    "instead of 220", code);
	quit(s);
}

static void
on_ehlo(struct smtp_session *s)
{
	int	 code = s->reply.code;

	if (code == 250) {
		ehlo_parse(s->tls_active ? &s->p->ehlo_tls : &s->p->ehlo,
		    &s->reply);
		if (!s->tls_active)
			s->p->ehlo_code = code;
		if (!s->tls_active && (s->p->ehlo.flags & EXT_STARTTLS))
			send_cmd(s, S_STARTTLS, "STARTTLS");
		else
			quit(s);
		return;
	}
	if (!s->tls_active)
		s->p->ehlo_code = code;
	keep_last(s);
	if (code == 421) {
		s->p->end = END_BUSY;
		smtp_finish(s, END_BUSY, NULL);
		return;
	}
	/* RFC 5321 §4.1.4: fall back to HELO; no extensions then. */
	if (!s->tls_active && code >= 500) {
		send_cmd(s, S_HELO, "HELO %s", s->par.opt->ehlo);
		return;
	}
	if (code >= 400 && code < 500)
		s->p->end = END_BUSY;
	else if (code < 400) {
		s->p->end = END_PROTOCOL;
		str_fmt(s->p->error, sizeof(s->p->error), "EHLO answered %d "
		    "instead of 250", code);
	}
	quit(s);
}

static void
on_helo(struct smtp_session *s)
{
	if (s->reply.code == 250)
		s->p->helo_fallback = 1;
	keep_last(s);
	if (s->p->last.code >= 400 && s->p->last.code < 500)
		s->p->end = END_BUSY;
	/* EHLO and HELO refused: the server will not talk to this client. */
	else if (s->p->last.code >= 500)
		s->p->end = END_REJECTED;
	quit(s);
}

static void
on_starttls(struct smtp_session *s)
{
	const char	*left;
	size_t		 n;

	s->p->starttls_code = s->reply.code;
	if (s->reply.code != 220) {
		keep_last(s);
		if (s->p->last.code == 421)
			s->p->end = END_BUSY;
		quit(s);
		return;
	}
	/*
	 * RFC 3207 §4.2 / CVE-2011-0411: nothing may follow the 220 before
	 * the handshake. Such bytes are recorded and never used.
	 */
	if ((n = conn_pending(s->conn, &left)) > 0) {
		s->p->injected = xstrndup(left, n > INJECTED_KEEP ?
		    INJECTED_KEEP : n);
		s->p->injected_len = n;
		note(s, "%zu bytes received after the STARTTLS 220 reply "
		    "before the handshake: discarded", n);
	}
	start_handshake(s);
}

static void
on_quit(struct smtp_session *s)
{
	smtp_finish(s, END_OK, NULL);
}

/* One complete reply: the state decides what it means. */
static void
on_reply(struct smtp_session *s)
{
	switch (s->state) {
	case S_GREETING:
		on_greeting(s);
		break;
	case S_EHLO:
	case S_EHLO_TLS:
		on_ehlo(s);
		break;
	case S_HELO:
		on_helo(s);
		break;
	case S_STARTTLS:
		on_starttls(s);
		break;
	case S_QUIT:
		on_quit(s);
		break;
	default:
		smtp_finish(s, END_PROTOCOL, "reply while not waiting for one");
		return;
	}
	if (!s->finished) {
		smtp_reply_free(&s->reply);
		smtp_reply_init(&s->reply);
	}
}

static void
cb_line(void *arg, const char *line, size_t len, int crlf)
{
	struct smtp_session	*s = arg;
	enum feed_result	 r;

	enter(s);
	probe_xcript(s->p, elapsed_ms(s), 'S', line, len);
	if (s->state == S_HANDSHAKE || s->state == S_CONNECT) {
		smtp_finish(s, END_PROTOCOL, "data at an unexpected time");
		goto out;
	}
	r = smtp_reply_feed(&s->reply, line, len, crlf);
	s->p->reply_flags |= s->reply.flags;
	if (r == FEED_BAD) {
		s->p->reply_error = s->reply.error;
		keep_last(s);
		smtp_finish(s, END_PROTOCOL, smtp_reply_error_str(
		    s->p->reply_error));
		goto out;
	}
	if (r == FEED_DONE)
		on_reply(s);
out:
	leave(s);
}

static void
cb_connected(void *arg)
{
	struct smtp_session	*s = arg;

	enter(s);
	s->p->connect_ms = elapsed_ms(s);
	conn_local_addr(s->conn, s->p->source, sizeof(s->p->source));
	note(s, "connected to %s port %d from %s", s->p->addr_text,
	    s->p->port, s->p->source);
	if (s->p->implicit_tls)
		start_handshake(s);
	else
		smtp_state(s, S_GREETING);
	leave(s);
}

static void
cb_tls_ready(void *arg)
{
	struct smtp_session	*s = arg;
	SSL			*ssl = conn_ssl(s->conn);

	enter(s);
	s->tls_active = 1;
	s->p->tls.ms = (mono_now() - s->tls_t0) * 1000.0;
	tls_collect(ssl, &s->p->tls, s->p->refname,
	    s->par.tls_only && !s->par.keep_chain ? NULL : &s->p->peer_chain);
	note(s, "TLS established: %s %s, %s", s->p->tls.version,
	    s->p->tls.cipher, s->p->tls.group[0] ? s->p->tls.group : "-");
	if (s->par.tls_only)
		quit(s);
	else if (s->p->implicit_tls)
		smtp_state(s, S_GREETING);
	else
		send_cmd(s, S_EHLO_TLS, "EHLO %s", s->par.opt->ehlo);
	leave(s);
}

static enum probe_end
fail_end(const struct smtp_session *s, enum conn_fail why)
{
	switch (why) {
	case CONN_FAIL_CONNECT:
		return END_CONNECT_FAILED;
	case CONN_FAIL_TIMEOUT:
		return s->deadline_armed ? END_DEADLINE : END_TIMEOUT;
	case CONN_FAIL_CLOSED:
		return END_CLOSED;
	case CONN_FAIL_LINE:
		return END_PROTOCOL;
	case CONN_FAIL_TLS:
	case CONN_FAIL_IO:
		break;
	}
	return s->state == S_HANDSHAKE ? END_TLS_FAILED : END_CLOSED;
}

static void
cb_failed(void *arg, enum conn_fail why, const char *msg)
{
	struct smtp_session	*s = arg;
	enum probe_end		 end = fail_end(s, why);

	enter(s);
	note(s, "%s: %s", state_names[s->state], msg);
	if (s->state == S_QUIT) {
		/* Hanging up after QUIT, or before its 221, ends well. */
		smtp_finish(s, END_OK, NULL);
		goto out;
	}
	if (s->state == S_HANDSHAKE) {
		s->p->tls.ms = (mono_now() - s->tls_t0) * 1000.0;
		tls_failed(conn_ssl(s->conn), &s->p->tls, why ==
		    CONN_FAIL_TIMEOUT ? "handshake timed out" : msg);
	}
	if (why == CONN_FAIL_LINE)
		s->p->reply_error = REPLY_ERR_BYTES;
	if (why == CONN_FAIL_CLOSED && s->state == S_CONNECT)
		s->p->stage = STAGE_GREETING;
	smtp_finish(s, end, msg);
out:
	leave(s);
}

static void
cb_raw(void *arg, const unsigned char *data, size_t len)
{
	struct smtp_session	*s = arg;

	enter(s);
	if (s->state == S_RAW && s->par.raw(s->par.raw_arg, data, len) != 0) {
		s->p->tls.ms = (mono_now() - s->tls_t0) * 1000.0;
		smtp_finish(s, END_OK, NULL);
	}
	leave(s);
}

static const struct conn_ops smtp_conn_ops = {
	cb_connected, cb_line, cb_tls_ready, cb_failed, cb_raw
};

int
smtp_raw_write(struct smtp_session *s, const unsigned char *data, size_t len)
{
	if (s->finished || s->state != S_RAW)
		return -1;
	return conn_write(s->conn, (const char *)data, len);
}

struct smtp_session *
smtp_start(const struct smtp_params *par, struct probe *p, smtp_done_fn done,
    void *arg)
{
	struct smtp_session	*s = xcalloc(1, sizeof(*s));
	const struct options	*o = par->opt;

	s->par = *par;
	s->p = p;
	s->done = done;
	s->arg = arg;
	s->t0 = mono_now();
	smtp_reply_init(&s->reply);
	p->attempts++;
	p->end = END_NONE;
	s->conn = conn_new(par->base, &smtp_conn_ops, s);
	smtp_state(s, S_CONNECT);
	if (conn_connect(s->conn, (struct sockaddr *)&p->addr, p->addrlen,
	    o->has_source ? (const struct sockaddr *)&o->source_addr : NULL,
	    o->source_len) == -1) {
		char msg[160];

		str_fmt(msg, sizeof(msg), "connect: %s", strerror(errno));
		note(s, "%s", msg);
		/* Report asynchronously-equivalent: the caller expects done later. */
		s->p->end = END_CONNECT_FAILED;
		str_copy(s->p->error, sizeof(s->p->error), msg);
		conn_timeout(s->conn, 0.0001);
	}
	return s;
}

void
smtp_abort(struct smtp_session *s)
{
	if (s->finished)
		return;
	if (s->p->end == END_NONE)
		s->p->end = END_DEADLINE;
	if (s->p->error[0] == '\0')
		str_copy(s->p->error, sizeof(s->p->error),
		    "total deadline reached");
	s->p->total_ms = elapsed_ms(s);
	s->finished = 1;
	if (s->in_cb == 0)
		session_free(s);
}
