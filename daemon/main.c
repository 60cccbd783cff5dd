/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengd: command line, logging, EAL start, backends, engines and
 * workers, then the control loop; shutdown drains every engine.
 *
 * Exit codes: 0 clean stop, 1 runtime failure, 2 usage or configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_version.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "cryptoengd.h"

#define MAIN_EAL_MAX_ARGS	128

#ifndef D_DEFAULT_CONFIG
#define D_DEFAULT_CONFIG	"/etc/cryptoeng/cryptoengd.ini"
#endif

struct d_daemon cryptoengd;

static void
main_usage(FILE *f)
{
	fprintf(f,
		"usage: cryptoengd [--config FILE] [--socket PATH] [--foreground]\n"
		"                  [--log stderr|syslog] [-- EAL ARGS...]\n"
		"  --config FILE   INI configuration (default %s)\n"
		"  --socket PATH   control socket (else $%s, else the config's [socket] path)\n"
		"  --foreground    do not daemonize\n"
		"  --log WHERE     stderr (default) or syslog\n"
		"  --version       print the version and exit\n"
		"See cryptoengd(8) and cryptoengd.ini(5).\n",
		D_DEFAULT_CONFIG, "CRYPTOENG_SOCKET");
}

/* A whole-number value from a /proc file line "Key: N". */
static long
main_meminfo(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static bool
main_hugetlbfs_mounted(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/mounts", "r");

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char dev[128], dir[256], type[64];

		if (sscanf(line, "%127s %255s %63s", dev, dir, type) == 3 &&
		    strcmp(type, "hugetlbfs") == 0)
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * Decided before rte_eal_init: EAL starts only once per process.
 * @return 1 to run on hugepages, 0 for --no-huge -m 256, -ENOMEM when
 * hugepages = required and none are free (or hugetlbfs is not mounted).
 */
static int
main_use_hugepages(const struct d_config *cfg)
{
	long total = main_meminfo("HugePages_Total"), free_pages = main_meminfo("HugePages_Free");
	bool mounted = main_hugetlbfs_mounted();

	if (cfg->hugepages == 0) {
		d_log(LOG_INFO, "hugepages = no: running with --no-huge -m 256");
		return 0;
	}
	if (total > 0 && free_pages > 0 && mounted) {
		d_log(LOG_INFO, "using hugepages (%ld free of %ld)", free_pages, total);
		return 1;
	}
	if (cfg->hugepages == 1) {
		/* A device DMAs from this memory: refuse here, with the reason,
		 * rather than let EAL fail obscurely or run on --no-huge. */
		d_log(LOG_ERR, "[eal] hugepages = required in %s, but %s (HugePages_Total %ld, "
		      "HugePages_Free %ld): reserve them at boot (vm.nr_hugepages or "
		      "default_hugepagesz=2M hugepages=N) or set hugepages = auto",
		      cfg->file, !mounted ? "no hugetlbfs is mounted" : "no hugepages are free",
		      total < 0 ? 0 : total, free_pages < 0 ? 0 : free_pages);
		return -ENOMEM;
	}
	d_log(LOG_NOTICE, "no free hugepages (or no hugetlbfs mount): running with --no-huge -m 256");
	return 0;
}

/*
 * Start EAL with [eal]'s lcores, file_prefix, args and hugepages choice.
 * @return 0; -ENOMEM: hugepages = required and none free (logged);
 * -EINVAL: rte_eal_init failed (reason in rte_errno).
 */
static int
main_eal_init(const struct d_config *cfg, int extra_argc, char **extra_argv)
{
	static char args_copy[D_VALUE_MAX];
	static char prefix[D_NAME_MAX + 16];
	char *argv[MAIN_EAL_MAX_ARGS];
	char *tok, *save = NULL;
	bool user_mem = false;
	int argc = 0;

	argv[argc++] = "cryptoengd";
	argv[argc++] = "-l";
	argv[argc++] = (char *)(uintptr_t)cfg->lcores;
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", cfg->file_prefix);
	argv[argc++] = prefix;
	snprintf(args_copy, sizeof(args_copy), "%s", cfg->eal_args);
	for (tok = strtok_r(args_copy, " \t", &save); tok != NULL && argc < MAIN_EAL_MAX_ARGS - 8;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	for (int i = 0; i < extra_argc && argc < MAIN_EAL_MAX_ARGS - 8; i++)
		argv[argc++] = extra_argv[i];
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--no-huge") == 0 || strcmp(argv[i], "--in-memory") == 0 ||
		    strcmp(argv[i], "-m") == 0 || strncmp(argv[i], "--socket-mem", 12) == 0)
			user_mem = true;
	/* required is checked even when args size the memory (-m, --socket-mem). */
	if (!user_mem || cfg->hugepages == 1) {
		int huge = main_use_hugepages(cfg);

		if (huge < 0)
			return huge;
		if (huge == 0 && !user_mem) {
			argv[argc++] = "--no-huge";
			argv[argc++] = "-m";
			argv[argc++] = "256";
		}
	}
	argv[argc] = NULL;
	return rte_eal_init(argc, argv) < 0 ? -EINVAL : 0;
}

static int
main_setup_backends(void)
{
	ce_registry_set_selftest_timeout((uint64_t)cryptoengd.cfg.selftest_timeout_ms * 1000000);
	for (unsigned int i = 0; i < cryptoengd.cfg.nb_pmds; i++) {
		const struct d_pmd_cfg *pc = &cryptoengd.cfg.pmds[i];
		struct ce_pmd_dev_config dc = {
			/* One per worker, and one past them that no engine owns:
			 * the control thread's live self-tests (d_selftest_qp()). */
			.nb_qps = (uint16_t)(cryptoengd.nb_workers + 1),
			.socket_id = (int)rte_socket_id(),
			.args = pc->args,
		};
		struct ce_pmd_dev *dev;
		int failed;

		dev = ce_pmd_dev_create(pc->driver, pc->name, &dc);
		if (dev == NULL && dc.nb_qps > 1) {
			/* A device with no queue pair to spare (a QAT VF has few)
			 * still serves; only its live self-tests are not possible. */
			d_log(LOG_WARNING, "[pmd.%s]: no queue pair to spare for live self-tests "
			      "(%s); cryptoengctl selftest will leave it out", pc->name,
			      strerror(errno));
			dc.nb_qps--;
			dev = ce_pmd_dev_create(pc->driver, pc->name, &dc);
		}
		if (dev == NULL) {
			d_log(LOG_ERR, "%s: [pmd.%s]: cannot create a %s device: %s", cryptoengd.cfg.file,
			      pc->name, pc->driver, strerror(errno));
			return -errno;
		}
		cryptoengd.devs[cryptoengd.nb_devs].dev = dev;
		cryptoengd.devs[cryptoengd.nb_devs++].cfg = pc;
		/* Self-tests drive queue pair 0 synchronously: before any engine runs. */
		failed = ce_registry_add_dev(dev);
		if (failed < 0)
			return failed;
		if (failed > 0)
			d_log(LOG_WARNING, "[pmd.%s]: %d implementation(s) failed their self-test "
			      "and will not be used", pc->name, failed);
	}
	for (const struct ce_registry_entry *e = ce_registry_next(NULL); e != NULL;
	     e = ce_registry_next(e))
		cryptoengd.nb_algs++;
	cryptoengd.algs = calloc(cryptoengd.nb_algs ? cryptoengd.nb_algs : 1, sizeof(*cryptoengd.algs));
	if (cryptoengd.algs == NULL)
		return -ENOMEM;
	cryptoengd.nb_algs = 0;
	for (const struct ce_registry_entry *e = ce_registry_next(NULL); e != NULL;
	     e = ce_registry_next(e))
		cryptoengd.algs[cryptoengd.nb_algs++] = e;
	return 0;
}

static int
main_setup_workers(void)
{
	unsigned int lcore;
	size_t sz;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct d_worker *w;

		if (cryptoengd.nb_workers == D_MAX_WORKERS)
			break;
		w = rte_zmalloc_socket("d_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
				       (int)rte_lcore_to_socket_id(lcore));
		if (w == NULL)
			return -ENOMEM;
		w->idx = cryptoengd.nb_workers;
		w->lcore = lcore;
		w->wake_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		cryptoengd.workers[cryptoengd.nb_workers++] = w;
		if (w->wake_efd < 0 || w->epfd < 0)
			return -errno;
		{
			struct epoll_event ev = { .events = EPOLLIN, .data.fd = w->wake_efd };

			if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wake_efd, &ev) < 0)
				return -errno;
		}
	}
	/* Before any worker runs: they ring it when a client breaks a ring. */
	cryptoengd.cp_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (cryptoengd.cp_efd < 0)
		return -errno;
	if (cryptoengd.nb_workers == 0) {
		d_log(LOG_ERR, "%s: [eal] lcores = \"%s\" gives no worker lcore (need the main "
		      "lcore and at least one more)", cryptoengd.cfg.file, cryptoengd.cfg.lcores);
		return -EINVAL;
	}
	sz = rte_rcu_qsbr_get_memsize(cryptoengd.nb_workers);
	cryptoengd.qsbr = rte_zmalloc("d_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (cryptoengd.qsbr == NULL || rte_rcu_qsbr_init(cryptoengd.qsbr, cryptoengd.nb_workers) != 0)
		return -ENOMEM;
	return 0;
}

static int
main_setup_engines(void)
{
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++) {
		struct d_worker *w = cryptoengd.workers[i];
		char name[32], rname[32];
		struct ce_engine_params ep = {
			.name = name,
			.lcore = w->lcore,
			.socket_id = (int)rte_lcore_to_socket_id(w->lcore),
			.retry_support = cryptoengd.cfg.retry,
			.queue_size = cryptoengd.cfg.queue_size,
			.backlog_size = cryptoengd.cfg.backlog_size,
			.batch_size = (uint16_t)cryptoengd.cfg.batch_size,
			.idle_ns = (uint64_t)cryptoengd.cfg.idle_us * 1000,
		};
		int ret;

		snprintf(name, sizeof(name), "w%u", w->lcore);
		w->e = ce_engine_create(&ep);
		if (w->e == NULL) {
			d_log(LOG_ERR, "engine on lcore %u: %s", w->lcore, strerror(errno));
			return -errno;
		}
		for (unsigned int j = 0; j < cryptoengd.nb_devs; j++) {
			ret = d_worker_attach_qp(w, cryptoengd.devs[j].dev->qps[i]);
			if (ret < 0) {
				d_log(LOG_ERR, "engine on lcore %u: attach %s: %s", w->lcore,
				      cryptoengd.devs[j].dev->name, strerror(-ret));
				return ret;
			}
		}
		snprintf(rname, sizeof(rname), "dcmd%u", w->lcore);
		w->cmd = rte_ring_create(rname, 1024, (int)rte_lcore_to_socket_id(w->lcore),
					 RING_F_SC_DEQ);
		if (w->cmd == NULL)
			return -ENOMEM;
		w->alg_stats = rte_zmalloc("d_alg_stats",
					   sizeof(*w->alg_stats) * (cryptoengd.nb_algs + 1),
					   RTE_CACHE_LINE_SIZE);
		if (w->alg_stats == NULL)
			return -ENOMEM;
		ret = ce_engine_start(w->e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Engines first (they hold device queue pairs), then devices. */
static void
main_teardown(void)
{
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++) {
		struct d_worker *w = cryptoengd.workers[i];

		ce_engine_destroy(w->e);
		rte_ring_free(w->cmd);
		rte_free(w->alg_stats);
		if (w->wake_efd >= 0)
			close(w->wake_efd);
		if (w->epfd >= 0)
			close(w->epfd);
		rte_free(w);
	}
	cryptoengd.nb_workers = 0;
	for (unsigned int i = 0; i < cryptoengd.nb_devs; i++) {
		ce_registry_remove_dev(cryptoengd.devs[i].dev);
		ce_pmd_dev_destroy(cryptoengd.devs[i].dev);
	}
	cryptoengd.nb_devs = 0;
	free(cryptoengd.algs);
	cryptoengd.algs = NULL;
	rte_free(cryptoengd.qsbr);
	cryptoengd.qsbr = NULL;
	if (cryptoengd.cp_efd >= 0)
		close(cryptoengd.cp_efd);
	cryptoengd.cp_efd = -1;
}

static int
main_socket_dir(const char *path)
{
	char copy[sizeof(cryptoengd.cfg.socket_path)], *dir, *p;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	/* mkdir -p, 0755: clients need to traverse it. */
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *sock = NULL, *env;
	bool foreground = false, use_syslog = false;
	int opt, ret, rc = 1;

	while ((opt = getopt_long(argc, argv, "+c:s:fl:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'l':
			if (strcmp(optarg, "syslog") == 0) {
				use_syslog = true;
			} else if (strcmp(optarg, "stderr") != 0) {
				fprintf(stderr, "cryptoengd: --log: stderr or syslog\n");
				return 2;
			}
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case 'V':
			printf("cryptoengd %s (%s)\n", CRYPTOENG_VERSION, rte_version());
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (config == NULL)
		config = D_DEFAULT_CONFIG;
	/* getopt stopped at "--" (or the first non-option): the rest is EAL's. */
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0) {
		fprintf(stderr, "cryptoengd: unexpected argument \"%s\" (EAL args go after --)\n",
			argv[optind]);
		return 2;
	}

	ret = d_config_load(config, &cryptoengd.cfg);
	if (ret < 0)
		return 2;
	env = getenv("CRYPTOENG_SOCKET");
	if (sock == NULL && env != NULL && *env != '\0')
		sock = env;
	if (sock != NULL) {
		if (strlen(sock) >= sizeof(cryptoengd.cfg.socket_path)) {
			fprintf(stderr, "cryptoengd: socket path too long: %s\n", sock);
			return 2;
		}
		snprintf(cryptoengd.cfg.socket_path, sizeof(cryptoengd.cfg.socket_path), "%s", sock);
	}

	d_log_init(use_syslog);
	d_log_set_level(cryptoengd.cfg.log_level);
	/* The parent stays until the socket listens (or the child fails). */
	if (!foreground && (ret = d_daemonize(use_syslog)) < 0) {
		d_log(LOG_ERR, "daemonize: %s", strerror(-ret));
		return 1;
	}
	/* Before EAL makes its threads, so that they inherit the mask: the
	 * control thread takes SIGTERM/SIGINT/SIGHUP through a signalfd. */
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGHUP);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		signal(SIGPIPE, SIG_IGN);
	}
	pthread_mutex_init(&cryptoengd.lock, NULL);
	cryptoengd.cp_efd = -1;
	TAILQ_INIT(&cryptoengd.clients);
	TAILQ_INIT(&cryptoengd.dying);

	ret = main_eal_init(&cryptoengd.cfg, argc - optind, argv + optind);
	if (ret == -EINVAL)
		d_log(LOG_ERR, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	if (ret < 0)
		return 1;
	d_log_eal_ready();
	cryptoengd.start_tsc = rte_get_tsc_cycles();
	d_log(LOG_INFO, "cryptoengd %s (%s), config %s", CRYPTOENG_VERSION, rte_version(),
	      cryptoengd.cfg.file);
	ret = main_setup_workers();
	if (ret == 0)
		ret = main_setup_backends();
	if (ret == 0)
		ret = main_setup_engines();
	if (ret == 0)
		ret = main_socket_dir(cryptoengd.cfg.socket_path);
	if (ret < 0) {
		d_log(LOG_ERR, "setup failed: %s", strerror(-ret));
		goto out;
	}
	d_report_telemetry_register();

	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++) {
		ret = rte_eal_remote_launch(d_worker_main, cryptoengd.workers[i], cryptoengd.workers[i]->lcore);
		if (ret < 0) {
			d_log(LOG_ERR, "cannot launch worker on lcore %u", cryptoengd.workers[i]->lcore);
			goto out;
		}
	}
	d_log(LOG_INFO, "%u worker lcore(s), %u backend(s), %u algorithm implementation(s)",
	      cryptoengd.nb_workers, cryptoengd.nb_devs, cryptoengd.nb_algs);

	ret = cp_run();
	rc = ret < 0 ? 1 : 0;
	d_notify_stopping();

	/* Drain: each worker stops its engine itself (it is the engine's poller). */
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++) {
		__atomic_store_n(&cryptoengd.workers[i]->stop, 1, __ATOMIC_RELEASE);
		d_worker_cmd(cryptoengd.workers[i], D_CMD_WAKE, NULL);
	}
	rte_eal_mp_wait_lcore();
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++)
		if (cryptoengd.workers[i]->stop_result == -ETIMEDOUT)
			d_log(LOG_WARNING, "engine on lcore %u: stop deadline passed, requests "
			      "completed with -ESHUTDOWN", cryptoengd.workers[i]->lcore);
	cp_teardown();
	d_log(LOG_INFO, "stopped");
out:
	main_teardown();
	rte_eal_cleanup();
	return rc;
}
