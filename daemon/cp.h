/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's private header: what one cp_*.c file needs of
 * another. Everything here runs on the control thread (the main lcore).
 *
 *   cp_dispatch.c  the loop (epoll, signals, stop), client messages, replies
 *   cp_listen.c    the socket, accept, admission, connections before HELLO
 *   cp_client.c    a client's life: made at HELLO, dropped, reaped, freed
 *   cp_qp.c        the client's region (and its DMA mapping), queue pairs
 *   cp_session.c   sessions and their handles
 *   cp_selftest.c  live known-answer re-runs (declared in cryptoengd.h:
 *                  report.c dispatches the JSON request to it)
 */
#ifndef CRYPTOENGD_CP_H
#define CRYPTOENGD_CP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cryptoengd.h"

/* ---- cp_dispatch.c: the request being handled, and its answer ------------ */

/* The message being handled (big: one, in private memory). */
extern struct ce_msg cp_msg;
/* The reason text of the last answer. */
extern char cp_reason[CE_MSG_REASON_MAX];
/* The loop's epoll: listening socket, pending connections, clients. */
extern int cp_epfd;

/* Answer cp_msg with @p status and a reason. @return ce_msg_send_reply()'s. */
int cp_reply(struct d_client *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Answer cp_msg with status 0 and the type's reply body @p u. */
int cp_reply_u(struct d_client *c, const void *u, size_t ulen);
/* An unsolicited reply (seq 0): why the daemon is about to close the connection. */
void cp_notice(struct d_client *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read and handle what client @p c sent; drops it on a hang-up or a bad message. */
void cp_client_io(struct d_client *c, uint32_t events);

/* ---- cp_listen.c: connections before HELLO -------------------------------- */

struct cp_pending;

/* The pending table, the listening socket (in cp_epfd). @return 0 or -errno. */
int cp_listen_start(void);
/* The stop: the socket goes, pending connections are refused. */
void cp_listen_stop(void);
/* At the loop's end: the socket and its file, if still there. */
void cp_listen_close(void);
/* After the loop: the pending connections and their table. */
void cp_listen_teardown(void);
/* Expire HELLO deadlines, resume a paused accept. @return @p timeout (ms, -1:
 * none) shortened to the next of those deadlines. */
int cp_listen_tick(int timeout);
/* @return whether an epoll tag is the listening socket's. */
bool cp_is_listener(const void *tag);
/* The listening socket was readable: accept (unless paused or stopped). */
void cp_listen_accept(void);
/* @return whether an epoll tag is a pending connection's. */
bool cp_is_pending(const void *tag);
/* Read a pending connection: its HELLO makes it a client (or closes it). */
void cp_pending_io(struct cp_pending *p, uint32_t events);

/* ---- cp_client.c ----------------------------------------------------------- */

/* A valid HELLO from @p fd: a client, in no list yet. NULL: out of memory. */
struct d_client *cp_client_new(int fd, pid_t pid, uid_t uid, gid_t gid, const char *name);
/* Link a new client into cryptoengd.clients (counts against max_clients). */
void cp_client_add(struct d_client *c);
/* Free a client unlinked from every list, nothing of it in flight. */
void cp_client_free(struct d_client *c);
/* Close the connection; its queue pairs and sessions go when quiet (cp_reap). */
void cp_client_drop(struct d_client *c);
/* A worker marked a queue pair broken: tell its client why, drop it. */
void cp_broken(void);
/* Free what is no longer used. @return true while something still waits. */
bool cp_reap(void);
/* Workers stopped: every client, queue pair and session goes at once. */
void cp_clients_teardown(void);

/* ---- cp_qp.c ------------------------------------------------------------- */

void cp_region(struct d_client *c);		/* REGION */
void cp_qp_create(struct d_client *c);		/* QP_CREATE */
void cp_qp_destroy(struct d_client *c);		/* QP_DESTROY */
/* Unmap a client's region once nothing can touch it any more. */
void cp_region_unmap(struct d_client *c);
/* Hand a queue pair back: the worker drops it, the reaper frees it. */
void cp_qp_retire(struct d_qp *qp);
/* Free a queue pair (in no list); its counters go to its client's. */
void cp_qp_free(struct d_qp *qp);
/* Free the dying queue pairs the workers are done with. @return true while
 * one still waits. */
bool cp_qp_reap(void);
/* @return whether a queue pair of @p c still waits to be freed. */
bool cp_qp_dying_of(const struct d_client *c);

/* ---- cp_session.c ---------------------------------------------------------- */

void cp_session_create(struct d_client *c);	/* SESSION_CREATE */
void cp_session_asym_create(struct d_client *c);	/* ASYM_SESSION_CREATE */
void cp_session_destroy(struct d_client *c);	/* SESSION_DESTROY */
/* The handle dies now; the backend sessions once no worker can use them. */
void cp_sess_kill(struct d_client *c, struct d_sess *s);
/* Destroy the backend sessions of a slot (they wipe the key). */
void cp_sess_release(struct d_sess *s);
/* Release the killed sessions of @p c no worker can use any more.
 * @return true while one still waits. */
bool cp_sess_reap(struct d_client *c);

#endif /* CRYPTOENGD_CP_H */
