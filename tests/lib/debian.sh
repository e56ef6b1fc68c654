# Host side of the Debian 12 tests: source after tap.sh and vm.sh (VM_IMAGE=other).
#   debian_fixture VARIANT DIR
# builds (or unpacks from the cache) scripts/build-debian-fixture VARIANT and
# puts a throw-away copy into DIR: disk.img, vars.fd and env (its identities,
# sourced here too). A failed build fails the whole test (fail_all).
debian_fixture() {
	local v=$1 dir=$2 t0
	t0=$(date +%s)
	if ! "$TOP/scripts/build-debian-fixture" "$v" 2>"$dir/build.log"; then
		tail -n 40 "$dir/build.log" | sed 's/^/# /' >&2
		fail_all "the Debian 12 fixture builds (scripts/build-debian-fixture $v)"
	fi
	ok 0 "the Debian 12 fixture debian-$v is there ($(($(date +%s) - t0)) s)"
	cp --sparse=always "$TOP/build/images/debian-$v.img" "$dir/disk.img"
	cp "$TOP/build/images/debian-$v.vars" "$dir/vars.fd"
	grep -E '^[A-Z_]+=' "$TOP/build/images/debian-$v.env" >"$dir/env"
	. "$dir/env"
}
