/* Unit tests: connection slots per server and per run (gate.c). */
#include <stdio.h>

#include "unit.h"

#include "gate.h"

static int	freed_calls;

static void
count_freed(void *arg)
{
	(void)arg;
	freed_calls++;
}

/* Two MX names on one address share its allowance. */
static void
test_gate_per_server(void **state)
{
	struct gate	*g = gate_new(2, 100, count_freed, NULL);

	(void)state;
	freed_calls = 0;
	assert_true(gate_take(g, "192.0.2.1", 25));
	assert_true(gate_take(g, "192.0.2.1", 25));
	assert_false(gate_can(g, "192.0.2.1", 25));
	assert_false(gate_take(g, "192.0.2.1", 25));
	/* Another port or address is another server. */
	assert_true(gate_take(g, "192.0.2.1", 587));
	assert_true(gate_take(g, "2001:db8::1", 25));
	assert_int_equal(gate_used(g, "192.0.2.1", 25), 2);
	assert_int_equal(gate_used(g, "192.0.2.9", 25), 0);
	assert_int_equal(gate_used_total(g), 4);
	gate_give(g, "192.0.2.1", 25);
	assert_int_equal(freed_calls, 1);
	assert_true(gate_can(g, "192.0.2.1", 25));
	assert_true(gate_take(g, "192.0.2.1", 25));
	assert_int_equal(gate_peak(g), 4);
	gate_free(g);
}

/* The run's ceiling holds across servers; giving back reopens it. */
static void
test_gate_total(void **state)
{
	struct gate	*g = gate_new(4, 3, NULL, NULL);
	char		 a[32];
	int		 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "127.0.0.%d", i + 1);
		assert_true(gate_take(g, a, 25));
	}
	assert_false(gate_take(g, "127.0.0.9", 25));
	assert_false(gate_can(g, "127.0.0.1", 25));
	gate_give(g, "127.0.0.2", 25);
	assert_true(gate_take(g, "127.0.0.9", 25));
	assert_int_equal(gate_used_total(g), 3);
	assert_int_equal(gate_peak(g), 3);
	gate_free(g);
}

/* Giving back what was never taken changes nothing; many servers grow
 * the table; silly limits become 1. */
static void
test_gate_edges(void **state)
{
	struct gate	*g = gate_new(0, 0, count_freed, NULL);
	char		 a[32];
	int		 i;

	(void)state;
	freed_calls = 0;
	gate_give(g, "198.51.100.1", 25);
	assert_int_equal(freed_calls, 0);
	assert_int_equal(gate_used_total(g), 0);
	assert_true(gate_take(g, "198.51.100.1", 25));
	assert_false(gate_take(g, "198.51.100.2", 25));
	gate_give(g, "198.51.100.1", 25);
	gate_give(g, "198.51.100.1", 25);
	assert_int_equal(freed_calls, 1);
	assert_int_equal(gate_used_total(g), 0);
	gate_free(g);

	g = gate_new(1, 1000, NULL, NULL);
	for (i = 0; i < 700; i++) {
		snprintf(a, sizeof(a), "10.0.%d.%d", i / 256, i % 256);
		assert_true(gate_take(g, a, 25));
	}
	assert_int_equal(gate_used_total(g), 700);
	assert_false(gate_take(g, "10.0.1.5", 25));
	assert_int_equal(gate_used(g, "10.0.2.187", 25), 1);
	gate_free(g);
	gate_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_per_server),
		cmocka_unit_test(test_gate_total),
		cmocka_unit_test(test_gate_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
