# TAP helpers inside the guest (busybox ash, POSIX sh). The host test relays
# the "ok"/"not ok" lines from the serial console. Source it from a payload:
#   . "$PAYLOAD/guest-tap.sh"
_n=0
_failed=0
ok() {
	_st=$1; shift
	_n=$((_n + 1))
	if [ "$_st" -eq 0 ]; then echo "ok $_n - $*"; else echo "not ok $_n - $*"; _failed=$((_failed + 1)); fi
	return "$_st"
}
is() {
	_got=$1 _want=$2; shift 2
	if [ "$_got" = "$_want" ]; then ok 0 "$@"; else ok 1 "$@"; echo "# got:      '$_got'"; echo "# expected: '$_want'"; return 1; fi
}
like() {
	_got=$1 _re=$2; shift 2
	if printf '%s' "$_got" | grep -Eq -- "$_re"; then ok 0 "$@"; else ok 1 "$@"; echo "# got:          '$_got'"; echo "# expected like: '$_re'"; return 1; fi
}
# t CMD...: run, ok when it exits 0, its output shown as comments on failure
t() {
	_desc=$1; shift
	_o=$("$@" 2>&1); _st=$?
	ok "$_st" "$_desc" || printf '%s\n' "$_o" | sed 's/^/#   /'
}
done_testing() {
	echo "# guest: $_n tests, $_failed failed"
	[ "$_failed" -eq 0 ]
}
# values from the host test (qemu/vm --payload-file FILE named env)
[ -f "$PAYLOAD/env" ] && . "$PAYLOAD/env"
