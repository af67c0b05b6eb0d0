// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl doctor: what is wrong with this node and how to fix it.  The
 * checks are lib/doctor*.c's; the controller's health is asked here, over
 * its control socket as `ctrl status` does.  Exit status 1 when any
 * finding is an error, 0 otherwise (warnings included).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/doctor.h"
#include "ctrl_client.h"
#include "print.h"

/* A controller that does not answer this fast is not healthy. */
#define DOCTOR_CTRL_TIMEOUT 5

static const struct tctl_kw kw_doctor[] = {
	{ 0 }
};

static const struct tctl_syntax syntax_doctor = {
	"doctor", "", kw_doctor,
	"check the node: kernel support, device slots, MTUs, rp_filter, foreign routes, "
	"systemd-networkd, the controller", NULL,
};

/* What the status answer says of the controller's health. */
static int ctrl_health(const char *path, json_object *st, struct tctl_findings *out)
{
	json_object *pe = jget(st, "peers_error"), *last = jget(st, "last_reconcile");
	const char *msg = jget_str(pe, "message");
	int64_t failed = jget_int(last, "failed");

	if (msg)
		return tctl_findings_add(out, "controller", TCTL_DOC_WARN,
					 "fix the peer list, then: tunnelctl ctrl reload",
					 "tunnelctld (%s) rejected its peer list: %s", path, msg);
	if (failed)
		return tctl_findings_add(out, "controller", TCTL_DOC_WARN,
					 "see tunnelctl ctrl status for the errors",
					 "tunnelctld (%s): %" PRId64 " change%s failed in its last "
					 "reconcile", path, failed, plural(failed));
	return tctl_findings_add(out, "controller", TCTL_DOC_OK, NULL,
				 "tunnelctld answers at %s: peer list %s, %" PRId64 " peer%s",
				 path, jtxt(jget(st, "peers"), "hash"),
				 jget_int(jget(st, "peers"), "peers"),
				 plural(jget_int(jget(st, "peers"), "peers")));
}

static int ctrl_finding(const struct cli *cli, struct tctl_findings *out)
{
	struct ctrl_target t = { .timeout = DOCTOR_CTRL_TIMEOUT, .netns = cli->netns };
	struct tctl_err err = { 0 };
	json_object *st = NULL;
	struct stat sb;
	int ret;

	if (cli->netns)
		snprintf(t.path, sizeof(t.path), CTRL_DIR "/tunnelctld.%.60s.sock", cli->netns);
	else
		snprintf(t.path, sizeof(t.path), "%s", CTRL_SOCKET);
	if (stat(t.path, &sb) < 0)
		return tctl_findings_add(out, "controller", TCTL_DOC_OK, NULL,
					 "tunnelctld is not running (no socket at %s)", t.path);
	if (ctrl_ask(&t, "status", &st, &err))
		return tctl_findings_add(out, "controller", TCTL_DOC_ERROR,
					 "start it (systemctl start tunnelctld), or remove a "
					 "stale socket", "%s", err.msg);
	ret = ctrl_health(t.path, st, out);
	json_object_put(st);
	return ret;
}

static int cmd_doctor(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_findings f = { 0 };
	struct tctl_err err = { 0 };
	struct tctl_nl *nl;
	int ret = EXIT_FAIL;

	(void)a;
	nl = cli_nl(cli, &err);
	if (!nl)
		return cli_fail(cli, &err);
	if (tctl_doctor_kernel(cli->netns, &f, &err) || tctl_doctor_net(nl, cli->netns, &f, &err) ||
	    tctl_doctor_networkd(cli->netns, &f, &err)) {
		ret = cli_fail(cli, &err);
		goto out;
	}
	if (ctrl_finding(cli, &f)) {
		tctl_err_nomem(&err);
		ret = cli_fail(cli, &err);
		goto out;
	}
	print_findings(cli, &f);
	ret = tctl_findings_worst(&f) == TCTL_DOC_ERROR ? EXIT_FAIL : EXIT_OK;
out:
	tctl_findings_free(&f);
	return ret;
}

static const struct cli_verb doctor_cmd = { &syntax_doctor, cmd_doctor };
static const struct cli_verb no_verbs[] = { { NULL, NULL } };

const struct cli_object cli_object_doctor = {
	"doctor", no_verbs, NULL, "check the node and say how to fix what is wrong", &doctor_cmd,
};
