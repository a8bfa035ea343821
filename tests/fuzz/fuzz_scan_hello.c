/*
 * libFuzzer target: the reader of server answers (scan_hello.c). The input
 * is what a server sends after our hello; it goes to readers for a few
 * fixed hellos, whole and split at a point derived from the input, and both
 * must agree. The heartbeat reader and hello_close() get it too, and a
 * hello built from the input's first bytes must be well-formed. A
 * HelloRetryRequest in the first part is followed as the engine does: the
 * second hello is built (and must be well-formed), the reader reads on
 * with the rest. The second-hello builder also gets the input as a first
 * hello: it must refuse it or build a well-formed one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_hello.h"
#include "scan_suites.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const uint16_t suites12[] = { 0xc02f, 0xc030, 0x009e, 0x0033,
    0x002f, 0x000a, 0xc011, 0x0005, 0x00ff };
static const uint16_t suites13[] = { 0x1301, 0x1302, 0x1303, 0xc02f,
    0x009e };
static const uint16_t suites_ssl3[] = { 0x0005, 0x0004, 0x000a, 0x002f,
    0x0003 };
static const uint16_t groups13[] = { 29, 23, 24, 256 };
static const uint16_t groups13_all[] = { 0x001d, 0x0017, 0x0018, 0x0019,
    0x001e, 0x11ec, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x001f,
    0x0020, 0x0021 };

static const struct hello_req reqs[] = {
	{ .version = VER_TLS12, .suites = suites12,
	  .nsuites = NELEM(suites12), .flags = HELLO_F_RENEG |
	  HELLO_F_STATUS | HELLO_F_HEARTBEAT | HELLO_F_WANT_CERT |
	  HELLO_F_WANT_SKE },
	{ .version = VER_TLS12, .suites = suites12,
	  .nsuites = NELEM(suites12), .flags = HELLO_F_WANT_CERT |
	  HELLO_F_DEFLATE },
	{ .version = VER_TLS10, .suites = suites12,
	  .nsuites = NELEM(suites12) },
	{ .version = VER_TLS13, .min_version = VER_TLS10, .suites = suites13,
	  .nsuites = NELEM(suites13), .groups = groups13,
	  .ngroups = NELEM(groups13), .flags = HELLO_F_WANT_SKE },
	{ .version = VER_SSL3, .suites = suites_ssl3,
	  .nsuites = NELEM(suites_ssl3), .flags = HELLO_F_WANT_CERT },
	{ .version = VER_SSL2 },
	/* As the planner's TLS 1.3 probes: only 1.3, its groups. */
	{ .version = VER_TLS13, .min_version = VER_TLS13, .suites = suites13,
	  .nsuites = 3, .groups = groups13_all, .ngroups = NELEM(groups13_all),
	  .sni = "mx.example.test" },
};

static int
offered(const uint16_t *s, size_t n, uint16_t code)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] == code)
			return 1;
	return 0;
}

/* What any answer must satisfy, whatever the server sent. */
static void
check_answer(const struct hello_req *q, enum hello_outcome o,
    const struct hello_answer *a)
{
	CHECK(a->outcome == o);
	CHECK(o >= HELLO_NEED_MORE && o <= HELLO_MALFORMED);
	if (o == HELLO_MALFORMED)
		CHECK(a->why != NULL && a->why[0] != '\0');
	else
		CHECK(a->why == NULL);
	CHECK(a->cert_len <= HELLO_CERT_MAX);
	CHECK((a->cert == NULL) == (a->cert_len == 0));
	CHECK(a->ncerts >= 0 && a->nssl2_kinds >= 0 && a->nssl2_kinds <= 64);
	CHECK(a->dh_bits >= 0 && a->dh_bits <= HELLO_HS_MAX * 8);
	if (a->sh_seen || o == HELLO_SERVER_HELLO || o == HELLO_HRR) {
		CHECK(q->version != VER_SSL2);
		CHECK(offered(q->suites, q->nsuites, a->suite));
		CHECK(a->suite != 0x00ff && a->suite != 0x5600);
		CHECK(a->version >= VER_SSL3 && a->version <= VER_TLS13);
		if (q->version != VER_TLS13)
			CHECK(a->version <= q->version);
		else if (q->min_version != 0)
			CHECK(a->version >= q->min_version);
	}
	if (o == HELLO_SERVER_HELLO)
		CHECK(a->sh_seen);
	if (o == HELLO_HRR)
		CHECK(q->version == VER_TLS13 && a->version == VER_TLS13 &&
		    !a->sh_seen);
	CHECK((a->cookie == NULL) == (a->cookie_len == 0));
	if (a->retried) {
		CHECK(q->version == VER_TLS13 && o != HELLO_SSL2);
		CHECK(offered(q->suites, q->nsuites, a->hrr_suite));
		CHECK(a->hrr_group != 0);
	}
	if (o == HELLO_SSL2)
		CHECK(q->version == VER_SSL2 && a->version == VER_SSL2);
	if (a->done_seen)
		CHECK(o == HELLO_SERVER_HELLO);
}

/* Two answers to the same bytes, fed differently, are the same. */
static void
check_same(const struct hello_answer *a, const struct hello_answer *b)
{
	CHECK(a->outcome == b->outcome);
	CHECK(a->why == b->why);
	CHECK(a->version == b->version && a->suite == b->suite);
	CHECK(a->group == b->group && a->dh_bits == b->dh_bits);
	CHECK(a->ncerts == b->ncerts && a->cert_len == b->cert_len);
	CHECK(a->cert_len == 0 || memcmp(a->cert, b->cert, a->cert_len) == 0);
	CHECK(a->nssl2_kinds == b->nssl2_kinds);
	CHECK(a->alert_level == b->alert_level &&
	    a->alert_desc == b->alert_desc);
	CHECK(a->sh_seen == b->sh_seen && a->done_seen == b->done_seen);
}

/* A hello from the input's first bytes: whatever it asks, the result is
 * 0 or one well-framed record. */
static void
fuzz_build(const uint8_t *data, size_t size)
{
	static const uint16_t versions[] = { VER_SSL2, VER_SSL3, VER_TLS10,
	    VER_TLS11, VER_TLS12, VER_TLS13, 0x0305 };
	uint16_t	 suites[64], groups[8];
	uint8_t		 out[HELLO_OUT_MAX];
	struct hello_req q;
	size_t		 i, n, cap;

	if (size < 8)
		return;
	memset(&q, 0, sizeof(q));
	q.version = versions[data[0] % NELEM(versions)];
	q.min_version = data[1] % 3 == 0 ? 0 : versions[data[1] %
	    NELEM(versions)];
	q.flags = data[2] | (unsigned)data[3] << 8;
	q.nsuites = data[4] % NELEM(suites);
	for (i = 0; i < q.nsuites; i++)
		suites[i] = suite_table[data[(5 + i) % size] %
		    suite_count].code;
	q.suites = suites;
	q.ngroups = data[5] % NELEM(groups);
	for (i = 0; i < q.ngroups; i++)
		groups[i] = group_table[data[(6 + i) % size] %
		    group_count].code;
	q.groups = groups;
	q.sni = data[6] & 1 ? "mx.example.test" : NULL;
	cap = data[7] & 1 ? sizeof(out) : data[7] * 4u;
	n = hello_build(&q, out, cap);
	CHECK(n <= cap);
	if (n == 0)
		return;
	if (q.version == VER_SSL2) {
		CHECK(out[0] & 0x80);
		CHECK(((size_t)(out[0] & 0x7f) << 8 | out[1]) == n - 2);
		return;
	}
	CHECK(n > 9 && out[0] == 22 && out[1] == 3 && out[5] == 1);
	CHECK(((size_t)out[3] << 8 | out[4]) == n - 5);
	CHECK(((size_t)out[6] << 16 | (size_t)out[7] << 8 | out[8]) ==
	    n - 9);
}

/*
 * A second hello as hello_build_retry() writes it: maybe the CCS, then one
 * record of one ClientHello whose lengths agree.
 */
static void
check_retry_hello(const uint8_t *out, size_t n, size_t cap)
{
	CHECK(n <= cap);
	if (n == 0)
		return;
	if (out[0] == 20) {
		CHECK(n > 6 && out[1] == 3 && out[2] == 3 && out[3] == 0 &&
		    out[4] == 1 && out[5] == 1);
		out += 6;
		n -= 6;
	}
	CHECK(n > 9 && out[0] == 22 && out[1] == 3 && out[2] == 3 &&
	    out[5] == 1);
	CHECK(((size_t)out[3] << 8 | out[4]) == n - 5 && n - 5 <= 16384);
	CHECK(((size_t)out[6] << 16 | (size_t)out[7] << 8 | out[8]) ==
	    n - 9);
}

/* The input's first part to a TLS 1.3 hello; an HRR is followed. */
static void
fuzz_retry(const struct hello_req *q, const uint8_t *data, size_t size,
    size_t cut)
{
	static uint8_t		 first[HELLO_OUT_MAX], out[HELLO_OUT_MAX];
	struct hello_reader	 r;
	struct hello_answer	 a;
	enum hello_outcome	 o;
	size_t			 n1, n2;

	hello_reader_init(&r, q);
	o = hello_read(&r, data, cut, &a);
	check_answer(q, o, &a);
	if (o == HELLO_HRR) {
		n1 = hello_build(q, first, sizeof(first));
		CHECK(n1 > 0);
		n2 = hello_build_retry(first, n1, a.group, a.cookie,
		    a.cookie_len, out, sizeof(out));
		check_retry_hello(out, n2, sizeof(out));
		CHECK(n2 > 0 || !hello_can_retry(a.group) ||
		    a.cookie_len > 8000);
		if (n2 > 0) {
			o = hello_reader_retry(&r, &a);
			check_answer(q, o, &a);
			CHECK(a.retried);
		}
	}
	o = hello_read(&r, data + cut, size - cut, &a);
	check_answer(q, o, &a);
	o = hello_close(&r, &a);
	check_answer(q, o, &a);
	CHECK(o != HELLO_NEED_MORE);
	hello_reader_free(&r);
}

/* The input as a first hello to hello_build_retry(). */
static void
fuzz_retry_build(const uint8_t *data, size_t size)
{
	static uint8_t	 out[HELLO_OUT_MAX];
	uint16_t	 g;
	size_t		 n, cap, cl;

	if (size < 4)
		return;
	g = (uint16_t)(data[0] << 8 | data[1]);
	cl = data[2] % 16;
	cap = data[3] & 1 ? sizeof(out) : data[3] * 64u;
	n = hello_build_retry(data + 4, size - 4, g, cl > 0 ? data : NULL,
	    cl > size ? size : cl, out, cap);
	check_retry_hello(out, n, cap);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hello_reader	 r1, r2;
	struct hello_answer	 a1, a2;
	enum hello_outcome	 o1, o2;
	enum hello_hb		 hb;
	size_t			 i, cut, echoed;

	cut = size > 0 ? (size_t)data[size - 1] * size / 256 : 0;
	for (i = 0; i < NELEM(reqs); i++) {
		hello_reader_init(&r1, &reqs[i]);
		hello_reader_init(&r2, &reqs[i]);
		o1 = hello_read(&r1, data, size, &a1);
		check_answer(&reqs[i], o1, &a1);
		o2 = hello_read(&r2, data, cut, &a2);
		check_answer(&reqs[i], o2, &a2);
		o2 = hello_read(&r2, data + cut, size - cut, &a2);
		check_answer(&reqs[i], o2, &a2);
		check_same(&a1, &a2);
		CHECK(r1.total <= HELLO_IN_MAX);

		if (o1 == HELLO_NEED_MORE) {
			o1 = hello_close(&r1, &a1);
			CHECK(o1 == HELLO_CLOSED || o1 == HELLO_SERVER_HELLO);
			CHECK((o1 == HELLO_SERVER_HELLO) == a1.sh_seen);
			check_answer(&reqs[i], o1, &a1);
			o2 = hello_close(&r2, &a2);
			check_same(&a1, &a2);
		} else {
			/* Final stays final. */
			CHECK(hello_close(&r1, &a2) == o1);
			check_same(&a1, &a2);
		}

		/* The same bytes as the answer to a heartbeat probe. */
		hb = hello_heartbeat_read(&r1, data, size, &echoed);
		CHECK(hb == HELLO_HB_NEED_MORE || hb == HELLO_HB_VULNERABLE ||
		    hb == HELLO_HB_NOT_VULNERABLE);
		CHECK(hb == HELLO_HB_VULNERABLE ? echoed > 3 : echoed <= 3);
		hello_reader_free(&r1);
		hello_reader_free(&r2);
	}
	fuzz_retry(&reqs[3], data, size, cut);
	fuzz_retry(&reqs[6], data, size, cut);
	fuzz_build(data, size);
	fuzz_retry_build(data, size);
	return 0;
}
