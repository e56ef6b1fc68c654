# bootlist under OVMF, in the recovery image: vda is the test system; vdb is
# blank, vdc has an ESP but no VG, vdd an ESP and a VG but no boot files.
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
refuse 1 "bootlist: 'vdd': its EFI system partition has no EFI/altkit/vmlinuz.efi; the boot list was not changed" -m normal vdd
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
done_testing
