/* The text renderer: quiet when all is well, specific when it is not. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "out.h"
#include "report.h"
#include "sanitize.h"

struct text {
	FILE			*fp;
	const struct report	*r;
	const struct options	*o;
	int			 color;
};

static const char *
sev_color(const struct text *t, enum severity s)
{
	static const char *const c[] = { OUT_GREEN, OUT_CYAN, OUT_YELLOW,
	    OUT_RED_BOLD };

	return t->color ? c[s] : "";
}

static const char *
reset(const struct text *t)
{
	return t->color ? OUT_RESET : "";
}

/* Server bytes reach the terminal only through here. */
static void
put_safe(const struct text *t, const char *s, size_t len)
{
	char	*safe = sanitize_text_dup(s, len);

	fputs(safe, t->fp);
	free(safe);
}

static void
put_safes(const struct text *t, const char *s)
{
	put_safe(t, s, strlen(s));
}

static int
count_sev(const struct report *r, enum severity s)
{
	int	 i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += r->findings[i].sev == s;
	return n;
}

/* What the MTA-STS policy file said, or why there is none. */
static void
sts_policy_line(const struct text *t)
{
	const struct sts_fetch_fact	*f = &t->r->stsp;
	int				 i;

	if (!f->attempted)
		return;
	if (!f->done || f->curl_code != 0 || f->http_code != 200) {
		fputs("; policy not fetched: ", t->fp);
		if (f->http_code != 0 && f->curl_code == 0)
			fprintf(t->fp, "HTTP %ld", f->http_code);
		else
			put_safes(t, f->error);
		return;
	}
	if (!f->usable) {
		fputs("; policy invalid", t->fp);
		return;
	}
	fprintf(t->fp, "; policy %s, max_age %lld, mx ",
	    sts_mode_name(f->policy.mode), f->policy.max_age);
	for (i = 0; i < f->policy.nmx; i++) {
		if (i > 0)
			fputs(" ", t->fp);
		put_safes(t, f->policy.mx[i]);
	}
}

static void
header(const struct text *t)
{
	const struct report	*r = t->r;
	int			 w = count_sev(r, SEV_WARN);
	int			 f = count_sev(r, SEV_FAIL);
	const char		*v = r->untestable ? "UNTESTED" :
				    r->verdict == SEV_FAIL ? "FAIL" :
				    r->verdict == SEV_WARN ? "WARN" : "OK";

	put_safes(t, t->o->target_arg);
	fprintf(t->fp, " — inbound mail TLS, port %d%s, policy %s   %s%s%s",
	    r->port, t->o->implicit_tls ? " (implicit TLS)" : "", r->policy,
	    sev_color(t, r->untestable ? SEV_WARN : (enum severity)r->verdict),
	    v, reset(t));
	if (f || w)
		fprintf(t->fp, " (%d failure%s, %d warning%s)", f, f == 1 ? "" :
		    "s", w, w == 1 ? "" : "s");
	fputc('\n', t->fp);
	if (r->target.kind == TARGET_DOMAIN && r->mx.done && !r->mx.error)
		fprintf(t->fp, "  MX lookup: %s, DNSSEC %s\n", r->mx.nxdomain ?
		    "NXDOMAIN" : r->null_mx ? "null MX" : r->implicit_mx ?
		    "no MX (implicit MX)" : "ok", dnssec_name(r->mx.sec));
	if (r->sts.dns.done && !r->mx.nxdomain && !r->null_mx) {
		fputs("  policy: MTA-STS ", t->fp);
		if (r->sts.valid)
			fprintf(t->fp, "id=%s", r->sts.id);
		else
			fputs(r->sts.nrecords ? "record invalid" : "none", t->fp);
		sts_policy_line(t);
		fputs(", TLS-RPT ", t->fp);
		if (r->rpt.valid)
			fprintf(t->fp, "%d address%s", r->rpt.nrua,
			    r->rpt.nrua == 1 ? "" : "es");
		else
			fputs(r->rpt.nrecords ? "record invalid" : "none", t->fp);
		fputc('\n', t->fp);
	}
}

/* The ids of warnings and failures one address showed, for its row. */
static void
probe_issues(const struct text *t, const struct probe *p)
{
	int	 i, n = 0;

	for (i = 0; i < t->r->nfindings; i++) {
		const struct finding *f = &t->r->findings[i];

		if (f->probe != p || f->sev < SEV_WARN)
			continue;
		fprintf(t->fp, "%s%s%s%s", n++ ? ", " : "  ",
		    sev_color(t, f->sev), f->id, reset(t));
	}
}

static void
probe_row(const struct text *t, const struct probe *p)
{
	const struct tls_fact	*tls = &p->tls;

	fprintf(t->fp, "    %-16s ", p->addr_text);
	if (tls->ok) {
		fprintf(t->fp, "%s %s %s %s", p->implicit_tls ? "TLS" :
		    "STARTTLS", tls->version, tls->cipher, tls->group);
		if (tls->nchain > 0)
			fprintf(t->fp, "  cert %lld days left",
			    cert_days_left(&tls->chain[0], t->r->started));
		if (p->dane.ok)
			fprintf(t->fp, "  TLSA %d %d %d matched", p->dane.usage,
			    p->dane.selector, p->dane.mtype);
	} else if (tls->attempted)
		fputs("TLS handshake failed", t->fp);
	else if (p->end == END_OK && !(p->ehlo.flags & EXT_STARTTLS))
		fputs("no STARTTLS", t->fp);
	else
		fprintf(t->fp, "%s at %s", end_name(p->end),
		    stage_name(p->stage));
	probe_issues(t, p);
	fprintf(t->fp, "  (%.0f ms)\n", p->total_ms);
}

static void
cert_detail(const struct text *t, const struct cert_info *c, int i)
{
	int	 k;

	fprintf(t->fp, "        [%d] ", i);
	put_safes(t, c->subject);
	fputs("\n            issuer: ", t->fp);
	put_safes(t, c->issuer);
	fprintf(t->fp, "\n            key %s %d%s%s, sig %s, %lld days left\n",
	    c->key_type, c->key_bits, c->key_group[0] ? " " : "", c->key_group,
	    c->sig_alg, cert_days_left(c, t->r->started));
	if (c->nsan > 0) {
		fputs("            names:", t->fp);
		for (k = 0; k < c->nsan && k < 10; k++) {
			fputc(' ', t->fp);
			put_safes(t, c->san[k]);
		}
		if (c->nsan_total > 10)
			fprintf(t->fp, " ... (%d in all)", c->nsan_total);
		fputc('\n', t->fp);
	}
	fprintf(t->fp, "            sha256 %s\n            spki-sha256 %s "
	    "(TLSA 3 1 1)\n", c->sha256, c->spki_sha256);
}

static void
verbose_probe(const struct text *t, const struct probe *p)
{
	const struct tls_fact	*tls = &p->tls;
	int			 i;

	for (i = 0; i < p->nxcript; i++) {
		const struct xcript_line *x = &p->xcript[i];

		fprintf(t->fp, "      %8.1f ms %s ", x->ms, x->dir == 'S' ?
		    "<" : x->dir == 'C' ? ">" : "*");
		put_safe(t, x->data, x->len);
		fputc('\n', t->fp);
	}
	if (p->xcript_dropped)
		fprintf(t->fp, "      (%d more lines not kept)\n",
		    p->xcript_dropped);
	if (p->nscan_log > 0)
		fprintf(t->fp, "      deep inspection, %d connections:\n",
		    p->nscan_log + p->scan_log_dropped);
	for (i = 0; i < p->nscan_log; i++) {
		const struct scan_log *l = &p->scan_log[i];

		fprintf(t->fp, "      %8.1f ms #%-3d ", l->ms, l->id);
		put_safe(t, l->purpose, strlen(l->purpose));
		fputs(": ", t->fp);
		put_safe(t, l->offered, strlen(l->offered));
		fputs(" -> ", t->fp);
		put_safe(t, l->answer, strlen(l->answer));
		fputc('\n', t->fp);
	}
	if (p->scan_log_dropped)
		fprintf(t->fp, "      (%d more connections not listed)\n",
		    p->scan_log_dropped);
	if (p->legacy != LEGACY_UNTESTED)
		fprintf(t->fp, "      a client offering only TLS 1.0/1.1: %s%s\n",
		    p->legacy == LEGACY_ACCEPTED ? "accepted, " :
		    p->legacy == LEGACY_REFUSED ? "refused" : "inconclusive",
		    p->legacy_version);
	if (!tls->ok)
		return;
	fprintf(t->fp, "      handshake: %s %s (IANA %s), kx %s, group %s, "
	    "server key share %s %d bits, signature %s, %.1f ms\n",
	    tls->version, tls->cipher, tls->cipher_iana, tls->kx,
	    tls->group[0] ? tls->group : "-", tls->temp_key[0] ?
	    tls->temp_key : "-", tls->temp_key_bits, tls->peer_sig[0] ?
	    tls->peer_sig : "-", tls->ms);
	fprintf(t->fp, "      verification: %s; chain as sent (%d):\n",
	    tls->nerrors ? tls->verify_error : "ok", tls->nchain_total);
	for (i = 0; i < tls->nchain; i++)
		cert_detail(t, &tls->chain[i], i);
}

/* The other certificates the scan found, one line each. */
static void
alt_rows(const struct text *t, const struct probe *p)
{
	const struct alt_cert	*a;
	int			 i;

	for (i = 0; i < p->nalt; i++) {
		a = &p->alt[i];
		fprintf(t->fp, "      other certificate (%s): ", a->key);
		put_safes(t, a->info.subject);
		fprintf(t->fp, ", %s %d, %lld days left%s%s\n",
		    a->info.key_type, a->info.key_bits,
		    cert_days_left(&a->info, t->r->started),
		    a->name_checked ? (a->name_ok ? ", name ok" :
		    ", name mismatch") : "", a->dane.checked ? (a->dane.ok ?
		    ", TLSA matched" : ", no TLSA match") : "");
	}
}

static void
hosts(const struct text *t)
{
	const struct report	*r = t->r;
	int			 h, k;

	for (h = 0; h < r->nhosts; h++) {
		const struct mx_host *mh = r->hosts[h];

		if (mh->implicit)
			fputs("  implicit MX ", t->fp);
		else if (mh->pref >= 0)
			fprintf(t->fp, "  MX %d ", mh->pref);
		else
			fputs("  host ", t->fp);
		put_safes(t, mh->name);
		if (mh->a.done || mh->aaaa.done)
			fprintf(t->fp, "   DNSSEC A %s, AAAA %s",
			    mh->a.done ? dnssec_name(mh->a.sec) : "-",
			    mh->aaaa.done ? dnssec_name(mh->aaaa.sec) : "-");
		if (mh->tlsa.done && mh->ntlsa > 0)
			fprintf(t->fp, ", TLSA %d record%s %s", mh->ntlsa,
			    mh->ntlsa == 1 ? "" : "s", dnssec_name(mh->tlsa.sec));
		fputc('\n', t->fp);
		for (k = 0; k < mh->nprobes; k++) {
			probe_row(t, mh->probes[k]);
			out_text_scan(t->fp, mh->probes[k]->scan, t->color);
			alt_rows(t, mh->probes[k]);
			if (t->o->verbose)
				verbose_probe(t, mh->probes[k]);
		}
	}
}

/* A block to copy as is: one indented, sanitised line per line. */
static void
paste_block(const struct text *t, const char *text)
{
	const char	*nl;
	char		*line;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		line = sanitize_text_dup(text, nl ? (size_t)(nl - text) :
		    strlen(text));
		fprintf(t->fp, "          %s\n", line);
		free(line);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

static void
findings(const struct text *t)
{
	const struct report	*r = t->r;
	int			 i, shown = 0;
	enum severity		 min = t->o->verbose ? SEV_OK : SEV_INFO;

	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->sev < min)
			continue;
		if (shown++ == 0)
			fputs("\nFindings\n", t->fp);
		fprintf(t->fp, "  %s%-4s%s  %-22s ", sev_color(t, f->sev),
		    severity_name(f->sev), reset(t), f->id);
		if (f->host != NULL) {
			put_safes(t, f->host);
			fputc(' ', t->fp);
		}
		if (f->addr != NULL && (f->host == NULL ||
		    strcmp(f->host, f->addr) != 0))
			fprintf(t->fp, "%s: ", f->addr);
		put_safes(t, f->detail);
		fputc('\n', t->fp);
		if (f->fix != NULL && f->sev >= SEV_INFO)
			fprintf(t->fp, "        fix: %s\n", f->fix);
		if (f->paste != NULL && f->sev >= SEV_INFO)
			paste_block(t, f->paste);
	}
	if (shown == 0)
		fputs("\nNo problems found.\n", t->fp);
}

int
out_text(FILE *fp, const struct report *r, const struct options *o, int color)
{
	struct text	 t = { fp, r, o, color };

	header(&t);
	hosts(&t);
	findings(&t);
	fprintf(fp, "\n%d address%s tested in %.0f ms; exit status %d\n",
	    r->tested, r->tested == 1 ? "" : "es", r->ms, r->exit_code);
	return ferror(fp) ? -1 : 0;
}

void
out_text_detail(FILE *fp, const char *detail)
{
	char	*safe = sanitize_text_dup(detail, strlen(detail));

	fputs(safe, fp);
	free(safe);
}
