# In the booted test system: a clone with an exclude list onto a disk smaller
# than rootvg (its LVs shrink to what the data needs).
. "$PAYLOAD/guest-tap.sh"
mkdir -p /run/t /tmp/keepme /home/u/scratch/sub /root/scratch /var/cache/app /var/scratch
echo x >/tmp/keepme/file
echo x >/home/u/scratch/sub/file
echo x >/home/u/keep
echo x >/root/scratch/file
echo x >/var/cache/app/junk
echo x >/var/scratch/file
echo x >/var/keep
cat >/run/t/ex <<'X'
^./tmp/
/scratch/

^./var/cache/
X
out=$(alt_disk_copy -d vdb -e /run/t/ex -B --no-snapshot 2>&1); st=$?
is "$st" 0 "alt_disk_copy -e onto a smaller disk" || echo "$out" | sed 's/^/#   /'
like "$out" "--no-snapshot: copying the live tree" "--no-snapshot copies the live tree and says so"
like "$out" "'root' will be [0-9]+ MiB on the clone \(256 MiB on the source\)" "root shrinks to fit"
root_mb=$(lvm lvs --noheadings --units m --nosuffix -o lv_size altinst_rootvg/root | tr -d ' ')
t "the clone's root LV is smaller than the source's ($root_mb MiB)" test "${root_mb%.*}" -lt 256
lvm vgchange -q -ay altinst_rootvg >/dev/null
for lv in root var home; do mkdir -p /run/c_$lv; mount -o ro /dev/altinst_rootvg/$lv /run/c_$lv; done
t "./tmp itself stays (^./tmp/)" test -d /run/c_root/tmp
t "the contents of ./tmp are gone" test ! -e /run/c_root/tmp/keepme
t "/scratch/ drops the contents of /root/scratch" test ! -e /run/c_root/root/scratch/file
t "  but keeps the directory" test -d /run/c_root/root/scratch
t "/scratch/ works inside /home (its own filesystem)" test ! -e /run/c_home/u/scratch/sub
t "  and /home/u/keep is there" test -f /run/c_home/u/keep
t "^./var/cache/ matches inside /var (its own filesystem)" test ! -e /run/c_var/cache/app
t "  ./var/cache itself stays" test -d /run/c_var/cache
t "/scratch/ drops /var/scratch's contents" test ! -e /run/c_var/scratch/file
t "/var/keep is there" test -f /run/c_var/keep
t "mount points stay: ./var and ./home" test -d /run/c_root/var -a -d /run/c_root/home
printf '%s\n' '^\./etc/fstab$' '^\./etc/altkit' '^\./etc$' '^\./tmp$' '^\./root/scratch$' >/run/t/exp2
altkit treediff --no-atime -e /run/t/ex -e /run/t/exp2 / /run/c_root >/run/t/d 2>&1
ok $? "the rest of the root tree equals the source" || head -20 /run/t/d | sed 's/^/#   /'
for lv in root var home; do umount /run/c_$lv; done
lvm vgchange -q -an altinst_rootvg >/dev/null
done_testing
