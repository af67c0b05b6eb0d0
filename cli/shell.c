// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl shell: a readline prompt for the same command lines as the
 * command line takes, on one netlink socket kept open between them.  Lines
 * are split as the shell splits them (lib/line_split.c, as batch mode);
 * completion asks cli_complete_words, as bash's completion does through
 * `tunnelctl __complete`.  Besides the commands: json on|off, help,
 * exit, quit; Ctrl-D leaves too.  History is kept in
 * $XDG_STATE_HOME/tunnelctl/history (~/.local/state/... by default).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "../lib/line_split.h"
#include "cli.h"

#define HISTORY_MAX 1000

/* Readline's callbacks take no argument: the shell's state is here. */
static struct cli *shell_cli;
static volatile sig_atomic_t got_sigint;

/* Completion -------------------------------------------------------------- */

struct cands {
	char **v;
	size_t n, cap, next;
	bool files;
};

static void add_cand(const char *word, void *arg)
{
	struct cands *c = arg;
	char **v;

	if (!strcmp(word, CLI_COMPLETE_FILES)) {
		c->files = true;
		return;
	}
	if (c->n == c->cap) {
		v = realloc(c->v, (c->cap ? 2 * c->cap : 32) * sizeof(*v));
		if (!v)
			return;
		c->v = v;
		c->cap = c->cap ? 2 * c->cap : 32;
	}
	c->v[c->n] = strdup(word);
	if (c->v[c->n])
		c->n++;
}

static void free_cands(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static struct cands current;

static char *next_cand(const char *text, int state)
{
	(void)text;	/* every candidate already starts with it */
	if (!state)
		current.next = 0;
	return current.next < current.n ? strdup(current.v[current.next++]) : NULL;
}

/* The shell's own words, where a command may start, and json's values. */
static void shell_words(size_t nwords, char **words, const char *text, struct cands *c)
{
	static const char *const own[] = { "json", "exit", "quit", NULL };
	static const char *const onoff[] = { "on", "off", NULL };
	const char *const *list = nwords == 0 ? own :
				  nwords == 1 && !strcmp(words[0], "json") ? onoff : NULL;

	for (size_t i = 0; list && list[i]; i++)
		if (!strncmp(list[i], text, strlen(text)))
			add_cand(list[i], c);
}

static char **complete(const char *text, int start, int end)
{
	struct tctl_words w = { 0 };
	struct tctl_err err;
	char *head = strndup(rl_line_buffer, (size_t)start);
	char **argv = NULL, **matches = NULL;

	(void)end;
	rl_attempted_completion_over = 1;
	if (!head || tctl_line_split(head, &w, &err))
		goto out;
	argv = calloc(w.n + 2, sizeof(*argv));
	if (!argv)
		goto out;
	memcpy(argv, w.v, w.n * sizeof(*argv));
	argv[w.n] = (char *)text;
	shell_words(w.n, w.v, text, &current);
	if (!(w.n == 1 && !strcmp(w.v[0], "json")))
		cli_complete_words(shell_cli, (int)w.n + 1, argv, add_cand, &current);
	if (current.files && !current.n)
		rl_attempted_completion_over = 0;	/* readline completes file names */
	else if (current.n)
		matches = rl_completion_matches(text, next_cand);
out:
	free_cands(&current);
	free(argv);
	tctl_words_free(&w);
	free(head);
	return matches;
}

/* History ------------------------------------------------------------------ */

/* mkdir -p of path's directories, each new one 0700. */
static int make_dirs(const char *path)
{
	char dir[4096];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	for (size_t i = 1; i < len; i++) {
		if (path[i] != '/')
			continue;
		memcpy(dir, path, i);
		dir[i] = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/* $XDG_STATE_HOME/tunnelctl/history, or ~/.local/state/...; NULL: none. */
static char *history_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *path = NULL;

	/* The XDG spec: a relative path is invalid and is ignored. */
	if (xdg && xdg[0] == '/') {
		if (asprintf(&path, "%s/tunnelctl/history", xdg) < 0)
			path = NULL;
	} else if (home && home[0] == '/') {
		if (asprintf(&path, "%s/.local/state/tunnelctl/history", home) < 0)
			path = NULL;
	}
	return path;
}

/* Create the file, private, and read what it holds. */
static bool history_open(const char *path)
{
	int fd;

	if (make_dirs(path))
		return false;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return false;
	fchmod(fd, 0600);
	close(fd);
	stifle_history(HISTORY_MAX);
	read_history(path);
	return true;
}

static void history_note(const char *path, const char *line)
{
	HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;

	if (last && !strcmp(last->line, line))
		return;
	add_history(line);
	if (path && !append_history(1, path))
		history_truncate_file(path, HISTORY_MAX);
}

/* The loop ------------------------------------------------------------------ */

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* Ctrl-C at the prompt drops the line and gives a new prompt. */
static int signal_hook(void)
{
	if (got_sigint) {
		got_sigint = 0;
		rl_replace_line("", 0);
		rl_crlf();
		rl_done = 1;
	}
	return 0;
}

static char *read_line(const char *prompt)
{
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	char *line;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	line = readline(prompt);
	sigaction(SIGINT, &old, NULL);
	return line;
}

static void json_cmd(struct cli *cli, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "on"))
		cli->json = true;
	else if (argc == 2 && !strcmp(argv[1], "off"))
		cli->json = false;
	else if (argc == 1)
		printf("json %s\n", cli->json ? "on" : "off");
	else
		fprintf(stderr, "%s: usage: json [on|off]\n", cli->prog);
}

/* One line; false when it asks to leave. */
static bool shell_line(struct cli *cli, const char *line)
{
	struct tctl_words w = { 0 };
	struct tctl_err err;
	bool go = true;

	tctl_err_clear(&err);
	if (tctl_line_split(line, &w, &err))
		fprintf(stderr, "%s: %s\n", cli->prog, err.msg);
	else if (!w.n)
		;
	else if (!strcmp(w.v[0], "exit") || !strcmp(w.v[0], "quit"))
		go = false;
	else if (!strcmp(w.v[0], "json"))
		json_cmd(cli, (int)w.n, w.v);
	else
		cli_run(cli, (int)w.n, w.v);
	fflush(stdout);
	tctl_words_free(&w);
	return go;
}

int cli_shell(struct cli *cli)
{
	char *path = history_path(), *prompt = NULL, *line;
	bool go = true;

	cli->in_shell = true;
	shell_cli = cli;
	if (asprintf(&prompt, "%s%s%s%s> ", cli->name, cli->netns ? "(" : "",
		     cli->netns ? cli->netns : "", cli->netns ? ")" : "") < 0) {
		free(path);
		fprintf(stderr, "%s: out of memory\n", cli->prog);
		return EXIT_FAIL;
	}
	if (path && !history_open(path)) {
		fprintf(stderr, "%s: warning: history not kept: %s: %s\n", cli->prog, path,
			strerror(errno));
		free(path);
		path = NULL;
	}
	rl_readline_name = "tunnelctl";
	rl_attempted_completion_function = complete;
	rl_completer_word_break_characters = " \t\n\"'";
	rl_signal_event_hook = signal_hook;
	while (go && (line = read_line(prompt))) {
		if (line[strspn(line, " \t")])
			history_note(path, line);
		go = shell_line(cli, line);
		free(line);
	}
	if (go)
		putchar('\n');	/* Ctrl-D: leave the terminal on a new line */
	clear_history();
	free(prompt);
	free(path);
	return EXIT_OK;
}
