/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real daemon for the harnesses that talk to it: cryptoengd's own main()
 * (renamed cryptoengd_main in the fuzz build) on a thread of the fuzzer's
 * process, with the null and ipsecmb backends, no hugepages, its own
 * socket and EAL file prefix. In process, so that libFuzzer's coverage and
 * the sanitizers see the daemon's code too.
 */
#ifndef CE_FUZZ_DAEMON_H
#define CE_FUZZ_DAEMON_H

#include "cryptoeng.h"

/*
 * Start the daemon (once per process) and wait until it answers.
 * @param name  names the run directory (/tmp/ce-fuzz-NAME-PID) and prefix
 * @param engine_keys  lines for the [engine] section (may be NULL)
 * @return its socket path; aborts if the daemon does not come up in 60 s.
 */
const char *fuzz_daemon_start(const char *name, const char *engine_keys);

/* Connect a client to it; aborts on failure. */
struct ce_client *fuzz_daemon_connect(const struct ce_client_opts *o);

/* @return 1 while the daemon's thread runs. */
int fuzz_daemon_alive(void);

#endif /* CE_FUZZ_DAEMON_H */
