/*
 * The judge: pure functions from facts to findings. All judgement lives
 * here, table-driven; nothing here does I/O.
 */
#ifndef MX_JUDGE_H
#define MX_JUDGE_H

struct options;
struct report;

struct finding_def {
	const char	*id;
	const char	*title;		/* one line: what it means */
	const char	*fix;		/* one or two sentences */
};

/* Judge every fact of the report at time now (epoch seconds). */
void	judge_report(struct report *, const struct options *, long long now);
/* The table of every finding id, NULL-terminated; for docs and tests. */
const struct finding_def *judge_defs(void);
const struct finding_def *judge_def(const char *id);

#endif
