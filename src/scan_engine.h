/*
 * The scanner's connections for one server address: asks the planner
 * (scan_plan.c) what to send, runs each probe as an SMTP session up to
 * STARTTLS that then sends our own ClientHello (smtp.c raw mode), reads
 * the answer with scan_hello.c and feeds it back. Every connection takes a
 * slot of the run's gate first (gate.h); a 421 pauses the scan for the
 * retry delay.
 */
#ifndef MX_SCAN_ENGINE_H
#define MX_SCAN_ENGINE_H

struct event_base;
struct gate;
struct options;
struct probe;
struct scan_engine;

typedef void (*scan_done_fn)(void *arg);

/*
 * Scan the address of p (its addr, port, refname, implicit_tls) in the
 * slots the gate gives; the result lands in p->scan when done is called
 * (once, from the loop).
 */
struct scan_engine *scan_engine_start(struct event_base *,
	    const struct options *, double deadline, struct probe *p,
	    struct gate *gate, scan_done_fn done, void *arg);
/* A connection slot may be free: go on if the plan has more to ask. */
void	scan_engine_kick(struct scan_engine *);
/* Stop now (total deadline): keep what was learned; done is not called. */
void	scan_engine_abort(struct scan_engine *);
void	scan_engine_free(struct scan_engine *);

#endif
