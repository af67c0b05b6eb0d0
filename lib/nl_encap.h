/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lightweight-tunnel "encap ip" / "encap ip6" attributes, encoded and
 * decoded in this one place.  libnl-route-3 3.7 only knows MPLS
 * encapsulation, so these are written by hand after the kernel's
 * ip_tun_build_state() / ip_tun_fill_encap_info() (net/ipv4/ip_tunnel_core.c):
 * ID is a big-endian u64, addresses are raw network-order bytes, TTL/TOS
 * (hoplimit/tc for ip6) are u8, FLAGS is the be16 TUNNEL_* bit set.
 */
#ifndef TCTL_NL_ENCAP_H
#define TCTL_NL_ENCAP_H

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "error.h"
#include "model.h"

/*
 * Put type_attr (RTA_ENCAP_TYPE or NHA_ENCAP_TYPE) and the nest nest_attr
 * (RTA_ENCAP or NHA_ENCAP) describing e.
 */
int tctl_encap_put(struct nl_msg *msg, int type_attr, int nest_attr,
		   const struct tctl_encap *e);

/*
 * Decode: returns 1 when the encap is ip/ip6 and e was filled, 0 for any
 * other encap type (e untouched), negative when the attributes are malformed.
 */
int tctl_encap_parse(struct nlattr *type_attr, struct nlattr *nest,
		     struct tctl_encap *e);

#endif
