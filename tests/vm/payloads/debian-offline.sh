# In the recovery image (tests/vm/debian_lifecycle.t, step offline-clone):
# the Debian disk (vda, altkit installed) is cloned offline to vdb.
. "$PAYLOAD/guest-tap.sh"
. "$PAYLOAD/env"
start=$(date +%s)
out=$(alt_disk_copy --source-vg rootvg -d vdb 2>&1); st=$?
echo "# measured: alt_disk_copy --source-vg rootvg -d vdb (offline, all phases) took $(($(date +%s) - start)) s"
is "$st" 0 "alt_disk_copy --source-vg rootvg -d vdb (offline, from the recovery image)"
echo "$out" | sed 's/^/# | /'
clone=$(lvm vgs --noheadings -o vg_uuid --select vg_name=altinst_rootvg 2>/dev/null | tr -d ' ')
echo "$clone" >"$OUT/clone_uuid"
like "$clone" '.' "the clone is altinst_rootvg ($clone)"
like "$(bootlist -m normal -o 2>&1 | head -n 1)" '^vdb ' "bootlist: vdb first"
bootlist -m normal -o 2>&1 | sed 's/^/# bootlist: /'
done_testing
