/* libFuzzer: MTA-STS/TLS-RPT TXT records and MTA-STS policies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtasts.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	struct sts_txt	 t;
	struct tlsrpt	 r;
	struct sts_policy p;
	struct buf	 b;
	char		 err[128];
	int		 i;

	if (sts_txt_parse(s, size, &t, err, sizeof(err)) == 0 &&
	    (strlen(t.id) == 0 || strlen(t.id) > STS_ID_MAX))
		abort();
	tlsrpt_parse(s, size, &r, err, sizeof(err));
	buf_init(&b, 1 << 20);
	if (sts_policy_parse(s, size, &p, &b) == 0 &&
	    p.mode != STS_MODE_NONE && p.nmx == 0)
		abort();
	for (i = 0; i < p.nmx; i++)
		sts_mx_match(p.mx[i], "mx.example.test");
	sts_policy_free(&p);
	buf_free(&b);
	return 0;
}
