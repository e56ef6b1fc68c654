#!/bin/bash
# dupopt's rule table (DESIGN.md section 7, issue 6), every pair of profiles:
# the verdicts printed by the hidden 'dupopt --rules-table' are checked against
# an independent statement of the DUPOPT rules written here.
. "$(dirname "$0")/../lib/tap.sh"

# media classes by MMC profile, as the issue lists them
class_of() {
	case $1 in
	0x0000) echo none ;;
	0x0008 | 0x0010 | 0x0040) echo rom ;;                          # CD-ROM DVD-ROM BD-ROM
	0x0009 | 0x0011 | 0x0015 | 0x0016 | 0x001b | 0x002b | 0x0041 | 0x0042) echo worm ;;
	0x000a | 0x0013 | 0x0014 | 0x001a | 0x002a | 0x0043) echo erase ;;
	0xffff) echo erase ;;           # libburn stdio: overwritable, honestly ERASE
	0x0012) echo ram ;;             # DVD-RAM
	0x10000) echo image ;;          # a volume image file as the source: a master
	*) echo unknown ;;
	esac
}
# rewritable media that must be blanked before they are written again
needs_blanking() { case $1 in 0x000a | 0x0014) return 0 ;; esac; return 1; }

# expect FROM TO STATE -> "action reason"
expect() {
	local f t state=$3 fc tc
	fc=$(class_of "$1") tc=$(class_of "$2")
	case $fc in none) echo "refuse from-no-medium"; return ;; unknown) echo "refuse from-unsupported"; return ;; esac
	case $tc in
	none) echo "refuse to-no-medium"; return ;;
	unknown) echo "refuse to-unsupported"; return ;;
	rom | image) echo "refuse to-read-only"; return ;;
	esac
	case $fc in
	worm) [ "$tc" = worm ] || [ "$tc" = erase ] || { echo "refuse worm-target"; return; } ;;
	erase) [ "$tc" = erase ] || { echo "refuse erase-target"; return; } ;;
	ram) [ "$tc" = ram ] || { echo "refuse ram-target"; return; } ;;
	esac
	case $state in
	blank) echo "write ok" ;;
	data) if [ "$tc" = worm ]; then echo "refuse worm-not-blank"; else echo "refuse needs-clear"; fi ;;
	data+clear)
		if [ "$tc" = worm ]; then echo "refuse worm-not-blank"
		elif needs_blanking "$2"; then echo "blank-write ok"
		else echo "overwrite ok"; fi ;;
	esac
}

run "$ALTKIT" dupopt --rules-table
is "$rc" 0 "--rules-table exits 0"
table=$out

# every profile the issue names is in the table
profiles=$(printf '%s\n' "$table" | awk '{print $1}' | sort -u)
for p in 0x0000 0x0008 0x0009 0x000a 0x0010 0x0011 0x0012 0x0013 0x0014 0x0015 0x0016 \
	0x001a 0x001b 0x002a 0x002b 0x0040 0x0041 0x0042 0x0043 0xffff 0x10000; do
	printf '%s\n' "$profiles" | grep -qx -- "$p"
	ok $? "profile $p is in the rule table"
done
n=$(printf '%s\n' "$profiles" | wc -l)
is "$(printf '%s\n' "$table" | wc -l)" "$((n * n * 3))" "every pair of $n profiles, in three target states"

# one test per pair of profiles: blank target, target with data, with data and --clear
declare -A got
while read -r from to state action reason; do
	got["$from $to $state"]="$action $reason"
done <<<"$table"
for from in $profiles; do
	for to in $profiles; do
		bad=
		for state in blank data data+clear; do
			want=$(expect "$from" "$to" "$state")
			if [ "${got["$from $to $state"]}" != "$want" ]; then
				bad="$bad $state: got '${got["$from $to $state"]}', expected '$want';"
			fi
		done
		ok "$([ -z "$bad" ]; echo $?)" "$from -> $to ($(class_of "$from") -> $(class_of "$to"))"
		[ -z "$bad" ] || diag "$bad"
	done
done

# the facts beyond the profile pair, one by one (--rules-check FROM TO facts...)
check() {
	local want=$1 desc=$2; shift 2
	run "$ALTKIT" dupopt --rules-check "$@"
	like "$out" "^$want" "$desc"
}
check "refuse same-device" "one device as source and target is refused first" 0x0009 0x001a same
check "refuse sector-size" "an audio disc (2352-byte sectors) is refused" 0x0008 0x0009 sector-size=2352
check "refuse worm-not-blank" "a WORM target with data: refused, even with --clear" 0x0009 0x0009 data clear
check "refuse no-room" "a target too small is refused" 0x10000 0xffff sectors=1000 room=999
check "write ok" "a target just big enough is written" 0x10000 0xffff sectors=1000 room=1000
check "blank-write ok" "unknown room on a CD-RW to blank: checked after blanking" 0x0008 0x000a data clear sectors=9 room=-1
check "refuse from-unsupported" "an unknown source profile (0x0002 removable disk) is refused" 0x0002 0x001a
check "refuse to-unsupported" "an unknown target profile (0x0051 HD DVD-R) is refused" 0x0008 0x0051
run "$ALTKIT" dupopt --rules-check 0x0009 0x0012
is "$out" "refuse worm-target: a WORM volume can be duplicated only to WORM or erasable media" \
	"the refusal states the rule"
run "$ALTKIT" dupopt --rules-check 0x0009 0x0009 data
is "$out" "refuse worm-not-blank: a WORM target must be blank" "a WORM target must be blank: the rule in words"
run "$ALTKIT" dupopt --rules-check 0x0009 0x001a data
is "$out" "refuse needs-clear: the target holds data: --clear erases it (all its data is lost)" \
	"an erasable target with data needs --clear: the rule in words"

done_testing
