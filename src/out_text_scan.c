/* The text form of the deep TLS inspection of one address: versions, then
 * the accepted suites per version in strength colours, then the extras. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "sanitize.h"
#include "scan_plan.h"
#include "scan_suites.h"

static const char *
strength_color(enum suite_strength s)
{
	switch (s) {
	case STR_INSECURE:
		return OUT_RED;
	case STR_WEAK:
		return OUT_YELLOW;
	case STR_FAIR:
		return "";
	case STR_GOOD:
		return OUT_GREEN;
	}
	return "";
}

static void
put_safe(FILE *fp, const char *s)
{
	char	*t = sanitize_text_dup(s, strlen(s));

	fputs(t, fp);
	free(t);
}

/* "SSLv3 no  TLSv1.0 yes ..." with the state of every version. */
static void
versions_line(FILE *fp, const struct scan_result *r, int color)
{
	static const char *const word[] = { "-", "yes", "no", "?" };
	int	 i;

	fputs("      versions:", fp);
	for (i = 0; i < SCAN_VERSIONS; i++) {
		const struct scan_version *v = &r->v[i];
		int	 bad = v->state == SCAN_ACCEPTED && i <= SCAN_V_TLS11;

		fprintf(fp, " %s %s%s%s", version_name(v->version),
		    color && bad ? (i <= SCAN_V_SSL3 ? OUT_RED : OUT_YELLOW) : "",
		    word[v->state], color && bad ? OUT_RESET : "");
	}
	fputc('\n', fp);
}

static void
suite_list(FILE *fp, const struct scan_version *v, int color)
{
	const uint16_t	*codes = v->nserver_order > 0 ? v->server_order :
			    v->suites;
	int		 n = v->nserver_order > 0 ? v->nserver_order :
			    v->nsuites, i;

	fprintf(fp, "      %s %s%s:", version_name(v->version),
	    v->order == SCAN_ORDER_SERVER ? "server order" :
	    v->order == SCAN_ORDER_CLIENT ? "client order" : "suites",
	    v->complete ? "" : " (found; not enumerated)");
	for (i = 0; i < n; i++) {
		const struct suite *s = suite_find(codes[i]);

		if (s == NULL) {
			fprintf(fp, "\n        0x%04x", codes[i]);
			continue;
		}
		fprintf(fp, "\n        %s%-44s%s %s", color ?
		    strength_color(s->strength) : "", s->iana,
		    color ? OUT_RESET : "", suite_strength_name(s->strength));
	}
	if (v->version == VER_SSL2)
		fprintf(fp, " %d SSLv2 cipher kind%s", v->nssl2_kinds,
		    v->nssl2_kinds == 1 ? "" : "s");
	fputc('\n', fp);
}

static void
weak_line(FILE *fp, const struct scan_result *r, int color)
{
	const struct scan_weak	*w = &r->weak;
	unsigned		 i;
	int			 n = 0;

	fputs("      weak suites:", fp);
	for (i = 0; i < SCAN_CLASS_BITS; i++) {
		const struct scan_proof *p = &w->proof[i];

		if (!(w->accepted & SCAN_WEAK_CLASSES & (1u << i)) ||
		    p->version == 0)
			continue;
		fprintf(fp, "%s %s%s%s (%s)", n++ ? "," : "", color ? OUT_RED : "",
		    suite_class_name(1u << i), color ? OUT_RESET : "",
		    version_name(p->version));
	}
	if (n == 0)
		fputs(w->tested ? " none accepted" : " not tested", fp);
	fputc('\n', fp);
}

static void
groups_text(FILE *fp, const char *label, const struct scan_groups *g)
{
	int	 i;

	if (g->n == 0)
		return;
	fprintf(fp, "      %s:", label);
	for (i = 0; i < g->n; i++) {
		const struct named_group *ng = group_find(g->codes[i]);

		if (ng != NULL)
			fprintf(fp, " %s", ng->name);
		else
			fprintf(fp, " 0x%04x", g->codes[i]);
		/* Named by a HelloRetryRequest, never by a ServerHello. */
		if (g->hrr_only[i])
			fputs(" (unconfirmed)", fp);
	}
	fputs(g->complete ? "\n" : " (found; not enumerated)\n", fp);
}

static void
extras_line(FILE *fp, const struct scan_result *r)
{
	fprintf(fp, "      secure renegotiation %s, compression %s, "
	    "fallback SCSV %s, OCSP stapling %s, tickets %s, heartbleed %s",
	    scan_tri_name(r->reneg), scan_tri_name(r->compression),
	    scan_tri_name(r->scsv), scan_tri_name(r->ocsp),
	    scan_tri_name(r->ticket), scan_tri_name(r->heartbleed));
	if (r->dh_bits_min > 0)
		fprintf(fp, ", DH %d bits", r->dh_bits_min);
	if (r->dh_bits_anon_min > 0)
		fprintf(fp, ", anonymous DH %d bits", r->dh_bits_anon_min);
	fputc('\n', fp);
}

void
out_text_scan(FILE *fp, const struct scan_result *r, int color)
{
	int	 i;

	if (r == NULL)
		return;
	fprintf(fp, "      TLS inspection: %d connection%s%s%s\n",
	    r->conns_used, r->conns_used == 1 ? "" : "s",
	    r->budget_hit ? ", stopped at the connection cap" : "",
	    r->slow ? ", slow greeting: fewer questions" : "");
	if (r->aborted) {
		fputs("      stopped: ", fp);
		put_safe(fp, r->abort_why);
		fputc('\n', fp);
	}
	versions_line(fp, r, color);
	for (i = SCAN_VERSIONS - 1; i >= 0; i--)
		if (r->v[i].state == SCAN_ACCEPTED)
			suite_list(fp, &r->v[i], color);
	weak_line(fp, r, color);
	groups_text(fp, "TLS 1.3 groups", &r->groups13);
	groups_text(fp, "ECDHE curves", &r->groups12);
	extras_line(fp, r);
	if (r->anomalies > 0) {
		fprintf(fp, "      %d answer%s broke the protocol: ",
		    r->anomalies, r->anomalies == 1 ? "" : "s");
		put_safe(fp, r->anomaly);
		fputc('\n', fp);
	}
}
