/*
 * Connection slots: at most `per_server` connections at once to one server
 * address and port, and at most `total` at once in the whole run. Every
 * connection the run opens takes a slot first (the main sessions, the
 * deep inspection's probes, the handshakes for other certificates), so
 * the limits hold however many MX names share an address. Pure data; the
 * caller is told through `freed` when a slot comes back and wakes its
 * waiters from the event loop.
 */
#ifndef MX_GATE_H
#define MX_GATE_H

struct gate;

struct gate *gate_new(int per_server, int total, void (*freed)(void *),
	    void *arg);
void	gate_free(struct gate *);
/* Take a slot for addr (numeric text) and port: 1, or 0 if none is free. */
int	gate_take(struct gate *, const char *addr, int port);
/* Whether gate_take would give a slot now. */
int	gate_can(const struct gate *, const char *addr, int port);
/* Give back a slot taken for addr and port; calls freed. */
void	gate_give(struct gate *, const char *addr, int port);
/* Slots in use for addr and port, and in the whole run. */
int	gate_used(const struct gate *, const char *addr, int port);
int	gate_used_total(const struct gate *);
/* The most slots that were in use at once. */
int	gate_peak(const struct gate *);

#endif
