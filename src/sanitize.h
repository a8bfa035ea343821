/* Make server bytes safe for a terminal or for JSON. */
#ifndef MX_SANITIZE_H
#define MX_SANITIZE_H

#include <stddef.h>

struct buf;

/*
 * Terminal form: printable ASCII and printable UTF-8 pass; control bytes,
 * escape sequences, C1 controls, bidi overrides and invalid UTF-8 become
 * visible escapes (\x1b, \u{202e}). Idempotent: text already sanitised
 * (certificate names, finding details) passes unchanged, so a renderer can
 * sanitise everything it prints. A backslash is not escaped: a server can
 * make text that looks like an escape, never one a terminal acts on.
 */
int	sanitize_text(struct buf *, const char *, size_t);
/* Same, into a fresh NUL-terminated string. */
char	*sanitize_text_dup(const char *, size_t);
/* Valid UTF-8 for JSON: invalid sequences become U+FFFD. */
char	*sanitize_utf8_dup(const char *, size_t, size_t *outlen);
/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid. */
size_t	utf8_seq(const unsigned char *, size_t, unsigned long *cp);

#endif
