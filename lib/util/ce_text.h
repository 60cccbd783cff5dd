/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small text helpers for the line-oriented files the programs read (the
 * daemon's INI config, crypto-perf's test vector files). Header-only: the
 * daemon and the benchmarks share no library.
 */
#ifndef CE_TEXT_H
#define CE_TEXT_H

#include <ctype.h>
#include <string.h>

/* Strip leading and trailing white space in place. @return the first kept byte. */
static inline char *
ce_text_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

#endif /* CE_TEXT_H */
