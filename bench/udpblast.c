/*
 * udpblast: the packet source and sink of bench/datapath.sh.
 *
 *   udpblast send SECONDS TARGET... [-s SIZE] [-m SLICE_MS] [-w WARMUP_MS] [-c CPU]
 *        TARGET is NETNS,ADDR,PORT,DEV: a UDP socket made in the network
 *        namespace NETNS (a name under /run/netns, or "." for our own),
 *        connected to ADDR:PORT. Sends SIZE-byte datagrams (default 64) as
 *        fast as sendmmsg(2) takes them, in batches of 64, for SECONDS per
 *        target: with several targets, in turns of SLICE_MS (default 100)
 *        each, round robin, so that whatever else the machine does falls on
 *        every target alike. First, WARMUP_MS (default 200) to each target
 *        in turn, marked in the first payload byte, which sinks do not
 *        count: routes, neighbours and freshly loaded code settle there.
 *        Prints per target:
 *          "target I sent N errors E usec U tx_before B tx_after A"
 *        where U is the time spent sending to it and B, A are the transmit
 *        packet counters of its device DEV (/proc/net/dev of NETNS).
 *   udpblast recv SINK... [-c CPU]
 *        SINK is NETNS,PORT,DEV: counts the datagrams arriving on PORT in
 *        NETNS until SIGTERM or SIGINT, but for warm-up ones. Prints "ready" once every socket is
 *        bound, then at the end per sink:
 *          "sink I received N rx_before B rx_after A rcvbuf_errors R"
 *        with DEV's receive packet counters and the growth of the
 *        namespace's UDP RcvbufErrors (/proc/net/snmp) from the first
 *        counted datagram: what arrived but found the buffer full.
 *
 * -c pins the process to one CPU. Errors of sendmmsg (ENOBUFS when a queue
 * is full, ECONNREFUSED after an ICMP error) are counted, not fatal: the
 * sink's count is what the benchmark measures.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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
#define MAX_ENDS 8
#define WARMUP 0x57		/* first payload byte of a warm-up datagram */

struct end {
	char *netns, *addr, *dev;
	int port, nsfd, fd;
	unsigned long long count, errors, usec, before, after;
	unsigned long long rcvbuf_before, rcvbuf_after;
	int started;		/* sink: the first counted datagram came */
};

static volatile sig_atomic_t stop;
static int self_ns = -1;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: udpblast send SECONDS NETNS,ADDR,PORT,DEV... [-s SIZE] [-m SLICE_MS] [-w WARMUP_MS] [-c CPU]\n"
		"       udpblast recv NETNS,PORT,DEV... [-c CPU]\n");
	exit(2);
}

static void __attribute__((noreturn)) fail(const char *what)
{
	fprintf(stderr, "udpblast: %s: %s\n", what, strerror(errno));
	exit(1);
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Enter END's namespace (or ours back with NULL). */
static void enter(const struct end *e)
{
	int fd = e ? e->nsfd : self_ns;

	if (fd >= 0 && setns(fd, CLONE_NEWNET))
		fail("setns");
}

/* Split "a,b,c" into N fields, in place. */
static void split(char *s, char **f, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		f[i] = s;
		s = strchr(s, ',');
		if (!s && i + 1 < n)
			usage();
		if (s)
			*s++ = 0;
	}
	if (s)
		usage();
}

static void open_ns(struct end *e)
{
	char path[256];

	e->nsfd = -1;
	if (!strcmp(e->netns, "."))
		return;
	snprintf(path, sizeof(path), "/run/netns/%s", e->netns);
	e->nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (e->nsfd < 0)
		fail(path);
}

/* Packet counter of DEV in the current namespace: receive or transmit. */
static unsigned long long dev_packets(const char *dev, int tx)
{
	unsigned long long v[16];
	char line[512], name[64];
	FILE *f = fopen("/proc/self/net/dev", "r");

	if (!f)
		fail("/proc/self/net/dev");
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || sscanf(line, " %63[^:]", name) != 1 || strcmp(name, dev))
			continue;
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9]) != 10)
			break;
		fclose(f);
		return tx ? v[9] : v[1];
	}
	fclose(f);
	fprintf(stderr, "udpblast: no device %s in /proc/net/dev\n", dev);
	exit(1);
}

/* UDP RcvbufErrors of the current namespace. */
static unsigned long long rcvbuf_errors(void)
{
	char head[1024], vals[1024], *hs, *vs, *h, *v;
	FILE *f = fopen("/proc/self/net/snmp", "r");

	if (!f)
		fail("/proc/self/net/snmp");
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(head, "Udp:", 4))
			continue;
		h = strtok_r(head, " \n", &hs);
		v = strtok_r(vals, " \n", &vs);
		while (h && v) {
			if (!strcmp(h, "RcvbufErrors")) {
				fclose(f);
				return strtoull(v, NULL, 10);
			}
			h = strtok_r(NULL, " \n", &hs);
			v = strtok_r(NULL, " \n", &vs);
		}
	}
	fclose(f);
	return 0;
}

/* Send to E until T_END; returns the datagrams sent. */
static unsigned long long blast(struct end *e, struct mmsghdr *msgs,
				double t_end, double *t)
{
	unsigned long long count = 0;
	int r;

	do {
		r = sendmmsg(e->fd, msgs, BATCH, 0);
		if (r > 0)
			count += r;
		else
			e->errors++;
		*t = now();
	} while (*t < t_end);
	return count;
}

static int do_send(double seconds, struct end *ends, int n, int size,
		   double slice, double warmup)
{
	static char payload[MAX_SIZE];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	double left[MAX_ENDS], t0, t;
	int i, k, active;

	for (i = 0; i < n; i++) {
		struct sockaddr_in dst = { .sin_family = AF_INET };
		struct end *e = &ends[i];

		if (inet_pton(AF_INET, e->addr, &dst.sin_addr) != 1) {
			fprintf(stderr, "udpblast: bad IPv4 address '%s'\n", e->addr);
			return 2;
		}
		dst.sin_port = htons(e->port);
		enter(e);
		e->fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (e->fd < 0 || connect(e->fd, (struct sockaddr *)&dst, sizeof(dst)))
			fail("socket");
		left[i] = seconds;
	}

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = size ? size : 1;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	memset(payload, WARMUP, sizeof(payload));
	for (i = 0; i < n; i++) {
		blast(&ends[i], msgs, now() + warmup, &t);
		ends[i].errors = 0;
	}
	/* let the sinks drain the warm-up before anything counts */
	usleep(100000);
	memset(payload, 0xa5, sizeof(payload));
	for (i = 0; i < n; i++) {
		enter(&ends[i]);
		ends[i].before = dev_packets(ends[i].dev, 1);
	}
	enter(NULL);

	do {
		active = 0;
		for (i = 0; i < n; i++) {
			struct end *e = &ends[i];

			if (left[i] <= 0)
				continue;
			active = 1;
			t0 = now();
			e->count += blast(e, msgs, t0 + (left[i] < slice ? left[i] : slice), &t);
			left[i] -= t - t0;
			e->usec += (unsigned long long)((t - t0) * 1e6);
		}
	} while (active);

	for (k = 0; k < n; k++) {
		enter(&ends[k]);
		ends[k].after = dev_packets(ends[k].dev, 1);
		printf("target %d sent %llu errors %llu usec %llu tx_before %llu tx_after %llu\n",
		       k, ends[k].count, ends[k].errors, ends[k].usec,
		       ends[k].before, ends[k].after);
	}
	return 0;
}

/*
 * Count a batch of R datagrams on sink E. Drops for a full buffer count
 * from the first datagram past the warm-up: the sender pauses after it,
 * so the warm-up's drops are all behind.
 */
static void count(struct end *e, char (*bufs)[MAX_SIZE + 1], int r)
{
	int j;

	for (j = 0; j < r; j++) {
		if (bufs[j][0] == WARMUP)
			continue;
		if (!e->started) {
			e->started = 1;
			enter(e);
			e->rcvbuf_before = rcvbuf_errors();
			enter(NULL);
		}
		e->count++;
	}
}

static int do_recv(struct end *ends, int n)
{
	static char bufs[BATCH][MAX_SIZE + 1];
	struct pollfd pfd[MAX_ENDS];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sigaction sa;
	int i, r, rcvbuf = 8 << 20;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	for (i = 0; i < n; i++) {
		struct sockaddr_in any = { .sin_family = AF_INET };
		struct end *e = &ends[i];

		any.sin_port = htons(e->port);
		enter(e);
		e->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (e->fd < 0)
			fail("socket");
		if (setsockopt(e->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
			setsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		if (bind(e->fd, (struct sockaddr *)&any, sizeof(any)))
			fail("bind");
		e->before = dev_packets(e->dev, 0);
		e->rcvbuf_before = rcvbuf_errors();
		pfd[i].fd = e->fd;
		pfd[i].events = POLLIN;
	}
	enter(NULL);
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
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail("poll");
		}
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			while ((r = recvmmsg(pfd[i].fd, msgs, BATCH, 0, NULL)) > 0)
				count(&ends[i], bufs, r);
		}
	}
	for (i = 0; i < n; i++) {
		struct end *e = &ends[i];

		while ((r = recvmmsg(e->fd, msgs, BATCH, 0, NULL)) > 0)
			count(e, bufs, r);
		enter(e);
		e->after = dev_packets(e->dev, 0);
		e->rcvbuf_after = e->started ? rcvbuf_errors() : e->rcvbuf_before;
		printf("sink %d received %llu rx_before %llu rx_after %llu rcvbuf_errors %llu\n",
		       i, e->count, e->before, e->after,
		       e->rcvbuf_after - e->rcvbuf_before);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int opt, cpu = -1, size = 64, slice_ms = 100, warmup_ms = 200, nargs, n, i, send;
	struct end ends[MAX_ENDS];
	double seconds = 0;
	char *f[4];
	char **args;

	if (argc < 3)
		usage();
	args = argv + 1;
	/* options after the positional arguments */
	for (nargs = 0; nargs + 1 < argc && args[nargs][0] != '-'; nargs++)
		;
	optind = nargs + 1;
	while ((opt = getopt(argc, argv, "s:m:w:c:")) != -1) {
		switch (opt) {
		case 's':
			size = number("size", optarg, 1, MAX_SIZE);
			break;
		case 'm':
			slice_ms = number("slice", optarg, 1, 60000);
			break;
		case 'w':
			warmup_ms = number("warm-up", optarg, 0, 60000);
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
	send = !strcmp(args[0], "send");
	if (!send && strcmp(args[0], "recv"))
		usage();
	if (send)
		seconds = number("seconds", args[1], 1, 3600);
	n = nargs - 1 - send;
	if (n < 1 || n > MAX_ENDS)
		usage();

	memset(ends, 0, sizeof(ends));
	for (i = 0; i < n; i++) {
		struct end *e = &ends[i];

		split(args[1 + send + i], f, send ? 4 : 3);
		e->netns = f[0];
		if (send) {
			e->addr = f[1];
			e->port = number("port", f[2], 1, 65535);
			e->dev = f[3];
		} else {
			e->port = number("port", f[1], 1, 65535);
			e->dev = f[2];
		}
		open_ns(e);
	}
	self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self_ns < 0)
		fail("/proc/self/ns/net");

	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			fail("sched_setaffinity");
	}
	if (send)
		return do_send(seconds, ends, n, size, slice_ms / 1000.0,
			       warmup_ms / 1000.0);
	return do_recv(ends, n);
}
