# In the booted Debian 12 fixture (tests/vm/debian_boot.t), run by its
# altkit-payload.service under dash: what does the system say about itself?
# $PAYLOAD/env holds what scripts/build-debian-fixture recorded.
. "$PAYLOAD/guest-tap.sh"
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

state=$(systemctl is-system-running --wait 2>/dev/null)
like "$state" '^(running|degraded)$' "systemctl is-system-running says running or degraded ($state)"
systemctl --failed --no-legend --plain 2>/dev/null | sed 's/^/# failed unit: /'
is "$(cat /proc/1/comm)" systemd "PID 1 is systemd"
is "$(uname -r)" "$KERNEL" "Debian's kernel runs ($KERNEL)"

# the firmware's boot list: which entry started this boot
cur=$(efibootmgr | sed -n 's/^BootCurrent: //p')
entry=$(efibootmgr -v | grep "^Boot$cur\*\{0,1\} ")
echo "# BootCurrent $cur: $entry"
is "$cur" "$BOOT_ENTRY" "BootCurrent is the entry grub-install made (Boot$BOOT_ENTRY)"
like "$entry" "^Boot$cur\\* debian[[:space:]]" "its description is \"debian\""
like "$entry" 'File\(\\EFI\\debian\\shimx64\.efi\)' "its file path is \\EFI\\debian\\shimx64.efi"
like "$entry" "HD\\(1,GPT,$ESP_PARTUUID," "on the ESP (partition 1, PARTUUID $ESP_PARTUUID)"
t "no bootstrap loader left in \\EFI\\BOOT" test ! -e /boot/efi/EFI/BOOT

# the root VG
cmdline=$(cat /proc/cmdline)
echo "# /proc/cmdline: $cmdline"
like "$cmdline" '(^| )root=/dev/mapper/rootvg-root( |$)' "/proc/cmdline has root=/dev/mapper/rootvg-root"
is "$(findmnt -n -o SOURCE /)" /dev/mapper/rootvg-root "findmnt /: /dev/mapper/rootvg-root"
is "$(findmnt -n -o UUID /)" "$ROOT_UUID" "/ is the root file system made at build time"
is "$(vgs --noheadings -o vg_name,vg_uuid 2>/dev/null | awk '$1 == "rootvg" { print $2 }')" "$VG_UUID" \
	"vgs: rootvg has the VG UUID recorded at build time"
is "$(findmnt -n -o SOURCE /var)" /dev/mapper/rootvg-var "/var is mounted from the var LV"
is "$(findmnt -n -o UUID /var)" "$VAR_UUID" "/var is the file system made at build time"
is "$(lvs --noheadings -o lv_uuid rootvg/var 2>/dev/null | tr -d ' ')" "$LV_VAR_UUID" "the var LV has its UUID"
is "$(findmnt -n -o UUID /boot/efi)" "$ESP_UUID" "/boot/efi is the ESP"
swap=$(swapon --noheadings --show=NAME 2>/dev/null | head -n 1)
is "$(readlink -f "${swap:-none}")" "$(readlink -f /dev/mapper/rootvg-swap)" "the swap LV is in use"

# what it says about itself, for the log
lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINT 2>&1 | sed 's/^/# /'
done_testing
