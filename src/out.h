/* Renderers: the same report as text, JSON. None adds judgement. */
#ifndef MX_OUT_H
#define MX_OUT_H

#include <stdio.h>

struct json_t;
struct options;
struct report;
struct scan_result;

#define JSON_SCHEMA_VERSION 1

/* The text renderers' colours (ANSI SGR), in one place. */
#define OUT_GREEN	"\033[32m"
#define OUT_CYAN	"\033[36m"
#define OUT_YELLOW	"\033[33m"
#define OUT_RED		"\033[31m"
#define OUT_RED_BOLD	"\033[31;1m"
#define OUT_RESET	"\033[0m"

/* Write the report as one JSON document. */
int	out_json(FILE *, const struct report *, const struct options *);
/* Write the report for a person; colour decided by the caller. */
int	out_text(FILE *, const struct report *, const struct options *,
	    int color);

/* The deep TLS inspection of one address (out_json_scan.c,
 * out_text_scan.c); JSON null / nothing for NULL. */
struct json_t *out_json_scan(const struct scan_result *);
void	out_text_scan(FILE *, const struct scan_result *, int color);

/* A finding's detail, sanitised, for a one-line message. */
void	out_text_detail(FILE *, const char *);

#endif
