/*
 * HTTPS GET driven by the run's libevent loop through libcurl's multi
 * socket interface: the MTA-STS policy fetch (RFC 8461 §3.3). Strict on
 * purpose: https only, no redirects followed, no proxy, a size cap.
 */
#ifndef MX_FETCH_H
#define MX_FETCH_H

#include <stddef.h>

struct event_base;
struct fetcher;

struct fetch_req {
	const char	 *url;
	const char	 *ca_file;	/* NULL: the system store */
	const char *const *resolve;	/* curl's "HOST:PORT:ADDR[,ADDR]" */
	int		  nresolve;
	long		  timeout_ms;
	long		  connect_timeout_ms;
	size_t		  max_bytes;	/* body cap; more is an error */
};

struct fetch_result {
	int		 curl_code;	/* CURLE_*, 0 = transfer done */
	char		 error[256];	/* curl's explanation */
	int		 too_large;	/* body exceeded max_bytes */
	long		 http_code;	/* 0 if no response */
	char		 content_type[128];
	char		 location[256];	/* a redirect's target, not followed */
	char		 addr[64];	/* server address connected to */
	char		*body;		/* NUL-terminated; owned by the fetcher */
	size_t		 len;
	double		 ms;
};

typedef void	(*fetch_done_fn)(void *arg, const struct fetch_result *);

/* libcurl's global state; once per process, before any thread starts. */
int		 fetch_global_init(void);
void		 fetch_global_cleanup(void);

struct fetcher	*fetch_new(struct event_base *, char *err, size_t errlen);
/* Start one transfer; done is called once, from the event loop. */
int		 fetch_start(struct fetcher *, const struct fetch_req *,
		    fetch_done_fn done, void *arg, char *err, size_t errlen);
/* Abort what is still running (done is not called) and free. */
void		 fetch_free(struct fetcher *);

#endif
