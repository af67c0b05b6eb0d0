# Check a JSON document against a schema (tests/data/json-schema/README):
# jq -r --argjson schema '[{path, types, optional}...]' -f json_schema.jq
# prints one line per problem, nothing when the document fits.

# A path of the document in the schema's words: array indexes as "[]".
def gpath:
	(map(if type == "number" then "[]" else "." + . end) | join("")) as $p
	| if $p == "" then "." elif ($p | startswith("[")) then "." + $p else $p end;

# The path as jq writes it, for messages: .routes[2].route.encap.id
def shown:
	(map(if type == "number" then "[\(.)]" else ".\(.)" end) | join("")) as $p
	| if $p == "" then "." elif ($p | startswith("[")) then "." + $p else $p end;

# The first line of a path wins: a key's own line before its fragment's root.
($schema | reduce .[] as $e ({}; if has($e.path) then . else .[$e.path] = $e end)) as $S
| . as $doc
| ([[]] + [paths] | map({q: ., g: gpath})) as $all
| (
	# Every key of the document is described, with its type.
	($all[] | . as $n | ($doc | getpath($n.q) | type) as $t
	 | if $S[$n.g] == null then "\($n.q | shown): not in the schema (\($n.g), \($t))"
	   elif ($S[$n.g].types | index($t)) == null then
		"\($n.q | shown): \($t), but the schema says \($S[$n.g].types | join("|"))"
	   else empty end),
	# Every key not marked optional is there, in every object that holds it.
	($S[] | select(.optional | not)
	 | (.path | capture("^(?<parent>.*)\\.(?<key>[A-Za-z0-9_]+)$")) as $c
	 | (if $c.parent == "" then "." else $c.parent end) as $parent
	 | $all[] | select(.g == $parent) | . as $n
	 | select(($doc | getpath($n.q) | type) == "object")
	 | select($doc | getpath($n.q) | has($c.key) | not)
	 | "\($n.q | shown): lacks \"\($c.key)\" (\($c.parent).\($c.key))")
)
