/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration: INI through rte_cfgfile, after our own pre-scan of the file.
 *
 * rte_cfgfile silently skips lines without '=', truncates values at 255
 * characters and keeps no line numbers. The pre-scan refuses all of that
 * with file:line, remembers the line of every key, and refuses unknown
 * sections and keys (typo safety). Values are then read back from
 * rte_cfgfile and checked, errors again naming file:line and key.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "ce_text.h"
#include "cryptoengd.h"

#define CFG_MAX_KEYS	256

enum cfg_kind { CFG_STR, CFG_U32, CFG_BOOL, CFG_UIDS, CFG_GIDS, CFG_MODE, CFG_HUGE, CFG_LOGLEVEL };

struct cfg_key {
	const char *section;		/* "pmd." matches every [pmd.<name>] */
	const char *key;
	enum cfg_kind kind;
	uint32_t min, max;		/* CFG_U32 */
	size_t off;			/* into struct d_config; pmd keys: into d_pmd_cfg */
	size_t size;			/* CFG_STR buffer */
};

#define S(sec, k, field) { sec, k, CFG_STR, 0, 0, offsetof(struct d_config, field), \
			   sizeof(((struct d_config *)0)->field) }
#define U(sec, k, field, lo, hi) { sec, k, CFG_U32, lo, hi, offsetof(struct d_config, field), 0 }
#define K(sec, k, kind, field) { sec, k, kind, 0, 0, offsetof(struct d_config, field), 0 }
#define P(k, field) { "pmd.", k, CFG_STR, 0, 0, offsetof(struct d_pmd_cfg, field), \
		      sizeof(((struct d_pmd_cfg *)0)->field) }

static const struct cfg_key cfg_keys[] = {
	S("eal", "lcores", lcores),
	S("eal", "args", eal_args),
	S("eal", "file_prefix", file_prefix),
	K("eal", "hugepages", CFG_HUGE, hugepages),
	K("eal", "log_level", CFG_LOGLEVEL, log_level),
	U("engine", "queue_size", queue_size, 1, 1u << 20),
	U("engine", "backlog_size", backlog_size, 1, 1u << 20),
	U("engine", "batch_size", batch_size, 0, CE_ENGINE_MAX_BATCH),
	U("engine", "burst", burst, 1, D_BURST_MAX),
	U("engine", "window", window, 1, 65536),
	U("engine", "asym_window", asym_window, 1, 65536),
	U("engine", "idle_us", idle_us, 0, 10000000),
	U("engine", "sleep_min_us", sleep_min_us, 1, 60000000),
	U("engine", "sleep_max_us", sleep_max_us, 1, 60000000),
	K("engine", "idle_sleep", CFG_BOOL, idle_sleep),
	K("engine", "direct", CFG_BOOL, direct),
	U("engine", "stop_timeout_ms", stop_timeout_ms, 0, 3600000),
	U("engine", "selftest_timeout_ms", selftest_timeout_ms, 1, 3600000),
	K("engine", "retry", CFG_BOOL, retry),
	K("clients", "allow_uids", CFG_UIDS, uids),
	K("clients", "allow_gids", CFG_GIDS, gids),
	U("clients", "max_clients", max_clients, 1, 4096),
	U("clients", "max_pending", max_pending, 1, 4096),
	U("clients", "max_pending_per_uid", max_pending_per_uid, 1, 4096),
	U("clients", "max_conns_per_uid", max_conns_per_uid, 0, 65536),
	U("clients", "hello_timeout_ms", hello_timeout_ms, 10, 60000),
	U("clients", "max_qps", max_qps, 1, 64),
	U("clients", "max_sessions", max_sessions, 1, 65535),
	U("clients", "max_region_mb", max_region_mb, 1, 1u << 20),
	U("clients", "credits", credits, 1, CE_RING_MAX_ENTRIES),
	S("socket", "path", socket_path),
	K("socket", "mode", CFG_MODE, socket_mode),
	P("driver", driver),
	P("args", args),
};

/* Where the pre-scan saw each key. */
struct cfg_seen {
	char section[D_NAME_MAX];
	char key[D_NAME_MAX];
	unsigned int line;
};

struct cfg_scan {
	const char *file;
	struct cfg_seen keys[CFG_MAX_KEYS];
	unsigned int nb_keys;
	char sections[D_MAX_PMDS + 8][D_NAME_MAX];
	unsigned int sec_line[D_MAX_PMDS + 8];
	unsigned int nb_sections;
};

static const char *const cfg_sections[] = { "eal", "engine", "clients", "socket" };

static void
cfg_defaults(struct d_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->lcores, sizeof(cfg->lcores), "0,1");
	snprintf(cfg->file_prefix, sizeof(cfg->file_prefix), "cryptoeng");
	cfg->hugepages = -1;
	cfg->log_level = 7;		/* RTE_LOG_INFO */
	cfg->queue_size = 1024;
	cfg->backlog_size = 256;
	cfg->batch_size = 32;
	cfg->burst = 32;
	cfg->window = 64;
	cfg->asym_window = 64;
	cfg->idle_us = 200;
	cfg->sleep_min_us = 1;
	cfg->sleep_max_us = 100000;
	cfg->idle_sleep = true;
	cfg->direct = true;
	cfg->stop_timeout_ms = 5000;
	cfg->selftest_timeout_ms = 10000;
	cfg->retry = true;
	cfg->max_clients = 64;
	cfg->max_pending = 32;
	cfg->max_pending_per_uid = 8;
	cfg->max_conns_per_uid = 0;
	cfg->hello_timeout_ms = 1000;
	cfg->max_qps = 16;
	cfg->max_sessions = 1024;
	cfg->max_region_mb = 256;
	cfg->credits = 256;
	snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s", "/run/cryptoeng/cryptoeng.sock");
	cfg->socket_mode = 0666;
}

static bool
cfg_known_section(const char *sec)
{
	for (size_t i = 0; i < sizeof(cfg_sections) / sizeof(cfg_sections[0]); i++)
		if (strcmp(sec, cfg_sections[i]) == 0)
			return true;
	return strncmp(sec, "pmd.", 4) == 0 && sec[4] != '\0';
}

static const struct cfg_key *
cfg_find_key(const char *sec, const char *key)
{
	bool pmd = strncmp(sec, "pmd.", 4) == 0;

	for (size_t i = 0; i < sizeof(cfg_keys) / sizeof(cfg_keys[0]); i++) {
		const struct cfg_key *k = &cfg_keys[i];

		if (strcmp(k->key, key) != 0)
			continue;
		if (pmd ? strcmp(k->section, "pmd.") == 0 : strcmp(k->section, sec) == 0)
			return k;
	}
	return NULL;
}

#define CFG_ERR(file, line, ...) do { \
	fprintf(stderr, "%s:%u: ", (file), (line)); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
} while (0)

/* Pre-scan: the syntax rte_cfgfile would silently accept or mangle. */
static int
cfg_prescan(const char *file, struct cfg_scan *sc)
{
	char buf[4096], sec[D_NAME_MAX] = "";
	unsigned int line = 0;
	int errs = 0;
	FILE *f;

	f = fopen(file, "r");
	if (f == NULL) {
		int err = errno;

		fprintf(stderr, "%s: cannot open: %s\n", file, strerror(err));
		return -err;
	}
	sc->file = file;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		char *s, *eq, *key, *val, *semi;
		size_t n = strlen(buf);

		line++;
		if (n == sizeof(buf) - 1 && buf[n - 1] != '\n') {
			CFG_ERR(file, line, "line too long");
			errs++;
			break;
		}
		/* rte_cfgfile cuts every line at ';': so do we. */
		semi = strchr(buf, ';');
		if (semi != NULL)
			*semi = '\0';
		s = ce_text_trim(buf);
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (end == NULL || end[1] != '\0') {
				CFG_ERR(file, line, "malformed section header");
				errs++;
				continue;
			}
			*end = '\0';
			s = ce_text_trim(s + 1);
			if (*s == '\0' || strlen(s) >= D_NAME_MAX) {
				CFG_ERR(file, line, "section name empty or too long");
				errs++;
				continue;
			}
			if (!cfg_known_section(s)) {
				CFG_ERR(file, line, "unknown section [%s]", s);
				errs++;
			}
			for (unsigned int i = 0; i < sc->nb_sections; i++)
				if (strcmp(sc->sections[i], s) == 0) {
					CFG_ERR(file, line, "section [%s] given twice (first at line %u)",
						s, sc->sec_line[i]);
					errs++;
				}
			if (sc->nb_sections == sizeof(sc->sections) / sizeof(sc->sections[0])) {
				CFG_ERR(file, line, "too many sections");
				errs++;
			} else {
				snprintf(sc->sections[sc->nb_sections], D_NAME_MAX, "%s", s);
				sc->sec_line[sc->nb_sections++] = line;
			}
			snprintf(sec, sizeof(sec), "%s", s);
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			CFG_ERR(file, line, "expected key = value, got \"%s\"", s);
			errs++;
			continue;
		}
		*eq = '\0';
		key = ce_text_trim(s);
		val = ce_text_trim(eq + 1);
		if (sec[0] == '\0') {
			CFG_ERR(file, line, "%s: key outside any section", key);
			errs++;
			continue;
		}
		if (*key == '\0' || strlen(key) >= D_NAME_MAX) {
			CFG_ERR(file, line, "key empty or too long");
			errs++;
			continue;
		}
		if (strlen(val) >= D_VALUE_MAX) {
			CFG_ERR(file, line, "%s: value longer than %d characters", key,
				D_VALUE_MAX - 1);
			errs++;
			continue;
		}
		if (cfg_known_section(sec) && cfg_find_key(sec, key) == NULL) {
			CFG_ERR(file, line, "%s: unknown key in [%s]", key, sec);
			errs++;
			continue;
		}
		for (unsigned int i = 0; i < sc->nb_keys; i++)
			if (strcmp(sc->keys[i].section, sec) == 0 &&
			    strcmp(sc->keys[i].key, key) == 0) {
				CFG_ERR(file, line, "%s: given twice in [%s] (first at line %u)",
					key, sec, sc->keys[i].line);
				errs++;
			}
		if (sc->nb_keys == CFG_MAX_KEYS) {
			CFG_ERR(file, line, "too many keys");
			errs++;
			continue;
		}
		snprintf(sc->keys[sc->nb_keys].section, D_NAME_MAX, "%s", sec);
		snprintf(sc->keys[sc->nb_keys].key, D_NAME_MAX, "%s", key);
		sc->keys[sc->nb_keys++].line = line;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", file);
		errs++;
	}
	fclose(f);
	return errs ? -EINVAL : 0;
}

static unsigned int
cfg_line_of(const struct cfg_scan *sc, const char *sec, const char *key)
{
	for (unsigned int i = 0; i < sc->nb_keys; i++)
		if (strcmp(sc->keys[i].section, sec) == 0 && strcmp(sc->keys[i].key, key) == 0)
			return sc->keys[i].line;
	return 0;
}

static int
cfg_parse_u32(const char *val, uint32_t lo, uint32_t hi, uint32_t *out, int base)
{
	unsigned long long v;
	char *end;

	if (*val == '\0' || *val == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(val, &end, base);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* A comma/space separated list of numbers or names. */
static int
cfg_parse_ids(const char *val, bool gids, uint32_t *ids, unsigned int *nb, const char **why)
{
	char copy[D_VALUE_MAX], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", val);
	*nb = 0;
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL; tok = strtok_r(NULL, ", \t", &save)) {
		uint32_t id;

		if (*nb == D_MAX_ACL) {
			*why = "too many ids";
			return -EINVAL;
		}
		if (cfg_parse_u32(tok, 0, UINT32_MAX - 1, &id, 10) < 0) {
			if (gids) {
				struct group *g = getgrnam(tok);

				if (g == NULL) {
					*why = "unknown group";
					return -EINVAL;
				}
				id = g->gr_gid;
			} else {
				struct passwd *p = getpwnam(tok);

				if (p == NULL) {
					*why = "unknown user";
					return -EINVAL;
				}
				id = p->pw_uid;
			}
		}
		ids[(*nb)++] = id;
	}
	return 0;
}

static int
cfg_apply(const struct cfg_scan *sc, const char *sec, const struct cfg_key *k,
	  const char *val, void *base)
{
	unsigned int line = cfg_line_of(sc, sec, k->key);
	uint8_t *p = (uint8_t *)base + k->off;
	const char *why = NULL;
	char unq[D_VALUE_MAX];
	size_t n = strlen(val);
	uint32_t u;

	/* "quoted" values: the quotes are not part of the value. */
	if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
		snprintf(unq, sizeof(unq), "%.*s", (int)(n - 2), val + 1);
		val = unq;
	}
	switch (k->kind) {
	case CFG_STR:
		if (strlen(val) >= k->size) {
			why = "value too long";
			break;
		}
		snprintf((char *)p, k->size, "%s", val);
		return 0;
	case CFG_U32:
		if (cfg_parse_u32(val, k->min, k->max, (uint32_t *)p, 0) == 0)
			return 0;
		CFG_ERR(sc->file, line, "%s: \"%s\" is not an integer in [%u, %u]", k->key, val,
			k->min, k->max);
		return -EINVAL;
	case CFG_MODE:
		if (cfg_parse_u32(val, 0, 0777, &u, 8) == 0) {
			*(uint32_t *)p = u;
			return 0;
		}
		why = "not an octal mode";
		break;
	case CFG_BOOL:
		if (strcmp(val, "yes") == 0 || strcmp(val, "true") == 0 || strcmp(val, "1") == 0) {
			*(bool *)p = true;
			return 0;
		}
		if (strcmp(val, "no") == 0 || strcmp(val, "false") == 0 || strcmp(val, "0") == 0) {
			*(bool *)p = false;
			return 0;
		}
		why = "expected yes or no";
		break;
	case CFG_HUGE:
		if (strcmp(val, "auto") == 0)
			*(int *)p = -1;
		else if (strcmp(val, "required") == 0 || strcmp(val, "yes") == 0)
			*(int *)p = 1;
		else if (strcmp(val, "no") == 0)
			*(int *)p = 0;
		else
			why = "expected auto, required (or yes) or no";
		if (why == NULL)
			return 0;
		break;
	case CFG_LOGLEVEL: {
		/* rte_log's levels: syslog's priorities plus one. */
		static const char *const names[] = { "emerg", "alert", "crit", "err", "warning",
						     "notice", "info", "debug" };

		for (uint32_t i = 0; i < 8; i++)
			if (strcmp(val, names[i]) == 0) {
				*(uint32_t *)p = i + 1;
				return 0;
			}
		why = "expected emerg, alert, crit, err, warning, notice, info or debug";
		break;
	}
	case CFG_UIDS:
	case CFG_GIDS: {
		struct d_config *cfg = base;
		bool g = k->kind == CFG_GIDS;

		if (cfg_parse_ids(val, g, g ? (uint32_t *)cfg->gids : (uint32_t *)cfg->uids,
				  g ? &cfg->nb_gids : &cfg->nb_uids, &why) == 0)
			return 0;
		break;
	}
	}
	CFG_ERR(sc->file, line, "%s: \"%s\": %s", k->key, val, why);
	return -EINVAL;
}

int
d_config_load(const char *file, struct d_config *cfg)
{
	struct cfg_scan *sc;
	struct rte_cfgfile *cf;
	int errs = 0, ret;

	cfg_defaults(cfg);
	snprintf(cfg->file, sizeof(cfg->file), "%s", file);
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return -ENOMEM;
	ret = cfg_prescan(file, sc);
	if (ret < 0)
		goto out;
	cf = rte_cfgfile_load(file, CFG_FLAG_EMPTY_VALUES);
	if (cf == NULL) {
		fprintf(stderr, "%s: rte_cfgfile could not parse it\n", file);
		ret = -EINVAL;
		goto out;
	}
	for (unsigned int i = 0; i < sc->nb_sections; i++) {
		const char *sec = sc->sections[i];
		bool pmd = strncmp(sec, "pmd.", 4) == 0;
		struct d_pmd_cfg *pc = NULL;

		if (pmd) {
			if (cfg->nb_pmds == D_MAX_PMDS || strlen(sec + 4) >= 32) {
				CFG_ERR(file, sc->sec_line[i], "[%s]: too many backends or name too long",
					sec);
				errs++;
				continue;
			}
			pc = &cfg->pmds[cfg->nb_pmds++];
			snprintf(pc->name, sizeof(pc->name), "%s", sec + 4);
		}
		for (size_t j = 0; j < sizeof(cfg_keys) / sizeof(cfg_keys[0]); j++) {
			const struct cfg_key *k = &cfg_keys[j];
			const char *val;

			if (pmd ? strcmp(k->section, "pmd.") != 0 : strcmp(k->section, sec) != 0)
				continue;
			val = rte_cfgfile_get_entry(cf, sec, k->key);
			if (val == NULL)
				continue;
			if (cfg_apply(sc, sec, k, val, pmd ? (void *)pc : (void *)cfg) < 0)
				errs++;
		}
		if (pmd && pc->driver[0] == '\0') {
			CFG_ERR(file, sc->sec_line[i], "[%s]: driver: missing", sec);
			errs++;
		} else if (pmd && ce_pmd_driver_find(pc->driver) == NULL) {
			CFG_ERR(file, cfg_line_of(sc, sec, "driver"),
				"driver: unknown backend \"%s\" in [%s]", pc->driver, sec);
			errs++;
		}
	}
	rte_cfgfile_close(cf);
	if (errs == 0 && cfg->nb_pmds == 0) {
		fprintf(stderr, "%s: no [pmd.<name>] section: nothing to serve with\n", file);
		errs++;
	}
	if (errs == 0 && cfg->lcores[0] == '\0') {
		CFG_ERR(file, cfg_line_of(sc, "eal", "lcores"), "lcores: empty");
		errs++;
	}
	if (errs == 0 && cfg->sleep_min_us > cfg->sleep_max_us) {
		CFG_ERR(file, cfg_line_of(sc, "engine", "sleep_min_us"),
			"sleep_min_us: %u is above sleep_max_us (%u)", cfg->sleep_min_us,
			cfg->sleep_max_us);
		errs++;
	}
	ret = errs ? -EINVAL : 0;
out:
	free(sc);
	return ret;
}
