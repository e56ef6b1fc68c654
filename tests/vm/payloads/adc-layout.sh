# In the booted test system: --dump-layout, then a clone laid out by -i.
. "$PAYLOAD/guest-tap.sh"
mkdir -p /run/t
alt_disk_copy --dump-layout >/run/t/dump 2>/run/t/dump.err
ok $? "--dump-layout exits 0"
body=$(grep -v '^#' /run/t/dump | tr -s ' ')
is "$body" "root 256M ext3 /
home 64M ext2 /home
var 96M ext4 /var
swap 32M swap -" "--dump-layout lists name, size, type and mount point of every LV"
cat >/run/t/layout <<'X'
# the clone: root sized to its data, home renamed and made ext4
root   used+100%  ext3  /
homelv 64M        ext4  /home
var    same       ext4  /var
swap   32M        swap  -
X
bad() {   # bad LINE-TEXT MESSAGE-REGEX
	printf 'root same ext3 /\n%s\n' "$1" >/run/t/bad
	out=$(alt_disk_copy -d vdb -i /run/t/bad 2>&1); st=$?
	is "$st" 2 "-i refuses '$1'"
	like "$out" "$2" "  naming the line and the problem"
}
bad "var 12X ext4 /var" "^alt_disk_copy: -i '/run/t/bad' line 2: size '12X': expected SIZE, used\+N% or same$"
bad "var same ext4 /nowhere" "^alt_disk_copy: -i '/run/t/bad' line 2: no source LV is mounted on '/nowhere'$"
bad "var same ext2 /var" "^alt_disk_copy: -i '/run/t/bad' line 2: fstype 'ext2': the source's '/var' is ext4"
bad "root2 same ext3 /" "line 2: mountpoint '/' is listed twice"
is "$(lvm vgs --noheadings -o vg_name | tr -d ' ')" rootvg "no refusal made a VG"
alt_disk_copy -d vdb -i /run/t/layout -B -V -D >/run/t/v.out 2>/run/t/v.err; st=$?
is "$st" 0 "alt_disk_copy -i LAYOUT -V -D" || sed 's/^/#   /' /run/t/v.err
t "-V lists the files copied (./etc/hostname)" grep -qx './etc/hostname' /run/t/v.out
t "-D traces each command with its arguments" grep -q '^+ lvm lvcreate -y -W y -Z y -n homelv -L 67108864b altinst_rootvg$' /run/t/v.err
is "$(lvm lvs --noheadings -o lv_name altinst_rootvg | tr -d ' ' | sort | tr '\n' ' ')" "homelv root swap var " "the clone's LVs are named as the layout says"
root_mb=$(lvm lvs --noheadings --units m --nosuffix -o lv_size altinst_rootvg/root | tr -d ' ')
t "root is sized to its data (used+100%: $root_mb MiB, source 256 MiB)" test "${root_mb%.*}" -lt 256
lvm vgchange -q -ay altinst_rootvg >/dev/null
is "$(blkid -s TYPE -o value /dev/altinst_rootvg/homelv)" ext4 "home became ext4"
is "$(blkid -s TYPE -o value /dev/altinst_rootvg/root)" ext3 "root stayed ext3"
mkdir -p /run/c /run/ch
mount -o ro /dev/altinst_rootvg/root /run/c
mount -o ro /dev/altinst_rootvg/homelv /run/ch
like "$(cat /run/c/etc/fstab)" "UUID=$(blkid -s UUID -o value /dev/altinst_rootvg/homelv) +/home" "fstab names the renamed LV's filesystem"
is "$(cat /run/ch/marker)" "testsys home data" "home's files are on homelv"
umount /run/c /run/ch
lvm vgchange -q -an altinst_rootvg >/dev/null
done_testing
