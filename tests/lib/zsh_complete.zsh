# zsh -f tests/lib/zsh_complete.zsh COMPLETIONS_DIR WORD...: run zsh's
# completion function for tunnelctl from COMPLETIONS_DIR as if WORD... were
# typed (the first being the command, the last the word being completed),
# and print what it offers, one per line: compadd is wrapped to print its
# candidates ("__files__" when it hands over to _files).
emulate -L zsh
fpath=("$1" $fpath)
shift
autoload -Uz compinit
compinit -u -d "${TMPDIR:-/tmp}/zcompdump-$$"
rm -f "${TMPDIR:-/tmp}/zcompdump-$$"
# compinit found it by its #compdef line.
[[ ${_comps[tunnelctl]} == _tunnelctl ]] || { print -u2 "no #compdef for tunnelctl"; exit 3; }

compadd() {
	local -i arrays=0
	local name
	while (($#)); do
		case $1 in
		-a) arrays=1; shift ;;
		--) shift; break ;;
		-[JVXxPSpsWdlMFrRDoEOQ]) shift 2 ;;
		-*) shift ;;
		*) break ;;
		esac
	done
	if ((arrays)); then
		for name in "$@"; do
			print -rl -- "${(@P)name}"
		done
	else
		print -rl -- "$@"
	fi
}
_files() {
	print -r -- __files__
}

words=("$@")
CURRENT=$#
PREFIX=${words[CURRENT]}
_tunnelctl
exit 0
