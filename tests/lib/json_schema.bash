# The JSON of tunnelctl's -j outputs against their descriptions in
# tests/data/json-schema/ (see its README) and in tunnelctl(8)'s JSON OUTPUT.
# shellcheck shell=bash

SCHEMA_DIR=$REPO/tests/data/json-schema

# The paths of schema NAME with @use expanded: "PATH TYPES optional|required".
schema_expand() {
	local name=$1 pre=${2:-.} path types opt full
	while read -r path types opt; do
		case $path in
		'' | '#'* | @man | @also | @mentions)
			continue
			;;
		@use)
			# "@use PATH FRAGMENT": read as path, types, opt.
			schema_expand "_$opt" "$(schema_join "$pre" "$types")"
			continue
			;;
		esac
		full=$(schema_join "$pre" "$path")
		echo "$full $types ${opt:-required}"
	done <"$SCHEMA_DIR/$name.schema"
}

schema_join() {
	if [[ $2 == . ]]; then
		echo "$1"
	elif [[ $1 == . ]]; then
		echo "$2"
	else
		echo "$1$2"
	fi
}

# The schema as the JSON the jq check takes.
schema_json() {
	schema_expand "$1" | jq -Rn '[inputs | split(" ") |
		{path: .[0], types: (.[1] | split("|")), optional: (.[2] == "optional")}]'
}

# The subsections NAME's keys are documented in: its own, its @also, and
# those of the fragments it uses, one per line.
schema_sections() {
	local name=$1 what arg
	while read -r what arg; do
		case $what in
		@man | @also) echo "$arg" ;;
		@use) schema_sections "_${arg#* }" ;;
		esac
	done <"$SCHEMA_DIR/$name.schema"
}

# The subsection that documents NAME (its @man line).
schema_man() {
	sed -n 's/^@man //p' "$SCHEMA_DIR/$1.schema"
}

schema_mentions() {
	sed -n 's/^@mentions //p' "$SCHEMA_DIR/$1.schema" | tr ' ' '\n'
}

# The key names of NAME: the last part of each path, once each.
schema_keys() {
	schema_expand "$1" | awk '{ print $1 }' | sed -n 's/.*\.\([A-Za-z0-9_]*\)$/\1/p' | sort -u
}

# "SUBSECTION<TAB>WORD" for every word tunnelctl(8)'s JSON OUTPUT section
# marks up as a literal (.Li), which is how it names keys.
man_json_words() {
	awk '
	/^\.Sh / { injson = ($0 == ".Sh JSON OUTPUT"); sub_ = ""; next }
	!injson { next }
	/^\.Ss / { sub_ = substr($0, 5); next }
	sub_ == "" { next }
	{
		n = split($0, t, /[ \t]+/)
		on = 0
		for (i = 1; i <= n; i++) {
			if (t[i] == "Li" || t[i] == ".Li") { on = 1; continue }
			if (!on) continue
			if (t[i] ~ /^\.?[A-Z][a-z][a-z]?$/) { on = 0; continue }
			if (t[i] ~ /^[a-z_][a-z0-9_]*$/) print sub_ "\t" t[i]
		}
	}' "$REPO/man/tunnelctl.8" | sort -u
}

# The subsections of JSON OUTPUT, one per line.
man_json_sections() {
	awk '/^\.Sh / { injson = ($0 == ".Sh JSON OUTPUT"); next }
	     injson && /^\.Ss / { print substr($0, 5) }' "$REPO/man/tunnelctl.8"
}

# assert_json_schema NAME [JSON]: the document ($output by default) fits
# schema NAME: every key described and of its type, every required key there.
assert_json_schema() {
	local name=$1 doc=${2-$output} problems
	[[ -f $SCHEMA_DIR/$name.schema ]] || { echo "no schema $name"; return 1; }
	problems=$(jq -r --argjson schema "$(schema_json "$name")" \
		-f "$REPO/tests/lib/json_schema.jq" <<<"$doc") || {
		echo "$name: not JSON: $doc"
		return 1
	}
	if [[ -n $problems ]]; then
		echo "$name: the output does not fit tests/data/json-schema/$name.schema:"
		echo "$problems"
		echo "output: $doc"
		return 1
	fi
}
