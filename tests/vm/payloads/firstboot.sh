# First-boot scripts ($STEP from env). install: in the recovery image, put a
# script that hangs into the test system; booted: the system after it.
. "$PAYLOAD/guest-tap.sh"
case $STEP in
install)
	lvm vgchange -q -ay rootvg >/dev/null && mkdir -p /run/r && mount /dev/rootvg/root /run/r
	mkdir -p /run/r/etc/altkit
	printf '#!/bin/sh\necho "started as $ALTKIT_FIRSTBOOT" >>/root/fb.log\nsleep 1000 &\nsleep 1001\necho "not killed" >>/root/fb.log\n' \
		>/run/r/etc/altkit/firstboot
	chmod 700 /run/r/etc/altkit/firstboot
	t "a hanging first-boot script is installed" [ -x /run/r/etc/altkit/firstboot ]
	umount /run/r && lvm vgchange -q -an rootvg >/dev/null
	;;
booted)
	is "$(cat /root/fb.log)" "started as 1" "the script ran, once, with ALTKIT_FIRSTBOOT=1, and was stopped"
	t "it is kept as firstboot.done, not pending" sh -c '[ -x /etc/altkit/firstboot.done ] && [ ! -e /etc/altkit/firstboot ]'
	t "nothing it started is left running" sh -c '! ps | grep -v grep | grep -q "sleep 100[01]"'
	t "the root is mounted as the system mounts it (rw after rcS)" grep -q ' / ext4 rw' /proc/mounts
	;;
esac
done_testing
