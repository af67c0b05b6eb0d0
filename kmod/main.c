// SPDX-License-Identifier: GPL-2.0
/*
 * flowtun: flow-based (metadata_dst) GRE and IPIP tunnel devices with a
 * per-peer table and receive policy.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "flowtun_priv.h"

/*
 * In dependency order: the per-namespace device lists, the receive
 * handlers that read them, the link kind that fills them, the control
 * plane.
 */
static int __init flowtun_init(void)
{
	int err;

	err = flowtun_pernet_init();
	if (err)
		return err;

	err = flowtun_receive_init();
	if (err)
		goto err_pernet;

	err = flowtun_link_init();
	if (err)
		goto err_receive;

	err = flowtun_genl_init();
	if (err)
		goto err_link;

	pr_info("flow-based GRE/IPIP tunnels, genl family %s version %d\n",
		FLOWTUN_GENL_NAME, FLOWTUN_GENL_VERSION);
	return 0;

err_link:
	flowtun_link_uninit();
err_receive:
	flowtun_receive_uninit();
err_pernet:
	flowtun_pernet_uninit();
	return err;
}

/*
 * Devices may be up with traffic flowing: stop the control plane, delete
 * every device (which gives the GRE slot back and waits for the datapath),
 * take the IPIP handlers out (waiting for those running), free the
 * per-namespace lists, then wait for the peers freed after a grace period.
 */
static void __exit flowtun_exit(void)
{
	flowtun_genl_uninit();
	flowtun_link_uninit();
	flowtun_receive_uninit();
	flowtun_pernet_uninit();
	rcu_barrier();
}

module_init(flowtun_init);
module_exit(flowtun_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Flow-based GRE and IPIP tunnel devices with a peer table");
MODULE_AUTHOR("tunnelctl developers");
MODULE_ALIAS_RTNL_LINK(FLOWTUN_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(FLOWTUN_GENL_NAME);
