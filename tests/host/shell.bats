#!/usr/bin/env bats
# The interactive shell, typed into through tmux: a real terminal, real
# readline, real completion from the namespace's kernel state.

load ../lib/common

setup() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
}

teardown() {
	local sock
	for sock in "$BATS_TEST_TMPDIR"/tmux*.sock; do
		tmux -S "$sock" kill-server 2>/dev/null || true
	done
	teardown_namespaces
}

tm() {
	tmux -S "$TMUX_SOCK" "$@"
}

# start_shell ARGS...: tunnelctl ARGS in a 200x50 terminal; its exit status
# goes to $BATS_TEST_TMPDIR/status when it ends.
start_shell() {
	rm -f "$BATS_TEST_TMPDIR/status"
	tm -f /dev/null new-session -d -x 200 -y 50 \
		"env XDG_STATE_HOME='$XDG_STATE_HOME' ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS' \
		 '$TUNNELCTL' $*; echo \$? >'$BATS_TEST_TMPDIR/status'; sleep 600"
}

# screen: what the terminal shows, wrapped lines joined, with its history.
screen() {
	tm capture-pane -p -J -S -200
}

# wait_screen TEXT: poll until the screen shows TEXT (at most 10 s).
wait_screen() {
	local i
	for ((i = 0; i < 200; i++)); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "screen never showed: $1" >&2
	screen >&2
	return 1
}

# wait_exit STATUS: the shell ended with STATUS (at most 10 s).
wait_exit() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -s $BATS_TEST_TMPDIR/status ]] && break
		sleep 0.05
	done
	run cat "$BATS_TEST_TMPDIR/status"
	assert_output "$1"
	run screen
	refute_sanitizer_report
}

# The prompt count on screen: a command is done when the next prompt is there.
prompts() {
	screen | grep -c "^$1" || true
}

# type_line PROMPT TEXT: type TEXT and Enter, wait for the next prompt.
type_line() {
	local n
	n=$(prompts "$1")
	tm send-keys -l -- "$2"
	tm send-keys Enter
	for ((i = 0; i < 200; i++)); do
		(($(prompts "$1") > n)) && return 0
		sleep 0.05
	done
	echo "no prompt after: $2" >&2
	screen >&2
	return 1
}

@test "a session: a device appears, routes added with its name completed, shown as JSON, a typo, exit" {
	new_ns NS
	P="tunnelctl($NS)> "
	start_shell -n "$NS" shell
	wait_screen "$P"
	# The device comes after the shell started: completion reads the kernel.
	ip -n "$NS" link add ovl0 type veth peer name x1
	ip -n "$NS" link set ovl0 up
	ip -n "$NS" link set x1 up
	tm send-keys -l "route add 10.1.0.0/24 id 5 dst 192.0.2.5 dev ov"
	tm send-keys Tab
	wait_screen "dev ovl0 "
	type_line "$P" "metric 7"
	tm send-keys -l "rou"
	tm send-keys Tab
	wait_screen "${P}route "
	tm send-keys -l "rep"
	tm send-keys Tab
	wait_screen "${P}route replace "
	type_line "$P" "10.1.1.0/24 id 6 dst 192.0.2.6 dev ovl0"
	run ip -n "$NS" route show proto 157
	assert_line --partial "10.1.0.0/24  encap ip id 5"
	assert_line --regexp "^10.1.0.0/24 .* dev ovl0 .*metric 7"
	assert_line --partial "10.1.1.0/24  encap ip id 6"
	type_line "$P" "json on"
	type_line "$P" "route show"
	json=$(screen | grep '^\[{')
	run jq -e 'length == 2 and .[0].dev == "ovl0" and .[0].metric == 7 and .[1].encap.id == 6' <<<"$json"
	assert_success
	type_line "$P" "route ad 10.1.2.0/24 id 1 dst 192.0.2.1 dev ovl0"
	wait_screen 'tunnelctl: unknown route command "ad" (did you mean "add"?)'
	# An error does not end the shell, and the socket still works.
	type_line "$P" "json off"
	type_line "$P" "route del 10.1.1.0/24"
	run route_prefixes "$NS" 157
	assert_output "10.1.0.0/24"
	type_line "$P" "route show"
	wait_screen "10.1.0.0/24  ovl0"
	tm send-keys -l "exit"
	tm send-keys Enter
	wait_exit 0
}

@test "help inside the shell, completion of its own words, quoting" {
	ns_with_veth NS
	P="tunnelctl($NS)> "
	start_shell -n "$NS" shell
	wait_screen "$P"
	type_line "$P" "help route"
	wait_screen "tunnelctl route add PREFIX"
	wait_screen "delete one of tunnelctl's encap routes"
	tm send-keys -l "json o"
	tm send-keys Tab Tab
	wait_screen "off"
	tm send-keys C-u
	type_line "$P" "route add '10.1.0.0/24' id 5 dst \"192.0.2.5\" dev v0"
	run route_prefixes "$NS" 157
	assert_output "10.1.0.0/24"
	type_line "$P" "route add 'unterminated"
	wait_screen "tunnelctl: unterminated ' quote"
	tm send-keys -l "quit"
	tm send-keys Enter
	wait_exit 0
}

@test "Ctrl-D leaves with status 0; without -n the prompt is tunnelctl>" {
	start_shell shell
	wait_screen "tunnelctl> "
	tm send-keys C-d
	wait_exit 0
}

@test "no arguments on a terminal is the shell" {
	new_ns NS
	start_shell -n "$NS"
	wait_screen "tunnelctl($NS)> "
	tm send-keys C-d
	wait_exit 0
}

@test "history is kept in \$XDG_STATE_HOME/tunnelctl/history, private, and comes back" {
	new_ns NS
	P="tunnelctl($NS)> "
	start_shell -n "$NS" shell
	wait_screen "$P"
	type_line "$P" "route show table all"
	type_line "$P" "dev show"
	tm send-keys C-d
	wait_exit 0
	hist=$XDG_STATE_HOME/tunnelctl/history
	run cat "$hist"
	assert_line "route show table all"
	assert_line "dev show"
	run stat -c %a "$hist"
	assert_output 600
	run stat -c %a "$XDG_STATE_HOME/tunnelctl"
	assert_output 700
	# A new shell (in a new terminal) recalls it with the Up key.
	tm kill-server
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux2.sock
	start_shell -n "$NS" shell
	wait_screen "$P"
	tm send-keys Up Up
	wait_screen "${P}route show table all"
	tm send-keys C-u C-d
	wait_exit 0
}

@test "the history file stays bounded" {
	new_ns NS
	mkdir -p "$XDG_STATE_HOME/tunnelctl"
	for ((i = 0; i < 1500; i++)); do echo "route show # $i"; done >"$XDG_STATE_HOME/tunnelctl/history"
	P="tunnelctl($NS)> "
	start_shell -n "$NS" shell
	wait_screen "$P"
	type_line "$P" "dev show"
	tm send-keys C-d
	wait_exit 0
	run wc -l <"$XDG_STATE_HOME/tunnelctl/history"
	assert_output 1000
	run tail -1 "$XDG_STATE_HOME/tunnelctl/history"
	assert_output "dev show"
}

@test "without a terminal, no arguments is a usage error and nothing waits on stdin" {
	run timeout 5 "$TUNNELCTL" </dev/null
	assert_failure 2
	assert_output --partial "Usage: tunnelctl"
	run bash -c "echo 'route show' | timeout 5 '$TUNNELCTL'"
	assert_failure 2
}

@test "bash completion offers shell, and files after -b" {
	complete_words sh
	assert_output "shell"
	touch "$BATS_TEST_TMPDIR/routes.batch"
	cd "$BATS_TEST_TMPDIR"
	complete_words -b rou
	assert_output "routes.batch"
}
