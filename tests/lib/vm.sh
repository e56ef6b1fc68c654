# Host side of VM tests: source after tap.sh.
#   vm_payload "name" PAYLOAD_SCRIPT [qemu/vm options...]
# boots the recovery image with the payload (plus guest-tap.sh), relays the
# guest's TAP lines as this test's own, and adds one test for the payload's
# exit status. The serial log is kept in $VM_LOG.
# A test that boots something other than the recovery image sets
# VM_IMAGE=other before sourcing this file.
VM=$TOP/qemu/vm
: "${VM_TIMEOUT:=600}"
VM_LOG=

[ "${VM_IMAGE:-recovery}" != recovery ] ||
	{ [ -f "$TOP/build/bzImage" ] && [ -f "$TOP/build/initramfs.img" ]; } ||
	fail_all "the boot image is built (make kernel initramfs)"

vm_payload() {
	local name=$1 script=$2; shift 2
	[ -n "$VM_LOG" ] && rm -f "$VM_LOG"     # one log kept: the last start's
	VM_LOG=$(mktemp "${TMPDIR:-/tmp}/altkit-vmlog.XXXXXX")
	"$VM" --timeout "$VM_TIMEOUT" --log "$VM_LOG" --payload "$script" \
		--payload-file "$TOP/tests/lib/guest-tap.sh" "$@" 2>"$VM_LOG.err"
	local st=$?
	vm_relay "$VM_LOG"
	if ! is "$st" 0 "$name: the guest payload exits 0"; then
		cat "$VM_LOG.err" >&2
	fi
	rm -f "$VM_LOG.err"
	return "$st"
}

# relay the guest's results in a serial log, renumbered into this test's sequence
vm_relay() {
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"ok "*) ok 0 "guest: ${line#ok [0-9]* - }" ;;
		"not ok "*) ok 1 "guest: ${line#not ok * - }" ;;
		"# "*) diag "${line#\# }" ;;
		esac
	done < <(grep -a -E '^(ok|not ok) [0-9]*|^# ' "$1")
}

vm_cleanup() { [ -n "$VM_LOG" ] && rm -f "$VM_LOG"; }
