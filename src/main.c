/* mxprobe: test a mail domain's inbound STARTTLS as a sending server meets it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fetch.h"
#include "judge.h"
#include "out.h"
#include "report.h"
#include "run.h"

static int
use_color(const struct options *o)
{
	const char	*nc = getenv("NO_COLOR");

	if (o->color >= 0)
		return o->color;
	if (nc != NULL && *nc != '\0')
		return 0;
	return isatty(STDOUT_FILENO);
}

#define FD_RESERVE	64	/* descriptors besides the connections: the
				   resolver, the policy fetch, stdio */

/*
 * Room for --max-conn sockets: the usual soft limit is 1024 while the hard
 * one is far higher. Where even the hard limit is too low, fewer
 * connections at once rather than failures to connect.
 */
static void
fit_fd_limit(struct options *o)
{
	struct rlimit	 rl;
	rlim_t		 want = (rlim_t)o->max_conn + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
	    want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 && getrlimit(RLIMIT_NOFILE,
	    &rl) == -1)
		return;
	if (rl.rlim_cur < want) {
		o->max_conn = rl.rlim_cur > FD_RESERVE + 8 ?
		    (int)(rl.rlim_cur - FD_RESERVE) : 8;
		if (o->verbose)
			fprintf(stderr, "mxprobe: open file limit %llu: at most "
			    "%d connections at once\n",
			    (unsigned long long)rl.rlim_cur, o->max_conn);
	}
}

/* One line on stderr saying why nothing could be tested (exit status 3). */
static void
why_untested(const struct report *r)
{
	const struct finding	*f = NULL;
	int			 i;

	for (i = 0; i < r->nfindings; i++)
		if (f == NULL || r->findings[i].sev > f->sev)
			f = &r->findings[i];
	if (f == NULL) {
		fprintf(stderr, "mxprobe: nothing to test\n");
		return;
	}
	fprintf(stderr, "mxprobe: could not test: %s", f->id);
	if (f->addr != NULL)
		fprintf(stderr, " (%s)", f->addr);
	fputs(": ", stderr);
	out_text_detail(stderr, f->detail);
	fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	struct options	 o;
	struct report	 rep = { 0 };
	char		 err[256] = "";
	int		 rc;

	signal(SIGPIPE, SIG_IGN);
	if (cli_parse(argc, argv, &o, err, sizeof(err)) == -1) {
		fprintf(stderr, "mxprobe: %s\n", err);
		return 3;
	}
	if (o.help) {
		cli_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("mxprobe %s\n", MXPROBE_VERSION);
		return 0;
	}
	fit_fd_limit(&o);
	/* Before the resolver starts its thread (curl_global_init is not
	 * thread-safe). */
	if (fetch_global_init() == -1) {
		fprintf(stderr, "mxprobe: cannot initialise libcurl\n");
		return 3;
	}
	rc = run_target(&o, &rep, err, sizeof(err));
	fetch_global_cleanup();
	if (rc == -1) {
		fprintf(stderr, "mxprobe: %s\n", err);
		report_free(&rep);
		return 3;
	}
	judge_report(&rep, &o, (long long)time(NULL));
	if (rep.untestable)
		why_untested(&rep);
	if ((o.json ? out_json(stdout, &rep, &o) :
	    out_text(stdout, &rep, &o, use_color(&o))) == -1 ||
	    fflush(stdout) == EOF) {
		fprintf(stderr, "mxprobe: cannot write the report\n");
		rc = 3;
	} else
		rc = rep.exit_code;
	report_free(&rep);
	return rc;
}
