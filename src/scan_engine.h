/*
 * The scanner's connections for one server address: asks the planner
 * (scan_plan.c) what to send, runs each probe as an SMTP session up to
 * STARTTLS that then sends our own ClientHello (smtp.c raw mode), reads
 * the answer with scan_hello.c and feeds it back. At most `parallel`
 * connections at once; a 421 pauses the scan for the retry delay.
 */
#ifndef MX_SCAN_ENGINE_H
#define MX_SCAN_ENGINE_H

struct event_base;
struct options;
struct probe;
struct scan_engine;

typedef void (*scan_done_fn)(void *arg);

/*
 * Scan the address of p (its addr, port, refname, implicit_tls), at most
 * limit connections at once for now; the
 * result lands in p->scan when done is called (once, from the loop).
 */
struct scan_engine *scan_engine_start(struct event_base *,
	    const struct options *, double deadline, struct probe *p,
	    int limit, scan_done_fn done, void *arg);
/* Connections the scan may have open now (it runs beside the main
 * session at first, then takes the whole per-address allowance). */
void	scan_engine_set_limit(struct scan_engine *, int limit);
/* Stop now (total deadline): keep what was learned; done is not called. */
void	scan_engine_abort(struct scan_engine *);
void	scan_engine_free(struct scan_engine *);

#endif
