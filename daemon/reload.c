/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIGHUP: what can change under running clients, and only that. The client
 * ACL is read at each new connection (connected clients keep theirs), the
 * log level at each message. Everything else (lcores, backends, limits,
 * the socket) is sized into running state and needs a restart: a change
 * there is logged, not applied.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cryptoengd.h"

static const char *
reload_ids(char *buf, size_t size, const uint32_t *ids, unsigned int nb)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < nb && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%u", i ? "," : "", ids[i]);
	return nb ? buf : "none";
}

void
d_reload(void)
{
	struct d_config *cfg = malloc(sizeof(*cfg));
	char uids[256], gids[256];
	bool restart;

	if (cfg == NULL) {
		d_log(LOG_ERR, "SIGHUP: out of memory; nothing reloaded");
		return;
	}
	if (d_config_load(cryptoengd.cfg.file, cfg) < 0) {
		d_log(LOG_ERR, "SIGHUP: %s has errors (printed above); nothing reloaded", cryptoengd.cfg.file);
		free(cfg);
		return;
	}
	/* The telemetry thread reads the config under the lock. */
	pthread_mutex_lock(&cryptoengd.lock);
	memcpy(cryptoengd.cfg.uids, cfg->uids, sizeof(cfg->uids));
	cryptoengd.cfg.nb_uids = cfg->nb_uids;
	memcpy(cryptoengd.cfg.gids, cfg->gids, sizeof(cfg->gids));
	cryptoengd.cfg.nb_gids = cfg->nb_gids;
	cryptoengd.cfg.log_level = cfg->log_level;
	pthread_mutex_unlock(&cryptoengd.lock);
	d_log_set_level(cfg->log_level);

	/* What would take a restart: compare with the ACL and level put aside. */
	memcpy(cfg->uids, cryptoengd.cfg.uids, sizeof(cfg->uids));
	memcpy(cfg->gids, cryptoengd.cfg.gids, sizeof(cfg->gids));
	snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s", cryptoengd.cfg.socket_path);
	restart = memcmp(cfg, &cryptoengd.cfg, sizeof(*cfg)) != 0;
	d_log(LOG_NOTICE, "SIGHUP: reloaded %s: allow_uids %s, allow_gids %s, log_level %u "
	      "(for new connections)%s", cryptoengd.cfg.file,
	      reload_ids(uids, sizeof(uids), (const uint32_t *)cryptoengd.cfg.uids, cryptoengd.cfg.nb_uids),
	      reload_ids(gids, sizeof(gids), (const uint32_t *)cryptoengd.cfg.gids, cryptoengd.cfg.nb_gids),
	      cryptoengd.cfg.log_level, restart ? "; other keys changed and need a restart" : "");
	d_notify_status("reloaded %s", cryptoengd.cfg.file);
	free(cfg);
}
