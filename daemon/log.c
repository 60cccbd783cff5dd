/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging through rte_log, logtype "cryptoengd": EAL's --log-level
 * (--log-level=cryptoengd:debug) and [eal] log_level set its level, and our
 * lines and DPDK's go to the same place:
 * - stderr (the default): one line each; under systemd (JOURNAL_STREAM set)
 *   each line starts with its syslog priority, "<3>", which journald reads;
 * - syslog (--log syslog): before EAL is up, syslog(3) with facility daemon;
 *   then EAL's own log stream, so that EAL's --syslog FACILITY applies.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <rte_log.h>

#include "cryptoengd.h"

static int log_type = RTE_LOGTYPE_USER1;
static bool log_syslog;
static bool log_journal;
static FILE *log_stream;

RTE_INIT(d_log_register)
{
	int t = rte_log_register_type_and_pick_level("cryptoengd", RTE_LOG_INFO);

	if (t >= 0)
		log_type = t;
}

/* rte_log levels are syslog priorities plus one (RTE_LOG_EMERG is 1). */
static int
log_prio_of_current(void)
{
	int lvl = rte_log_cur_msg_loglevel();

	return lvl >= 1 && lvl <= 8 ? lvl - 1 : LOG_INFO;
}

static ssize_t
log_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	if (log_syslog) {
		syslog(log_prio_of_current(), "%.*s", (int)size, buf);
		return (ssize_t)size;
	}
	if (log_journal)
		fprintf(stderr, "<%d>%.*s", log_prio_of_current(), (int)size, buf);
	else
		fwrite(buf, 1, size, stderr);
	fflush(stderr);
	return (ssize_t)size;
}

void
d_log_init(bool syslog_on)
{
	cookie_io_functions_t io = { .write = log_write };

	log_syslog = syslog_on;
	log_journal = !syslog_on && getenv("JOURNAL_STREAM") != NULL;
	if (syslog_on)
		openlog("cryptoengd", LOG_PID, LOG_DAEMON);
	log_stream = fopencookie(NULL, "w", io);
	if (log_stream != NULL) {
		/* Line-buffered: one write (one journal record) per message. */
		setvbuf(log_stream, NULL, _IOLBF, 0);
		rte_openlog_stream(log_stream);
	}
}

void
d_log_eal_ready(void)
{
	/* EAL's stream writes to syslog with --syslog's facility. */
	if (log_syslog)
		rte_openlog_stream(NULL);
}

int
d_log_set_level(uint32_t level)
{
	return rte_log_set_level(log_type, level);
}

uint32_t
d_log_get_level(void)
{
	int lvl = rte_log_get_level(log_type);

	return lvl > 0 ? (uint32_t)lvl : RTE_LOG_INFO;
}

void
d_log(int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rte_log((uint32_t)prio + 1, (uint32_t)log_type, "cryptoengd: %s\n", msg);
}
