#!/usr/bin/env bats
# The man page, completion, README and install are kept true to the binary.

load ../lib/common
load ../lib/ctrl

@test "man pages lint clean" {
	run mandoc -Tlint -W warning "$REPO/man/tunnelctl.8" "$REPO/man/tunnelctld.8" \
		"$REPO/man/tunnelctl-peers.5"
	assert_success
	assert_output ""
}

@test "tunnelctl-peers(5) names every key the reader accepts" {
	page=$(MANWIDTH=200 mandoc -Tascii "$REPO/man/tunnelctl-peers.5" | sed 's/.\x08//g')
	for key in version devices defaults peers name mode mtu unmanaged device ttl tos key \
		csum seq table metric underlay id prefixes inherit; do
		grep -qw -- "$key" <<<"$page" || { echo "tunnelctl-peers(5) lacks \"$key\""; return 1; }
	done
}

@test "man page documents every command and every keyword the grammar has" {
	# Plain text: drop the backspace overstrikes mandoc uses for bold.
	page=$(MANWIDTH=200 mandoc -Tascii "$REPO/man/tunnelctl.8" | sed 's/.\x08//g')
	for object in dev route nexthop ctrl peer; do
		run "$TUNNELCTL" help "$object"
		assert_success
		while read -r verb; do
			[[ "$page" == *"$object $verb"* ]] || { echo "man page lacks '$object $verb'"; return 1; }
			while read -r kw; do
				grep -qw -- "$kw" <<<"$page" || { echo "man page lacks keyword '$kw' of $object $verb"; return 1; }
			done < <("$TUNNELCTL" help "$object" "$verb" | awk 'NR > 2 { print $1 }')
		done < <(awk -v o="$object" '$1 == "tunnelctl" && $2 == o { print $3 }' <<<"$output")
	done
	for cmd in apply diff validate stats graph; do
		[[ "$page" == *"tunnelctl $cmd"* ]] || { echo "man page lacks '$cmd'"; return 1; }
		while read -r kw; do
			grep -qw -- "$kw" <<<"$page" || { echo "man page lacks '$kw' of $cmd"; return 1; }
		done < <("$TUNNELCTL" help "$cmd" | awk 'NR > 3 { print $1 }')
	done
	for opt in --json --pretty --netns --proto --help --version TUNNELCTL_PROTO 157 "EXIT STATUS"; do
		[[ "$page" == *"$opt"* ]] || { echo "man page lacks $opt"; return 1; }
	done
}

@test "tunnelctld(8) documents every option and config setting the daemon takes" {
	page=$(MANWIDTH=200 mandoc -Tascii "$REPO/man/tunnelctld.8" | sed 's/.\x08//g')
	run "$TUNNELCTLD" --help
	assert_success
	for opt in $(grep -o -- '--[a-z-]*\|-n\b\|-v\b' <<<"$output" | sort -u); do
		[[ "$page" == *"$opt"* ]] || { echo "tunnelctld(8) lacks $opt"; return 1; }
	done
	# The config file's settings are the ones the daemon names in its error.
	echo 'colour blue' >"$BATS_TEST_TMPDIR/c.conf"
	run "$TUNNELCTLD" --check --config "$BATS_TEST_TMPDIR/c.conf"
	for key in $(sed 's/.*(\(.*\)).*/\1/; s/,//g' <<<"$output"); do
		grep -qw -- "$key" <<<"$page" || { echo "tunnelctld(8) lacks setting $key"; return 1; }
	done
	for word in SIGHUP SIGTERM SIGUSR1 "EXIT STATUS" "inet tunnelctl" NOTIFY_SOCKET; do
		[[ "$page" == *"$word"* ]] || { echo "tunnelctld(8) lacks $word"; return 1; }
	done
}

@test "README gives the two commands, and the usage it shows parses" {
	run grep -c '^    make demo$\|^    make check$' "$REPO/README.md"
	assert_output "2"
	# Every tunnelctl command line in the README is accepted by the grammar.
	while read -r line; do
		read -ra words <<<"${line#*tunnelctl }"
		while [[ ${words[0]} == -* ]]; do
			[[ ${words[0]} == -n ]] && words=("${words[@]:1}")
			words=("${words[@]:1}")
		done
		[[ ${words[0]} == route || ${words[0]} == dev || ${words[0]} == nexthop ]] || continue
		[[ ${#words[@]} -gt 1 ]] || continue
		run "$LIBPROBE" parse "${words[@]}"
		[ "$status" -eq 0 ] || { echo "README line does not parse: $line: $output"; return 1; }
	done < <(grep -E '^\s+(# )?tunnelctl ' "$REPO/README.md" | sed 's/^\s*# //; s/[|>].*//')
	# And the peer lists it names are valid.
	for f in $(grep -o 'examples/[a-z-]*\.json' "$REPO/README.md" | sort -u); do
		run "$TUNNELCTL" validate "$REPO/$f"
		assert_success
	done
}

@test "make install honours DESTDIR, PREFIX, MANDIR, BASHCOMPDIR, ZSHCOMPDIR; installs the protocol name, tunnelctld and its unit" {
	dest=$BATS_TEST_TMPDIR/root
	run make -C "$REPO" --no-print-directory install DESTDIR="$dest" PREFIX=/opt/t \
		MANDIR=/opt/man BASHCOMPDIR=/opt/bc ZSHCOMPDIR=/opt/zc SYSCONFDIR=/opt/etc
	assert_success
	[ -x "$dest/opt/t/sbin/tunnelctl" ]
	[ -f "$dest/opt/man/man8/tunnelctl.8" ]
	[ -f "$dest/opt/man/man5/tunnelctl-peers.5" ]
	[ -f "$dest/opt/bc/tunnelctl" ]
	cmp "$REPO/completions/_tunnelctl" "$dest/opt/zc/_tunnelctl"
	run grep -v '^#' "$dest/opt/etc/iproute2/rt_protos.d/tunnelctl.conf"
	assert_output --regexp '^157[[:space:]]+tunnelctl$'
	run "$dest/opt/t/sbin/tunnelctl" --version
	assert_success
	# The controller, its page, and its unit pointing at where it was put.
	[ -x "$dest/opt/t/sbin/tunnelctld" ]
	[ -f "$dest/opt/man/man8/tunnelctld.8" ]
	run grep '^ExecStart=' "$dest/opt/t/lib/systemd/system/tunnelctld.service"
	assert_output --regexp '^ExecStart=/opt/t/sbin/tunnelctld --foreground '
	run "$dest/opt/t/sbin/tunnelctld" --version
	assert_success
	# ZSHCOMPDIR defaults to PREFIX's site-functions, a directory of zsh's fpath.
	run make -C "$REPO" --no-print-directory install DESTDIR="$dest/2" PREFIX=/opt/t
	assert_success
	[ -f "$dest/2/opt/t/share/zsh/site-functions/_tunnelctl" ]
	# And the installed file is one zsh completes with.
	run zsh -f "$REPO/tests/lib/zsh_complete.zsh" "$dest/opt/zc" "$TUNNELCTL" route ""
	assert_success
	assert_line "add"
}

@test "the README's picture of the mesh is what tunnelctl graph draws now" {
	grep -qF '](docs/mesh.svg)' "$REPO/README.md"
	run "$TUNNELCTL" graph "$REPO/examples/mesh-gre.json" --self alpha
	assert_success
	diff -u "$REPO/docs/mesh.dot" <(echo "$output")
	# The SVG is rendered from that DOT; byte for byte where Graphviz is the
	# version that rendered it (the SVG says which), valid SVG everywhere.
	made_by=$(sed -n 's/^<!-- Generated by graphviz version \(.*\)$/\1/p' "$REPO/docs/mesh.svg")
	here=$(dot -V 2>&1 | sed -n 's/^dot - graphviz version //p')
	if [[ -n $made_by && $made_by == "$here" ]]; then
		diff -u "$REPO/docs/mesh.svg" <(dot -Tsvg "$REPO/docs/mesh.dot")
	fi
	run grep -c 'class="node"' "$REPO/docs/mesh.svg"
	assert_output 3
}
