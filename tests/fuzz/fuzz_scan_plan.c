/*
 * libFuzzer target: the scan planner (scan_plan.c) driven by hostile
 * servers. The input is a sequence of answers, each a 2-byte length and
 * that many bytes (a length of 0xffff means "the connection failed", the
 * next byte says how); every probe the planner hands out gets the next
 * answer through the real reader (a HelloRetryRequest is followed by the
 * second hello, the rest of the answer read after it). Whatever the
 * answers, the planner must finish within its connection cap and give a
 * well-formed result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_hello.h"
#include "scan_plan.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The next answer of the input: 1 data, 0 a failure, -1 input used up. */
static int
next_answer(const uint8_t **d, size_t *n, const uint8_t **ans, size_t *len,
    int *why)
{
	size_t	 l;

	if (*n < 2)
		return -1;
	l = (size_t)(*d)[0] << 8 | (*d)[1];
	*d += 2;
	*n -= 2;
	if (l == 0xffff) {
		*why = *n > 0 ? (*d)[0] % 6 : 0;
		if (*n > 0) {
			(*d)++;
			(*n)--;
		}
		return 0;
	}
	if (l > *n)
		l = *n;
	*ans = *d;
	*len = l;
	*d += l;
	*n -= l;
	return 1;
}

/*
 * One probe: build its hello, read the answer in two parts, follow a
 * HelloRetryRequest as the engine does (SCAN_DO_RETRY), feed the planner.
 */
static void
answer(struct scan *s, const struct scan_probe *p, const uint8_t *a,
    size_t len)
{
	static uint8_t		 out[HELLO_OUT_MAX], second[HELLO_OUT_MAX];
	struct hello_reader	 r;
	struct hello_answer	 ans;
	enum hello_outcome	 o = HELLO_NEED_MORE;
	size_t			 half = len / 2, n, k;

	if ((n = hello_build(&p->req, out, sizeof(out))) == 0) {
		CHECK(scan_fail(s, p->id, SCAN_FAIL_BUILD) == 0);
		return;
	}
	hello_reader_init(&r, &p->req);
	for (k = 0; k < 2 && o == HELLO_NEED_MORE; k++) {
		o = k == 0 ? hello_read(&r, a, half, &ans) :
		    hello_read(&r, a + half, len - half, &ans);
		if (o == HELLO_HRR && !ans.retried &&
		    (p->does & SCAN_DO_RETRY) && hello_build_retry(out, n,
		    ans.group, ans.cookie, ans.cookie_len, second,
		    sizeof(second)) > 0)
			o = hello_reader_retry(&r, &ans);
	}
	if (o == HELLO_NEED_MORE)
		hello_close(&r, &ans);
	CHECK(scan_feed(s, p->id, &ans) == 0);
	hello_reader_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_opts	 o;
	struct scan_probe	 p;
	struct scan		*s;
	struct scan_result	*res;
	const uint8_t		*a = NULL;
	size_t			 len = 0;
	int			 why = 0, k, steps = 0;

	memset(&o, 0, sizeof(o));
	o.full = size > 0 && (data[0] & 1);
	o.slow = size > 0 && (data[0] & 2);
	o.parallel = 1;
	o.sni = "mx.example.test";
	if (size > 0) {
		data++;
		size--;
	}
	CHECK((s = scan_new(&o)) != NULL);
	while (scan_next(s, &p) == SCAN_PROBE) {
		CHECK(++steps <= SCAN_CAP_FULL + 8);
		k = next_answer(&data, &size, &a, &len, &why);
		if (k == -1) {
			scan_stop(s, "input used up");
			break;
		}
		if (k == 0)
			CHECK(scan_fail(s, p.id, (enum scan_fail)why) == 0);
		else
			answer(s, &p, a, len);
	}
	res = scan_result_take(s);
	CHECK(res != NULL);
	CHECK(res->conns_used <= res->cap);
	for (k = 0; k < SCAN_VERSIONS; k++)
		CHECK(res->v[k].nsuites >= 0 &&
		    res->v[k].nsuites <= SCAN_SUITES_KEPT);
	CHECK(res->groups13.n >= 0 && res->groups13.n <= SCAN_GROUPS_KEPT);
	for (k = 0; k < res->groups13.n; k++)
		CHECK(res->groups13.hrr_only[k] <= 1);
	scan_result_free(res);
	scan_free(s);
	return 0;
}
