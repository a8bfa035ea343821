/* Connection slots per server address and for the whole run. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gate.h"

#define GATE_ADDR_LEN	64	/* INET6_ADDRSTRLEN and then some */

struct server {
	char	 addr[GATE_ADDR_LEN];
	int	 port;
	int	 used;
};

struct gate {
	int		 per_server, total;
	int		 used, peak;
	struct server	*servers;
	size_t		 n, cap;
	void		(*freed)(void *);
	void		*arg;
};

struct gate *
gate_new(int per_server, int total, void (*freed)(void *), void *arg)
{
	struct gate	*g = xcalloc(1, sizeof(*g));

	g->per_server = per_server < 1 ? 1 : per_server;
	g->total = total < 1 ? 1 : total;
	g->freed = freed;
	g->arg = arg;
	return g;
}

void
gate_free(struct gate *g)
{
	if (g == NULL)
		return;
	free(g->servers);
	free(g);
}

/* The entry for addr and port, NULL when it never had a slot. */
static struct server *
find(const struct gate *g, const char *addr, int port)
{
	size_t	 i;

	for (i = 0; i < g->n; i++)
		if (g->servers[i].port == port &&
		    strcmp(g->servers[i].addr, addr) == 0)
			return &g->servers[i];
	return NULL;
}

static struct server *
add(struct gate *g, const char *addr, int port)
{
	struct server	*s;

	if (g->n == g->cap) {
		g->cap = g->cap == 0 ? 16 : g->cap * 2;
		g->servers = realloc(g->servers, g->cap * sizeof(*g->servers));
		if (g->servers == NULL)
			abort();
	}
	s = &g->servers[g->n++];
	memset(s, 0, sizeof(*s));
	str_copy(s->addr, sizeof(s->addr), addr);
	s->port = port;
	return s;
}

int
gate_can(const struct gate *g, const char *addr, int port)
{
	const struct server	*s = find(g, addr, port);

	return g->used < g->total && (s == NULL || s->used < g->per_server);
}

int
gate_take(struct gate *g, const char *addr, int port)
{
	struct server	*s = find(g, addr, port);

	if (!gate_can(g, addr, port))
		return 0;
	if (s == NULL)
		s = add(g, addr, port);
	s->used++;
	if (++g->used > g->peak)
		g->peak = g->used;
	return 1;
}

void
gate_give(struct gate *g, const char *addr, int port)
{
	struct server	*s = find(g, addr, port);

	if (s == NULL || s->used == 0)
		return;		/* never taken: nothing to give back */
	s->used--;
	g->used--;
	if (g->freed != NULL)
		g->freed(g->arg);
}

int
gate_used(const struct gate *g, const char *addr, int port)
{
	const struct server	*s = find(g, addr, port);

	return s != NULL ? s->used : 0;
}

int
gate_used_total(const struct gate *g)
{
	return g->used;
}

int
gate_peak(const struct gate *g)
{
	return g->peak;
}
