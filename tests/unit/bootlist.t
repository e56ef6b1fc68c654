#!/bin/bash
# bootlist on captured EFI variables (EFIVARFS_PATH, as libefivar reads it):
# listing, -i, prevboot, bad input, and the all-or-nothing rule. Creating
# entries needs real disks and firmware: tests/vm/bootlist.t.
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
V=$tmp/vars; mkdir "$V"
export EFIVARFS_PATH=$V/
mk() { python3 "$TOP/tests/unit/mkloadopt.py" "$V" "$@"; }
G=8be4df61-93ca-11d2-aa0d-00e098032b8c
u16() { od -An -tx2 -j4 -v "$V/$1-$G" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
state() { (cd "$V" && sha256sum -- * | sha256sum | cut -c1-16); }

mk boot 0000 UiApp
mk boot 0001 "altkit vda" '\EFI\altkit\vmlinuz.efi' 11111111-2222-3333-4444-555555555555 \
	"initrd=\\EFI\\altkit\\initramfs.img altkit.vg=AAAA-vg-uuid"
mk boot 0003 "altkit vdb" '\EFI\ALTKIT\VMLINUZ.EFI' 66666666-2222-3333-4444-555555555555 "quiet"
mk boot 0004 "other linux" '\EFI\debian\shimx64.efi' 77777777-2222-3333-4444-555555555555 ""
mk order 0003 0000 0001 0004
mk current 0001
mk next 0003

# the whole text against an ERE, lines joined with '~'
match() {
	local got=${1//$'\n'/\~} re=$2; shift 2
	if [[ $got =~ $re ]]; then ok 0 "$@"; else ok 1 "$@"; diag "got: '$got'" "like: '$re'"; fi
}

# case: options | exit | stdout like | stderr like   (lines joined with '~')
while IFS='|' read -r what args want_rc want_out want_err; do
	[ -n "$what" ] || continue
	before=$(state)
	# shellcheck disable=SC2086
	run "$ALTKIT" bootlist $args
	is "$rc" "$want_rc" "$what: exit $want_rc"
	match "$out" "$want_out" "$what: output"
	match "$err" "$want_err" "$what: message"
	is "$(state)" "$before" "$what: no variable changed"
done <<'CASES'
normal list|-m normal -o|0|^-        Boot0003  -                altkit vdb~-        Boot0000  -                UiApp~-        Boot0001  \?                altkit vda~-        Boot0004  -                other linux$|^$
no -o with no disk lists too|-m normal|0|Boot0003.*Boot0000.*Boot0001.*Boot0004|^$
service list|-m service -o|0|^-        Boot0003  -                altkit vdb$|^$
both lists|-m both -o|0|^normal:~.*Boot0004 .*~service:~-        Boot0003  -                altkit vdb$|^$
prevboot|-m prevboot|0|^-        Boot0001  \?                altkit vda$|^$
normal as JSON|-m normal -o --json|0|^\{"normal": \[\{"disk": "", "entry": "Boot0003", "vg": "", "description": "altkit vdb"\}, \{"disk": "", "entry": "Boot0000", "vg": "", "description": "UiApp"\}, \{"disk": "", "entry": "Boot0001", "vg": "\?", "description": "altkit vda"\}, \{"disk": "", "entry": "Boot0004", "vg": "", "description": "other linux"\}\]\}$|^$
both as JSON|-m both --json|0|^\{"normal": \[.*\], "service": \[\{"disk": "", "entry": "Boot0003", "vg": "", "description": "altkit vdb"\}\]\}$|^$
prevboot as JSON|-m prevboot --json|0|^\{"prevboot": \[\{"disk": "", "entry": "Boot0001", "vg": "\?", "description": "altkit vda"\}\]\}$|^$
no mode|-o|2|^$|^bootlist: -m normal\|service\|both\|prevboot is required$
bad mode|-m sometimes|2|^$|^bootlist: -m 'sometimes': expected normal, service, both or prevboot$
prevboot takes no disk|-m prevboot vda|2|^$|^bootlist: -m prevboot only shows what was booted; it takes no disks and no -i$
-i takes no disk|-m normal -i vda|2|^$|^bootlist: -i takes altkit's entries out of the list; it takes no disks$
service boots one disk|-m service vda vdb|2|^$|^bootlist: -m service: the firmware boots one disk once \(BootNext\); name one$
unknown disk|-m normal nosuchdisk0|1|^$|^bootlist: 'nosuchdisk0': no such disk; the boot list was not changed$
a path is not a disk|-m normal /dev/mapper/rootvg-root|1|^$|^bootlist: '/dev/mapper/rootvg-root': is not a disk name \(expected e.g. vdb or /dev/vdb\); the boot list was not changed$
unknown option|-m normal -z|2|^$|option.*z~Usage: bootlist
CASES

before=$(state)
ALTKIT_FAULT_EFIVAR_WRITE=1 run "$ALTKIT" bootlist -m both -i
is "$rc" 1 "-i with a failing write: exit 1"
like "$err" "^bootlist: cannot write the EFI variable BootOrder: No space left on device; the boot list was not changed$" \
	"-i with a failing write: says which variable"
is "$(state)" "$before" "-i with a failing write: nothing changed"

before=$(state)
ALTKIT_FAULT_EFIVAR_WRITE=2 run "$ALTKIT" bootlist -m both -i
is "$rc" 1 "-i, the second change failing: exit 1"
like "$err" "^bootlist: cannot remove the EFI variable BootNext: I/O error; the boot list was not changed$" \
	"-i, the second change failing: says which"
is "$(state)" "$before" "-i, the second change failing: BootOrder, already written, is put back"
run "$ALTKIT" bootlist -m normal -i -f "$tmp/list"
is "$rc" 0 "-m normal -i: exit 0"
is "$(u16 BootOrder)" "0000 0004" "-m normal -i: altkit's entries (by kernel path or altkit.vg=) leave BootOrder"
ok "$([ -e "$V/Boot0001-$G" ] && [ -e "$V/Boot0003-$G" ]; echo $?)" "-m normal -i: the Boot#### entries stay"
is "$(cat "$tmp/list")" "$(printf '%s\n' '-        Boot0000  -                UiApp' '-        Boot0004  -                other linux')" \
	"-f writes the list"
run "$ALTKIT" bootlist -m service -i
ok "$([ ! -e "$V/BootNext-$G" ]; echo $?)" "-m service -i: BootNext (an altkit entry) is gone"
mk next 0004
run "$ALTKIT" bootlist -m service -i
is "$(u16 BootNext)" "0004" "-m service -i: a BootNext of another system stays"

if command -v efibootmgr >/dev/null; then
	run efibootmgr
	like "$out" "BootOrder: 0000,0004" "efibootmgr reads the same BootOrder"
else
	ok 1 "efibootmgr is installed (scripts/install-deps)"
fi

# a distribution's entry: shim on an ESP, no command line (GRUB's config
# names the VG); its partition is on no disk here, so no disk and no VG
mk boot 0005 debian '\EFI\debian\shimx64.efi' 88888888-2222-3333-4444-555555555555 ""
mk order 0005 0000 0004
mk current 0005
run "$ALTKIT" bootlist -m normal -o
is "$out" "$(printf '%s\n' '-        Boot0005  -                debian' '-        Boot0000  -                UiApp' \
	'-        Boot0004  -                other linux')" "a distribution's entry is listed: disk and VG '-' when its ESP is not here"
run "$ALTKIT" bootlist -m prevboot
is "$out" "-        Boot0005  -                debian" "-m prevboot shows the distribution's entry that was booted"
before=$(state)
run "$ALTKIT" bootlist -m both -i
is "$rc" 0 "-i with a distribution's entry first: exit 0"
is "$(state)" "$before" "-i leaves a distribution's entry where it is (it is not altkit's)"

run env EFIVARFS_PATH="$tmp/none" "$ALTKIT" bootlist -m normal -o
is "$rc" 1 "no EFI variables: exit 1"
is "$err" "bootlist: no EFI variables at '$tmp/none' (No such file or directory): this machine did not start through UEFI firmware, or efivarfs is not mounted" \
	"no EFI variables: one clear line"
done_testing
