/*
 * udpblast: the packet source and sink of bench/datapath.sh.
 *
 *   udpblast send ADDR PORT SECONDS [-s SIZE] [-c CPU]
 *        sends SIZE-byte UDP datagrams (default 64) to ADDR:PORT as fast as
 *        sendmmsg(2) takes them, in batches of 64, for SECONDS; prints
 *        "sent N errors E seconds S". The route to ADDR decides the path
 *        (an encap route through a tunnel device, in the benchmark).
 *   udpblast recv PORT [-c CPU]
 *        counts the datagrams arriving on PORT until SIGTERM or SIGINT,
 *        then prints "received N"; it prints "ready" once bound.
 *
 * -c pins the process to one CPU. Errors of sendmmsg (ENOBUFS when a queue
 * is full, ECONNREFUSED after an ICMP error) are counted, not fatal: the
 * receiver's count is what the benchmark measures.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_SIZE 1472

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: udpblast send ADDR PORT SECONDS [-s SIZE] [-c CPU]\n"
			"       udpblast recv PORT [-c CPU]\n");
	exit(2);
}

static long number(const char *what, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "udpblast: bad %s '%s' (%ld..%ld)\n", what, s, min, max);
		exit(2);
	}
	return v;
}

static int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("udpblast: sched_setaffinity");
		return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const char *addr, int port, double seconds, int size)
{
	static char payload[MAX_SIZE];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long long sent = 0, errors = 0;
	double start, end, t;
	int fd, i, n;

	if (inet_pton(AF_INET, addr, &dst.sin_addr) != 1) {
		fprintf(stderr, "udpblast: bad IPv4 address '%s'\n", addr);
		return 2;
	}
	dst.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		perror("udpblast: socket");
		return 1;
	}
	memset(payload, 0xa5, sizeof(payload));
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	start = now();
	end = start + seconds;
	do {
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
		else
			errors++;
		t = now();
	} while (t < end);
	printf("sent %llu errors %llu seconds %.6f\n", sent, errors, t - start);
	close(fd);
	return 0;
}

static int do_recv(int port)
{
	static char bufs[BATCH][MAX_SIZE + 1];
	struct sockaddr_in any = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sigaction sa;
	unsigned long long received = 0;
	int fd, i, n, rcvbuf = 8 << 20;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: recvmmsg returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	any.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpblast: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&any, sizeof(any))) {
		perror("udpblast: bind");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n > 0) {
			received += n;
		} else if (n < 0 && errno != EINTR) {
			perror("udpblast: recvmmsg");
			return 1;
		}
	}
	printf("received %llu\n", received);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, cpu = -1, size = 64, nargs;
	char **args;

	if (argc < 2)
		usage();
	args = argv + 1;
	/* options after the positional arguments */
	for (nargs = 0; nargs + 1 < argc && args[nargs][0] != '-'; nargs++)
		;
	optind = nargs + 1;
	while ((opt = getopt(argc, argv, "s:c:")) != -1) {
		switch (opt) {
		case 's':
			size = number("size", optarg, 0, MAX_SIZE);
			break;
		case 'c':
			cpu = number("cpu", optarg, 0, CPU_SETSIZE - 1);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (pin(cpu))
		return 1;

	if (!strcmp(args[0], "send") && nargs == 4)
		return do_send(args[1], number("port", args[2], 1, 65535),
			       number("seconds", args[3], 1, 3600), size);
	if (!strcmp(args[0], "recv") && nargs == 2)
		return do_recv(number("port", args[1], 1, 65535));
	usage();
	return 2;
}
