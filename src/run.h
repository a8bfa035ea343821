/*
 * One run: the event loop, the resolver, the TLS contexts and the probes
 * for one target, filling a report. Options and state hang off the run
 * object; nothing is global, so several runs can share a process.
 */
#ifndef MX_RUN_H
#define MX_RUN_H

#include <stddef.h>

struct options;
struct report;

/* 0: the report is filled (judge it); -1: could not start (err says why). */
int	run_target(const struct options *, struct report *, char *err,
	    size_t errlen);

#endif
