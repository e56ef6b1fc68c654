# shellcheck shell=bash
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

#   debian_start STEP PAYLOAD BOOT [qemu/vm options]
# one start of the fixture in $tmp (disk.img, vdb.img, vars.fd kept across
# starts) through the firmware (BOOT firmware) or the recovery image; the
# guest runs PAYLOAD with STEP and $clone_uuid in $PAYLOAD/step, $tmp/env and
# the files of the array payload_files; its out/ lands in $tmp/out. The wall
# time from QEMU's start to power off is reported.
debian_start() {
	local step=$1 payload=$2 boot=$3 t0 f files=()
	shift 3
	printf 'STEP=%s\nCLONE_UUID=%s\n' "$step" "${clone_uuid:-}" >"$tmp/step"
	for f in "${payload_files[@]}"; do files+=(--payload-file "$f"); done
	rm -rf "$tmp/out"
	t0=$(date +%s%N)
	vm_payload "$step" "$TOP/tests/vm/payloads/$payload" \
		--payload-file "$tmp/env" --payload-file "$tmp/step" "${files[@]}" \
		--boot "$boot" --firmware uefi --vars "$tmp/vars.fd" --mem 1024 \
		--disk "$tmp/disk.img" --disk "$tmp/vdb.img" --out "$tmp/out" "$@"
	diag "start '$step': $(( ($(date +%s%N) - t0) / 1000000 )) ms from QEMU start to power off"
}

#   debian_kernel_update DIR
# a kernel of a newer ABI than the fixture's ($KERNEL): the image package
# that this host's apt has as the candidate of linux-image-amd64 (from the
# security or updates suite), and that linux-image-amd64, downloaded from
# Debian's archive into the cache and copied into DIR. Prints the new
# kernel's release; else prints why and returns 2 when the archive holds no
# newer ABI, 1 when something failed.
debian_kernel_update() {
	local dir=$1 cache=${ALTKIT_CACHE:-$HOME/.cache/altkit}/debian/debs/kernel-update meta img f
	meta=$(apt-cache policy linux-image-amd64 2>/dev/null | sed -n 's/^ *Candidate: //p')
	img=$(apt-cache show "linux-image-amd64=$meta" 2>/dev/null |
		sed -n 's/^Depends: \(linux-image-[0-9][^ ,]*\).*/\1/p' | head -n 1)
	if [ -z "$img" ]; then
		echo "this host's apt knows no linux-image-amd64 (run apt-get update)"
		return 1
	fi
	if [ "${img#linux-image-}" = "$KERNEL" ]; then
		echo "Debian's archive has one kernel ABI for this release ($KERNEL): nothing newer to update to"
		return 2
	fi
	mkdir -p "$cache" "$dir"
	# both have the meta package's version (one source package)
	for f in linux-image-amd64 "$img"; do
		[ -f "$cache/${f}_${meta}_amd64.deb" ] && continue
		(cd "$cache" && apt-get download -q "$f=$meta" >/dev/null 2>&1) || {
			echo "apt-get download $f=$meta failed"
			return 1
		}
	done
	cp "$cache/linux-image-amd64_${meta}_amd64.deb" "$cache/${img}_${meta}_amd64.deb" "$dir/" || return 1
	echo "${img#linux-image-}"
}
