/*
 * runstat: run a command, report its wall time and peak memory.
 *
 *   runstat [-o FILE [-a]] [--] CMD ARGS...
 *
 * CMD inherits stdin, stdout and stderr.  When it ends, one line goes to
 * FILE (truncated first, or appended to with -a) or to stderr:
 *
 *   runstat: wall=SECONDS maxrss_kb=KB exit=STATUS
 *
 * wall is CLOCK_MONOTONIC from just before fork() to wait4()'s return,
 * maxrss_kb the child's ru_maxrss (the largest resident set of CMD itself,
 * in KiB; not of its own children, which wait4() does not report), STATUS
 * the shell's convention: the exit code, or 128+N after signal N.  runstat
 * exits with STATUS too; 127 if CMD cannot be run, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: runstat [-o FILE [-a]] [--] CMD ARGS...\n");
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	int append = 0, opt, status, code;
	FILE *out = stderr;
	struct rusage ru;
	double t0, t1;
	pid_t pid;

	/* '+': options end at CMD, whose own options are its business. */
	while ((opt = getopt(argc, argv, "+o:a")) != -1) {
		if (opt == 'o')
			out_path = optarg;
		else if (opt == 'a')
			append = 1;
		else
			usage();
	}
	if (optind >= argc)
		usage();

	/* Opened before the run, so a bad path fails before any work is done;
	 * close-on-exec, so CMD does not inherit it. */
	if (out_path) {
		out = fopen(out_path, append ? "ae" : "we");
		if (!out) {
			fprintf(stderr, "runstat: %s: %s\n", out_path, strerror(errno));
			return 2;
		}
	}

	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "runstat: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}

	/* Like time(1): a ^C or ^\ is for CMD; we stay to report how it ended. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);

	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runstat: wait4");
			return 2;
		}
	}
	t1 = now();

	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(out, "runstat: wall=%.3f maxrss_kb=%ld exit=%d\n", t1 - t0, ru.ru_maxrss, code);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "runstat: %s: %s\n", out_path, strerror(errno));
		return 2;
	}
	return code;
}
