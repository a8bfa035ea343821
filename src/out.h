/* Renderers: the same report as text, JSON. None adds judgement. */
#ifndef MX_OUT_H
#define MX_OUT_H

#include <stdio.h>

struct options;
struct report;

#define JSON_SCHEMA_VERSION 1

/* Write the report as one JSON document. */
int	out_json(FILE *, const struct report *, const struct options *);
/* Write the report for a person; colour decided by the caller. */
int	out_text(FILE *, const struct report *, const struct options *,
	    int color);

/* A finding's detail, sanitised, for a one-line message. */
void	out_text_detail(FILE *, const char *);

#endif
