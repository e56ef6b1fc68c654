# TAP helpers for shell tests: source this file, call the functions, end with done_testing.
#   ok COND-EXIT-STATUS "name"       is GOT EXPECTED "name"      like GOT REGEX "name"
#   unlike GOT REGEX "name"
#   run CMD...   (sets $out, $err, $rc)    skip_all "why"    fail_all "what"    diag "text"
# ALTKIT is the binary under test (static musl build unless told otherwise).
_tap_n=0
_tap_fail=0
TOP=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/../.." && pwd)
: "${ALTKIT:=$TOP/build/bin/altkit}"
case $ALTKIT in /*) ;; *) ALTKIT=$PWD/$ALTKIT ;; esac
export ALTKIT

diag() { printf '# %s\n' "$@" >&2; }

ok() {
	local status=$1; shift
	_tap_n=$((_tap_n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_fail=$((_tap_fail + 1))
	fi
	return "$status"
}

is() {
	local got=$1 want=$2; shift 2
	if [ "$got" = "$want" ]; then
		ok 0 "$@"
	else
		ok 1 "$@"
		diag "got:      '$got'" "expected: '$want'"
		return 1
	fi
}

like() {
	local got=$1 re=$2; shift 2
	if printf '%s' "$got" | grep -Eq -- "$re"; then
		ok 0 "$@"
	else
		ok 1 "$@"
		diag "got:          '$got'" "expected like: '$re'"
		return 1
	fi
}

unlike() {
	local got=$1 re=$2; shift 2
	if printf '%s' "$got" | grep -Eq -- "$re"; then
		ok 1 "$@"
		diag "got:            '$got'" "expected unlike: '$re'"
		return 1
	fi
	ok 0 "$@"
}

# run CMD...: capture stdout, stderr and the exit status without stopping the test
run() {
	local _o _e
	_o=$(mktemp) _e=$(mktemp)
	"$@" >"$_o" 2>"$_e"
	rc=$?
	out=$(cat "$_o") err=$(cat "$_e")
	rm -f "$_o" "$_e"
	return 0
}

# skip_all only for what is outside the project's control (not root, no
# loop device); what scripts/install-deps installs or make builds being
# missing is a failure: fail_all "WHAT SHOULD HOLD" ["diagnostics"].
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
fail_all() { ok 1 "$1"; [ -z "${2:-}" ] || diag "$2"; done_testing; exit; }

skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # skip $*"; }

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
