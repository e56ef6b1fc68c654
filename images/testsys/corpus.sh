# Make a test corpus in directory $1 holding every kind of file the copy
# engine must carry over (busybox ash; runs in the recovery image).
# Prints nothing; fails on the first error.
corpus() {
	d=$1
	set -e
	mkdir -p "$d/dir/sub" "$d/other"
	echo "hello corpus" >"$d/dir/file"
	# hard links, also across directories
	ln "$d/dir/file" "$d/other/hardlink-a"
	ln "$d/dir/file" "$d/dir/sub/hardlink-b"
	# symlinks: relative, absolute (pointing outside the tree), dangling
	ln -s ../file "$d/dir/sub/symlink-rel"
	ln -s /etc/passwd "$d/symlink-abs"
	ln -s nowhere "$d/dangling"
	# devices and a FIFO
	mknod "$d/blockdev" b 7 200
	mknod "$d/chardev" c 1 3
	mkfifo "$d/fifo"
	# data, sparse data (holes must stay holes)
	dd if=/dev/urandom of="$d/random" bs=1024 count=300 2>/dev/null
	dd if=/dev/urandom of="$d/sparse" bs=4096 count=1 seek=16384 2>/dev/null
	truncate -s 128M "$d/sparse"
	: >"$d/empty"
	# modes and owners (ids with no passwd entry)
	echo x >"$d/setuid"; chmod 4755 "$d/setuid"
	echo x >"$d/setgid"; chmod 2711 "$d/setgid"
	mkdir "$d/sticky"; chmod 1777 "$d/sticky"
	echo x >"$d/owned"; chown 4321:8765 "$d/owned"
	chown -h 4321:8765 "$d/dangling"
	# names with a newline, a non-UTF-8 byte, spaces
	echo nl >"$d/new
line"
	echo bad >"$d/$(printf 'bad\377name')"
	echo sp >"$d/with spaces"
	# xattrs: user, a file capability (cap_net_bind_service, v2), POSIX ACLs
	setfattr -n user.comment -v "corpus xattr" "$d/dir/file"
	echo cap >"$d/cap-file"
	altkit setxattr "$d/cap-file" security.capability 0x0100000200040000000000000000000000000000
	# ACL: user::rw- user:1000:r-- group::r-- mask::r-- other::---
	acl=0x0200000001000600ffffffff02000400e803000004000400ffffffff10000400ffffffff20000000ffffffff
	altkit setxattr "$d/dir/file" system.posix_acl_access "$acl"
	altkit setxattr "$d/dir/sub" system.posix_acl_default "$acl"
	# a deep directory chain
	p=$d/deep
	i=0
	while [ $i -lt 60 ]; do p=$p/d$i; i=$((i + 1)); done
	mkdir -p "$p"
	echo leaf >"$p/leaf"
	# an old timestamp (busybox touch takes whole seconds; every file made
	# here has nanoseconds of its own from the clock)
	touch -d "2001-02-03 04:05:06" "$d/random"
	# inode flags, applied last
	echo imm >"$d/immutable"; chattr +i "$d/immutable"
	echo app >"$d/appendonly"; chattr +a "$d/appendonly"
	echo nod >"$d/nodump"; chattr +d "$d/nodump"
	set +e
}
