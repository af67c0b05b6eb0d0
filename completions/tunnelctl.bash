# bash completion for tunnelctl(8)
#
# The grammar lives in tunnelctl itself: this script only handles the global
# options and asks `tunnelctl __complete WORD...` for the rest, so commands,
# keywords, device names and prefixes (read from the kernel, in the -n
# namespace when one is given) cannot drift from what tunnelctl accepts.

_tunnelctl_netns() {
	ip netns list 2>/dev/null | awk '{print $1}'
}

_tunnelctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local prog=${COMP_WORDS[0]} i start=0 word
	local -a global=() rest=()

	case $prev in
	-n|--netns)
		mapfile -t COMPREPLY < <(compgen -W "$(_tunnelctl_netns)" -- "$cur")
		return
		;;
	--proto)
		return
		;;
	-b|--batch)
		# A batch file, or - for stdin.
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null || true
		return
		;;
	esac

	# Global options come before the object; -n NAME is kept for __complete.
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case $word in
		-n|--netns)
			global+=(-n "${COMP_WORDS[i+1]}")
			((i++))
			;;
		--proto)
			global+=(--proto "${COMP_WORDS[i+1]}")
			((i++))
			;;
		-b|--batch)
			# Batch mode takes no command: nothing more to complete.
			return
			;;
		-*)
			;;
		*)
			start=$i
			break
			;;
		esac
	done

	if ((start == 0)) && [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "-j --json -p --pretty -n --netns --proto -b --batch --force -h --help -V --version" -- "$cur")
		return
	fi
	if ((start > 0)); then
		rest=("${COMP_WORDS[@]:start:COMP_CWORD-start}")
	fi
	mapfile -t COMPREPLY < <("$prog" "${global[@]}" __complete "${rest[@]}" "$cur" 2>/dev/null)
	# A file name is due: let bash complete it.
	if [[ " ${COMPREPLY[*]} " == *" __files__ "* ]]; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null || true
	fi
}

complete -F _tunnelctl tunnelctl
