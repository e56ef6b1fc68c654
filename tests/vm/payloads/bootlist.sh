# bootlist under OVMF, in the recovery image: vda is the test system; vdb is
# blank, vdc has an ESP but no VG, vdd an ESP and a VG but no boot files (at
# the end: a distribution's ESP, shim and GRUB in EFI/<vendor>).
. "$PAYLOAD/guest-tap.sh"
EV=/sys/firmware/efi/efivars
G=8be4df61-93ca-11d2-aa0d-00e098032b8c
state() { cat $EV/Boot[0-9A-F][0-9A-F][0-9A-F][0-9A-F]-$G $EV/BootOrder-$G $EV/BootNext-$G 2>/dev/null | md5sum; }
nboot() { ls $EV | grep -c "^Boot[0-9A-F]\{4\}-$G"; }
# efivarfs cannot seek: read it whole, drop the attribute word
u16() { cat "$EV/$1-$G" 2>/dev/null | od -An -tx2 -v | tr -s ' \n' ' ' | cut -d' ' -f4- | sed 's/ $//'; }

altkit mkgpt /dev/vdc esp:16M linux:rest && mkfs.vfat -F 32 /dev/vdc1 >/dev/null
altkit mkgpt /dev/vdd esp:16M lvm:rest && mkfs.vfat -F 32 /dev/vdd1 >/dev/null
lvm pvcreate -q -y /dev/vdd2 >/dev/null && lvm vgcreate -q datavg /dev/vdd2 >/dev/null
sleep 0.5

refuse() {   # refuse EXIT MESSAGE ARGS...
	want=$1 msg=$2; shift 2
	before=$(state)
	out=$(bootlist "$@" 2>&1); st=$?
	is "$st" "$want" "bootlist $*: exit $want"
	is "$out" "$msg" "bootlist $*: says why"
	is "$(state)" "$before" "bootlist $*: no variable changed"
}
n0=$(nboot)
refuse 1 "bootlist: 'vdb': has no GPT partition table; the boot list was not changed" -m normal vda vdb
refuse 1 "bootlist: 'vda2': is a partition of 'vda'; name the whole disk; the boot list was not changed" -m normal vda2
refuse 1 "bootlist: 'vdc': holds no volume group (nothing altkit can boot); the boot list was not changed" -m normal vdc
refuse 1 "bootlist: 'vdd': no boot entry starts its EFI system partition and no loader altkit knows was found on it (EFI/altkit/vmlinuz.efi, EFI/<vendor>/shimx64.efi or grubx64.efi); the boot list was not changed" -m normal vdd
refuse 1 "bootlist: 'sr9': no such disk; the boot list was not changed" -m normal vda sr9
refuse 1 "bootlist: '/dev/vda': is named twice; the boot list was not changed" -m normal vda /dev/vda
before=$(state)
out=$(ALTKIT_FAULT_EFIVAR_WRITE=2 bootlist -m both vda 2>&1); st=$?
is "$st" 1 "a write failing half way (BootOrder after the new Boot####): exit 1"
is "$out" "bootlist: cannot write the EFI variable BootOrder: No space left on device; the boot list was not changed" \
	"a write failing half way: says which"
is "$(state)" "$before" "a write failing half way: the new Boot#### is gone again, nothing changed"
is "$(nboot)" "$n0" "a write failing half way: no Boot#### left behind"

t "bootlist -m normal vda" bootlist -m normal vda
first=$(u16 BootOrder | cut -d' ' -f1)
is "$(nboot)" "$((n0 + 1))" "one Boot#### was added"
line=$(bootlist -m normal -o | head -n 1)
like "$line" "^vda +Boot[0-9A-F]{4} +rootvg +altkit vda$" "bootlist -o: vda first, with its VG"
like "$line" "Boot$(printf %s "$first" | tr a-f A-F)" "bootlist -o: the number in BootOrder"
before=$(state)
t "bootlist -m normal vda again" bootlist -m normal vda
is "$(state)" "$before" "the same disk again: no duplicate, no variable rewritten"

t "bootlist -m service vda" bootlist -m service vda
is "$(u16 BootNext)" "$first" "-m service: BootNext is vda's entry"
out=$(bootlist -m service -o)
like "$out" "^vda +Boot" "-m service -o shows it"
out=$(bootlist -m prevboot); st=$?
is "$st" 0 "-m prevboot: exit 0"
is "$out" "(no BootCurrent: this start did not come from a boot entry)" "-m prevboot: a -kernel start has no boot entry, and says so"
bootlist -m normal -o -f /tmp/list >/tmp/shown
is "$(cat /tmp/list)" "$(cat /tmp/shown)" "-f writes what -o shows"

# for the host: efibootmgr decodes what we wrote
mkdir -p "$OUT/vars"
cp $EV/Boot$(printf %s "$first" | tr a-f A-F)-$G $EV/BootOrder-$G "$OUT/vars/"
sed -n 's/.*altkit.vg=\([^ ]*\).*/\1/p' /proc/cmdline >/dev/null
blkid -s PARTUUID -o value /dev/vda1 >"$OUT/esp-partuuid"
bootlist -m both -i
st=$?
is "$st" 0 "bootlist -m both -i: exit 0"
is "$(bootlist -m normal -o | grep -c altkit)" 0 "-i: no altkit entry left in BootOrder"
ok "$([ ! -e $EV/BootNext-$G ]; echo $?)" "-i: BootNext (ours) is gone"
ok "$([ -e $EV/Boot$(printf %s "$first" | tr a-f A-F)-$G ]; echo $?)" "-i: the Boot#### itself stays"
altkit-init --banner >/tmp/banner
like "$(cat /tmp/banner)" "rootvg +booted" "the banner shows VG roles"
like "$(cat /tmp/banner)" "Boot entries \(UEFI\):" "the banner shows the boot entries"

# ---- a distribution's disk: its ESP has shim/GRUB, no altkit kernel ----
num() { bootlist -m normal -o | awk -v d="$1" '$NF == d && $1 == "vdd" { print $2; exit }' | sed 's/^Boot//'; }
esp() {   # esp add|rm FILE...: change vdd's ESP (unmounted again after)
	op=$1; shift
	mkdir -p /tmp/e && mount /dev/vdd1 /tmp/e || return 1
	for f in "$@"; do
		if [ "$op" = add ]; then mkdir -p "/tmp/e/${f%/*}" && echo "loader $f" >"/tmp/e/$f"; else rm -rf "/tmp/e/$f"; fi
	done
	umount /tmp/e
}
esp add EFI/debian/shimx64.efi EFI/debian/grubx64.efi EFI/debian/mmx64.efi EFI/BOOT/BOOTX64.EFI
n1=$(nboot)
t "bootlist -m normal vdd (shim and GRUB in EFI/debian, no entry yet)" bootlist -m normal vdd
is "$(nboot)" "$((n1 + 1))" "distribution: one Boot#### was made for the ESP's one loader"
like "$(bootlist -m normal -o | head -n 1)" "^vdd +Boot[0-9A-F]{4} +datavg +debian vdd$" \
	"distribution: -o shows it first, with the disk and the disk's VG, described '<vendor> <disk>'"
deb=$(num "vdd")
like "$deb" "^[0-9A-F]{4}$" "distribution: its number"
mkdir -p "$OUT/distvars"
cp $EV/Boot$deb-$G $EV/BootOrder-$G "$OUT/distvars/"
blkid -s PARTUUID -o value /dev/vdd1 >"$OUT/vdd-partuuid"
before=$(state)
t "bootlist -m normal vdd again" bootlist -m normal vdd
is "$(state)" "$before" "distribution: the same disk again: no duplicate, no variable rewritten"

esp add EFI/ubuntu/shimx64.efi
t "bootlist -m normal vda" bootlist -m normal vda
t "bootlist -m normal vdd (its entry exists; two loaders on the ESP now)" bootlist -m normal vdd
is "$(nboot)" "$((n1 + 1))" "reuse: no Boot#### was added"
is "$(u16 BootOrder | cut -d' ' -f1 | tr a-f A-F)" "$deb" "reuse: the existing entry is first in BootOrder"

esp rm EFI/debian/shimx64.efi
refuse 1 "bootlist: 'vdd': no boot entry starts its EFI system partition and it holds 2 loaders (\\EFI\\debian\\grubx64.efi, \\EFI\\ubuntu\\shimx64.efi): make an entry for the one to boot (efibootmgr -c); the boot list was not changed" -m normal vdd
esp rm EFI/debian
n2=$(nboot)
t "bootlist -m both vdd (the entry's loader is gone; one loader left: ubuntu)" bootlist -m both vdd
is "$(nboot)" "$((n2 + 1))" "a missing loader file: its entry is not reused, one is made for the loader there"
ubu=$(num "vdd")
like "$(bootlist -m normal -o | head -n 1)" "^vdd +Boot$ubu +datavg +ubuntu vdd$" "the new entry is first: 'ubuntu vdd'"
is "$(u16 BootNext | tr a-f A-F)" "$ubu" "-m both: BootNext is the new entry too"

esp add EFI/debian/shimx64.efi
t "bootlist -m normal vda" bootlist -m normal vda
before=$(nboot)
t "bootlist -m service vdd (two entries start its ESP)" bootlist -m service vdd
is "$(u16 BootNext | tr a-f A-F)" "$ubu" "two entries for the ESP: the first in BootOrder is used (not the lower number $deb)"
is "$(nboot)" "$before" "two entries for the ESP: none added"
out=$(bootlist -m normal -o)
like "$out" "^vda +Boot[0-9A-F]{4} +rootvg +altkit vda$" "-o: altkit's entry as before"
like "$(echo "$out" | grep "Boot$deb")" "^vdd +Boot$deb +datavg +debian vdd$" "-o: the other distribution entry, with disk and VG"

# alt_rootvg_op -X drops the distribution entries of the VG's disk, not vda's
lvm vgrename -q datavg old_rootvg >/dev/null
keep=$(u16 BootOrder | cut -d' ' -f1 | tr a-f A-F)
out=$(alt_rootvg_op -X old_rootvg 2>&1); st=$?
is "$st" 0 "alt_rootvg_op -X old_rootvg: exit 0"
like "$out" "2 boot entries of 'old_rootvg' removed" "-X: both distribution entries of its disk removed"
ok "$([ ! -e $EV/Boot$deb-$G ] && [ ! -e $EV/Boot$ubu-$G ]; echo $?)" "-X: their Boot#### are gone"
ok "$([ ! -e $EV/BootNext-$G ]; echo $?)" "-X: BootNext (one of them) is gone"
ok "$([ -e $EV/Boot$keep-$G ]; echo $?)" "-X: vda's entry stays"
is "$(u16 BootOrder | grep -c -e "$(echo $deb | tr A-F a-f)" -e "$(echo $ubu | tr A-F a-f)")" 0 "-X: neither is in BootOrder"

# a disk shared by two VGs: removing one of them keeps the entry of its ESP
altkit mkgpt /dev/vdc esp:16M lvm:24M lvm:rest >/dev/null && mkfs.vfat -F 32 /dev/vdc1 >/dev/null
lvm pvcreate -q -y /dev/vdc2 /dev/vdc3 >/dev/null && lvm vgcreate -q old_rootvg /dev/vdc2 >/dev/null &&
	lvm vgcreate -q othervg /dev/vdc3 >/dev/null
mkdir -p /tmp/e && mount /dev/vdc1 /tmp/e && mkdir -p /tmp/e/EFI/debian && echo shim >/tmp/e/EFI/debian/shimx64.efi &&
	umount /tmp/e
t "bootlist -m normal vdc (a disk with two VGs)" bootlist -m normal vdc
like "$(bootlist -m normal -o | head -n 1)" "^vdc +Boot[0-9A-F]{4} +(old_rootvg|othervg) +debian vdc$" \
	"a disk with two VGs: its entry shows one of them"
shared=$(bootlist -m normal -o | head -n 1 | awk '{ print $2 }')
out=$(alt_rootvg_op -X old_rootvg 2>&1); st=$?
is "$st" 0 "alt_rootvg_op -X old_rootvg (its disk also holds othervg): exit 0"
ok "$(printf '%s' "$out" | grep -q "boot entr"; [ $? -ne 0 ]; echo $?)" "-X: no boot entry removed"
ok "$([ -e $EV/$shared-$G ]; echo $?)" "-X: the entry of the shared disk's ESP stays"
# the disk holds one VG now; its ESP mounted (in use by the running system): the entry stays
lvm vgrename -q othervg old_rootvg >/dev/null
mount /dev/vdc1 /tmp/e
out=$(alt_rootvg_op -X old_rootvg 2>&1); st=$?
umount /tmp/e
is "$st" 0 "alt_rootvg_op -X old_rootvg (the ESP of its disk is mounted): exit 0"
ok "$(printf '%s' "$out" | grep -q "boot entr"; [ $? -ne 0 ]; echo $?)" "-X, ESP mounted: no boot entry removed"
ok "$([ -e $EV/$shared-$G ]; echo $?)" "-X, ESP mounted: its entry stays"
done_testing
