/*
 * HTTPS GET on libcurl's multi socket interface, inside the run's libevent
 * loop: curl tells us which sockets and timeout to watch (sock_cb,
 * timer_cb), libevent tells curl when they fire (curl_multi_socket_action).
 * Nothing blocks, so the policy fetch overlaps the SMTP sessions.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "buf.h"
#include "fetch.h"

struct xfer {
	struct xfer	*next;
	struct fetcher	*f;
	CURL		*easy;
	struct curl_slist *resolve;
	char		*body;
	size_t		 len, max;
	int		 too_large;
	fetch_done_fn	 done;
	void		*arg;
	double		 t0;
	char		 errbuf[CURL_ERROR_SIZE];
};

/* One watched socket; freed only after curl_multi_socket_action returns. */
struct fsock {
	struct fsock	*next;
	struct event	*ev;
	int		 dead;
};

struct fetcher {
	struct event_base *base;
	CURLM		*multi;
	struct event	*timer;
	struct xfer	*xfers;
	struct fsock	*socks;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
fetch_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

/* Free the sockets curl stopped watching (all of them if all is set). */
static void
reap_socks(struct fetcher *f, int all)
{
	struct fsock	**pp = &f->socks, *s;

	while ((s = *pp) != NULL) {
		if (!s->dead && !all) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		event_free(s->ev);
		free(s);
	}
}

static void
xfer_free(struct xfer *x)
{
	struct xfer	**pp;

	for (pp = &x->f->xfers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	curl_multi_remove_handle(x->f->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->resolve);
	free(x->body);
	free(x);
}

/* Report every finished transfer to its owner. */
static void
check_done(struct fetcher *f)
{
	struct fetch_result res;
	CURLMsg		*m;
	struct xfer	*x;
	char		*s;
	long		 code;
	int		 left;

	while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &x);
		if (x == NULL)
			continue;
		memset(&res, 0, sizeof(res));
		res.curl_code = (int)m->data.result;
		res.too_large = x->too_large ||
		    m->data.result == CURLE_FILESIZE_EXCEEDED;
		str_copy(res.error, sizeof(res.error), x->errbuf[0] != '\0' ?
		    x->errbuf : curl_easy_strerror(m->data.result));
		if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE,
		    &code) == CURLE_OK)
			res.http_code = code;
		s = NULL;
		if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &s) ==
		    CURLE_OK && s != NULL)
			str_copy(res.content_type, sizeof(res.content_type), s);
		s = NULL;
		if (curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &s) ==
		    CURLE_OK && s != NULL)
			str_copy(res.location, sizeof(res.location), s);
		s = NULL;
		if (curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &s) ==
		    CURLE_OK && s != NULL)
			str_copy(res.addr, sizeof(res.addr), s);
		res.body = x->body != NULL ? x->body : (char *)"";
		res.len = x->len;
		res.ms = now_ms() - x->t0;
		x->done(x->arg, &res);
		xfer_free(x);
	}
}

static void
sock_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetcher	*f = arg;
	int		 flags = 0, running;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(f->multi, fd, flags, &running);
	check_done(f);
	reap_socks(f, 0);
}

static void
timer_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetcher	*f = arg;
	int		 running;

	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(f);
	reap_socks(f, 0);
}

/* curl: watch socket s for what (CURL_POLL_*), or stop watching it. */
static int
sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct fetcher	*f = userp;
	struct fsock	*fs = socketp;
	short		 kind = EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		if (fs != NULL) {
			/* Maybe inside this socket's own callback: defer. */
			event_del(fs->ev);
			fs->dead = 1;
			curl_multi_assign(f->multi, s, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (fs == NULL) {
		if ((fs = calloc(1, sizeof(*fs))) == NULL)
			return -1;
		fs->ev = event_new(f->base, s, kind, sock_ev_cb, f);
		if (fs->ev == NULL) {
			free(fs);
			return -1;
		}
		fs->next = f->socks;
		f->socks = fs;
		curl_multi_assign(f->multi, s, fs);
	} else {
		event_del(fs->ev);
		event_assign(fs->ev, f->base, s, kind, sock_ev_cb, f);
	}
	return event_add(fs->ev, NULL) == 0 ? 0 : -1;
}

/* curl: call us back in timeout_ms (-1: never). */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct fetcher	*f = userp;
	struct timeval	 tv;

	if (timeout_ms < 0)
		return evtimer_del(f->timer);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(f->timer, &tv);
}

/* Keep the body up to the cap; past it, make curl fail the transfer. */
static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct xfer	*x = userp;
	size_t		 n = size * nmemb;
	char		*nb;

	if (n > x->max - x->len) {
		x->too_large = 1;
		return 0;
	}
	if ((nb = realloc(x->body, x->len + n + 1)) == NULL)
		return 0;
	x->body = nb;
	memcpy(x->body + x->len, ptr, n);
	x->len += n;
	x->body[x->len] = '\0';
	return n;
}

struct fetcher *
fetch_new(struct event_base *base, char *err, size_t errlen)
{
	struct fetcher	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		goto fail;
	f->base = base;
	if ((f->multi = curl_multi_init()) == NULL ||
	    (f->timer = evtimer_new(base, timer_ev_cb, f)) == NULL)
		goto fail;
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return f;
fail:
	str_copy(err, errlen, "cannot set up the HTTPS client");
	fetch_free(f);
	return NULL;
}

static int
xfer_setup(struct xfer *x, const struct fetch_req *q)
{
	CURL		*e = x->easy;
	struct curl_slist *l;
	int		 i, bad = 0;

	for (i = 0; i < q->nresolve; i++) {
		if ((l = curl_slist_append(x->resolve, q->resolve[i])) == NULL)
			return -1;
		x->resolve = l;
	}
#define SET(opt, val) bad |= curl_easy_setopt(e, opt, val) != CURLE_OK
	SET(CURLOPT_URL, q->url);
	SET(CURLOPT_PRIVATE, x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FORBID_REUSE, 1L);	/* no idle socket left to watch */
	/* RFC 8461 §3.3: HTTPS only, redirects are not followed. */
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROXY, "");		/* no *_proxy from the environment */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_TIMEOUT_MS, q->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, q->connect_timeout_ms);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)q->max_bytes);
	SET(CURLOPT_USERAGENT, "mxprobe/" MXPROBE_VERSION);
	if (q->ca_file != NULL) {
		SET(CURLOPT_CAINFO, q->ca_file);
		SET(CURLOPT_CAPATH, NULL);
	}
	if (x->resolve != NULL)
		SET(CURLOPT_RESOLVE, x->resolve);
#undef SET
	return bad ? -1 : 0;
}

int
fetch_start(struct fetcher *f, const struct fetch_req *q, fetch_done_fn done,
    void *arg, char *err, size_t errlen)
{
	struct xfer	*x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		goto fail;
	x->f = f;
	x->done = done;
	x->arg = arg;
	x->max = q->max_bytes;
	x->t0 = now_ms();
	if ((x->easy = curl_easy_init()) == NULL || xfer_setup(x, q) == -1)
		goto fail;
	if (curl_multi_add_handle(f->multi, x->easy) != CURLM_OK)
		goto fail;
	x->next = f->xfers;
	f->xfers = x;
	return 0;
fail:
	str_copy(err, errlen, "cannot start the HTTPS request");
	if (x != NULL) {
		if (x->easy != NULL)
			curl_easy_cleanup(x->easy);
		curl_slist_free_all(x->resolve);
		free(x);
	}
	return -1;
}

void
fetch_free(struct fetcher *f)
{
	if (f == NULL)
		return;
	while (f->xfers != NULL)
		xfer_free(f->xfers);
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	reap_socks(f, 1);
	if (f->timer != NULL)
		event_free(f->timer);
	free(f);
}
