#!/usr/bin/env python3
"""Test trees for copytree, and an independent checker.

  gentree.py make DIR [--depth N]      make a tree holding every kind of item
  gentree.py compare A B [-e FILE]     compare two trees; print each difference
  gentree.py unlock DIR...             chattr -i -a everything below DIR
  gentree.py rm PATH...                remove (immutable files, any depth) for cleanup

The checker shares nothing with altkit: its own walk (directory descriptors,
so trees deeper than PATH_MAX work), its own stat/xattr/flag/content reads.
It prints one line per difference ("PATH: WHAT") and, last, a line
"checked: kind=count ..." saying what it looked at; exit 1 when anything
differs. Mount points (another st_dev, or a mount id from /proc/self/mountinfo)
are compared by type only; symlink access times are not compared (readlink
sets them).
"""
import errno
import fcntl
import hashlib
import os
import re
import resource
import socket
import stat
import struct
import subprocess
import sys

FS_IOC_GETFLAGS = 0x80086601
# flags a copy must carry (as chattr sets them): s u c S i a d A m j t D T C P
FLAG_MASK = (0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x400 | 0x4000 |
             0x8000 | 0x10000 | 0x20000 | 0x800000 | 0x20000000)
O_NOATIME = getattr(os, "O_NOATIME", 0o1000000)
O_PATH = getattr(os, "O_PATH", 0o10000000)
GiB = 1 << 30

# fixed times with nanoseconds, each item its own
T0 = 1_600_000_000_123_456_789


def t(n):
    return (T0 + n * 1_000_003_317, T0 + n * 2_000_001_001 + 7)


def run(*cmd):
    subprocess.run(cmd, check=True)


# ---------------------------------------------------------------- make

def make(root, depth):
    root = os.fsencode(root)
    os.makedirs(root, exist_ok=True)
    j = lambda *p: os.path.join(root, *[os.fsencode(x) for x in p])
    times = []          # (path, (atime, mtime)) set at the end, deepest first

    def f(path, data=b"", mode=0o644, uid=0, gid=0, n=0):
        with open(path, "wb") as fh:
            fh.write(data)
        os.chown(path, uid, gid)
        os.chmod(path, mode)
        times.append((path, t(n)))
        return path

    def d(path, mode=0o755, uid=0, gid=0, n=0):
        os.mkdir(path)
        os.chown(path, uid, gid)
        os.chmod(path, mode)
        times.append((path, t(n)))
        return path

    rnd = lambda n: os.urandom(n)

    # regular files: owners (also ids no passwd entry has), modes, sizes
    d(j("files"), n=1)
    f(j("files", "empty"), n=2)
    f(j("files", "text"), b"hello\n", n=3)
    f(j("files", "random-64k"), rnd(65536), n=4)
    f(j("files", "random-3m"), rnd(3 * 1024 * 1024 + 17), n=5)
    f(j("files", "owned"), b"x", 0o640, 1001, 1002, n=6)
    f(j("files", "no-passwd-entry"), b"x", 0o600, 4000000, 4000001, n=7)
    f(j("files", "setuid"), b"#!/bin/sh\n", 0o4755, 0, 0, n=8)
    f(j("files", "setgid"), b"#!/bin/sh\n", 0o2755, 0, 50, n=9)
    f(j("files", "setuid-owned"), b"#!/bin/sh\n", 0o6750, 1234, 1234, n=10)
    f(j("files", "sticky"), b"x", 0o1644, n=11)
    f(j("files", "mode-000"), b"secret", 0o000, n=12)
    f(j("files", "read-only"), b"ro", 0o444, n=13)

    # sparse files: 4 GiB with data at both ends and in the middle; a hole at the end
    d(j("sparse"), n=20)
    p = j("sparse", "4g")
    with open(p, "wb") as fh:
        fh.write(b"start")
        fh.seek(GiB + 123)
        fh.write(rnd(100000))
        fh.seek(4 * GiB - 1)
        fh.write(b"e")
    times.append((p, t(21)))
    p = j("sparse", "trailing-hole")
    with open(p, "wb") as fh:
        fh.write(rnd(8192))
        fh.truncate(64 * 1024 * 1024)
    times.append((p, t(22)))
    p = j("sparse", "only-hole")
    with open(p, "wb") as fh:
        fh.truncate(10 * 1024 * 1024)
    times.append((p, t(23)))

    # hard links: across directories, in one directory, with xattrs and setuid,
    # and an immutable one (its flag can only be set once all names exist)
    d(j("links"), n=30)
    d(j("links", "a"), n=31)
    d(j("links", "b"), n=32)
    d(j("links", "b", "sub"), n=33)
    h = f(j("links", "a", "h1"), b"linked three times", 0o640, 1001, 1001, n=34)
    os.link(h, j("links", "b", "h2"))
    os.link(h, j("links", "b", "sub", "h3"))
    h = f(j("links", "pair1"), b"two names", n=35)
    os.link(h, j("links", "pair2"))
    h = f(j("links", "a", "suid-linked"), b"#!/bin/sh\n", 0o4711, n=36)
    os.setxattr(h, b"user.linked", b"yes")
    os.link(h, j("links", "b", "suid-linked"))
    h = f(j("links", "a", "immutable-linked"), b"frozen", n=37)
    os.link(h, j("links", "b", "immutable-linked"))
    # not only regular files have more names: a symlink, a FIFO, a device
    os.symlink(b"../h1", j("links", "a", "symlink-linked"))
    os.link(j("links", "a", "symlink-linked"), j("links", "b", "symlink-linked"), follow_symlinks=False)
    os.mkfifo(j("links", "a", "fifo-linked"), 0o640)
    os.link(j("links", "a", "fifo-linked"), j("links", "b", "fifo-linked"))
    os.mknod(j("links", "a", "dev-linked"), 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    os.link(j("links", "a", "dev-linked"), j("links", "b", "dev-linked"))
    for name in ("symlink-linked", "fifo-linked", "dev-linked"):
        times.append((j("links", "a", name), t(38)))

    # symlinks: never followed; their own owner and times
    d(j("symlinks"), n=40)
    os.symlink(b"../files/text", j("symlinks", "relative"))
    os.symlink(b"/etc/passwd", j("symlinks", "absolute-outside"))
    os.symlink(b"no/such/target", j("symlinks", "dangling"))
    os.symlink(b"../files", j("symlinks", "to-dir"))
    os.symlink(b"x" * 1000, j("symlinks", "long-target"))
    p = j("symlinks", "owned")
    os.symlink(b"../files/owned", p)
    os.chown(p, 1234, 5678, follow_symlinks=False)
    p = j("symlinks", "with-xattr")
    os.symlink(b"target", p)
    fd = os.open(p, O_PATH | os.O_NOFOLLOW)
    os.setxattr("/proc/self/fd/%d" % fd, b"trusted.on-symlink", b"v")
    os.close(fd)
    for i, name in enumerate(os.listdir(j("symlinks"))):
        times.append((os.path.join(j("symlinks"), name), t(41 + i)))

    # xattrs and ACLs
    d(j("xattrs"), n=50)
    p = f(j("xattrs", "user"), b"x", n=51)
    os.setxattr(p, b"user.plain", b"value")
    os.setxattr(p, b"user.binary", bytes(range(256)))
    os.setxattr(p, b"user.empty", b"")
    p = f(j("xattrs", "large"), b"x", n=52)
    os.setxattr(p, b"user.large", rnd(3000))
    p = f(j("xattrs", "trusted"), b"x", n=53)
    os.setxattr(p, b"trusted.t", b"trusted value")
    # security.capability: cap_net_raw+ep, on a file owned by someone (set after chown)
    p = f(j("xattrs", "capability"), b"\x7fELF", 0o755, 1001, 1001, n=54)
    run("setcap", "cap_net_raw,cap_net_admin+ep", os.fsdecode(p))
    p = f(j("xattrs", "acl"), b"x", 0o640, n=55)
    run("setfacl", "-m", "u:1234:rw-,g:5678:r--,m::rw-", os.fsdecode(p))
    p = d(j("xattrs", "acl-dir"), 0o2775, 0, 5678, n=56)
    run("setfacl", "-m", "u:1234:rwx", os.fsdecode(p))
    run("setfacl", "-d", "-m", "u:1234:rwx,g:5678:r-x", os.fsdecode(p))
    # created after the default ACL: it inherits one
    f(j("xattrs", "acl-dir", "inherited"), b"x", 0o640, n=57)

    # devices, FIFO, socket
    d(j("special"), n=60)
    os.mknod(j("special", "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mknod(j("special", "loop0"), 0o660 | stat.S_IFBLK, os.makedev(7, 0))
    os.mknod(j("special", "big-numbers"), 0o600 | stat.S_IFCHR, os.makedev(4000, 1000000))
    os.chown(j("special", "loop0"), 0, 6)
    os.mkfifo(j("special", "fifo"), 0o620)
    s = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    os.chdir(j("special"))          # the socket path may be long: bind by a short name
    s.bind("socket")
    os.chdir(here)
    s.close()
    os.chmod(j("special", "socket"), 0o755)
    for i, name in enumerate(os.listdir(j("special"))):
        times.append((os.path.join(j("special"), name), t(61 + i)))

    # names with any bytes
    d(j("names"), n=70)
    for i, name in enumerate([b"new\nline", b"\xff\xfe-not-utf8-\xe9", b"with space",
                              b"-starts-with-dash", b"back\\slash", b"tab\there",
                              b"n" * 255, "ünïcödé".encode(), b"*?[glob]", b".hidden"]):
        f(os.path.join(j("names"), name), name, n=71 + i)

    # directories: empty, modes, owners
    d(j("dirs"), n=90)
    d(j("dirs", "empty"), n=91)
    d(j("dirs", "private"), 0o700, 1234, 1234, n=92)
    d(j("dirs", "setgid"), 0o2775, 0, 50, n=93)
    d(j("dirs", "sticky"), 0o1777, n=94)
    d(j("dirs", "no-access"), 0o000, n=95)
    f(j("dirs", "no-access", "inside"), b"x", n=96)

    # inode flags: immutable (file and directory with contents), append-only, nodump, noatime
    d(j("flags"), n=100)
    f(j("flags", "immutable"), b"can't touch this", n=101)
    f(j("flags", "append-only"), b"log\n", n=102)
    f(j("flags", "nodump"), b"x", n=103)
    f(j("flags", "noatime"), b"x", n=104)
    d(j("flags", "immutable-dir"), n=105)
    f(j("flags", "immutable-dir", "inside"), b"x", n=106)

    # a chain deeper than PATH_MAX, with a file at the bottom
    d(j("deep"), n=110)
    fd = os.open(j("deep"), os.O_RDONLY | os.O_DIRECTORY)
    fds = [fd]
    for i in range(depth):
        os.mkdir(b"d", dir_fd=fds[-1])
        fds.append(os.open(b"d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
    with open(os.open(b"bottom", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fds[-1]), "wb") as fh:
        fh.write(b"the bottom\n")
    os.utime(b"bottom", ns=t(111), dir_fd=fds[-1])
    for i in range(len(fds) - 1, 0, -1):
        os.utime(b"d", ns=t(112 + i % 50), dir_fd=fds[i - 1], follow_symlinks=False)
        os.close(fds[i])
    os.close(fds[0])

    # times last, deepest first (making entries changed their directories' times)
    times.append((root, t(120)))
    for path, ns in sorted(times, key=lambda x: -x[0].count(b"/")):
        os.utime(path, ns=ns, follow_symlinks=False)
    # flags after times (immutable forbids utime)
    run("chattr", "+i", os.fsdecode(j("flags", "immutable")))
    run("chattr", "+a", os.fsdecode(j("flags", "append-only")))
    run("chattr", "+d", os.fsdecode(j("flags", "nodump")))
    run("chattr", "+A", os.fsdecode(j("flags", "noatime")))
    run("chattr", "+i", os.fsdecode(j("flags", "immutable-dir")))
    run("chattr", "+i", os.fsdecode(j("links", "a", "immutable-linked")))


# ---------------------------------------------------------------- unlock, remove

FS_IOC_SETFLAGS = 0x40086602


def _unlock_fd(fd):
    try:
        f = struct.unpack("i", fcntl.ioctl(fd, FS_IOC_GETFLAGS, b"\0" * 8)[:4])[0]
        if f & 0x30:
            fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("i", f & ~0x30) + b"\0" * 4)
    except OSError:
        pass


def _walk_fd(path, remove):
    """Clear immutable and append-only below path (by descriptors: any depth),
    and with remove, delete it all."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(st.st_mode):
        if stat.S_ISREG(st.st_mode):
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
            _unlock_fd(fd)
            os.close(fd)
        if remove:
            os.unlink(path)
        return
    top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    _unlock_fd(top)
    rootdev = os.fstat(top).st_dev
    stack = [(top, None, iter(sorted(os.fsencode(n) for n in os.listdir(top))))]
    while stack:
        fd, name, it = stack[-1]
        entry = next(it, None)
        if entry is None:
            stack.pop()
            os.close(fd)
            if remove and stack:
                os.rmdir(name, dir_fd=stack[-1][0])
            continue
        st = os.stat(entry, dir_fd=fd, follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode) and st.st_dev == rootdev:
            sub = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            _unlock_fd(sub)
            stack.append((sub, entry, iter(sorted(os.fsencode(n) for n in os.listdir(sub)))))
            continue
        if stat.S_ISREG(st.st_mode):
            f = os.open(entry, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW, dir_fd=fd)
            _unlock_fd(f)
            os.close(f)
        if remove and not stat.S_ISDIR(st.st_mode):
            os.unlink(entry, dir_fd=fd)
    if remove:
        os.rmdir(path)


def unlock(paths, remove=False):
    for p in paths:
        _walk_fd(os.fsencode(p), remove)


# ---------------------------------------------------------------- compare

def mount_ids():
    ids = {}
    try:
        with open("/proc/self/mountinfo", "rb") as fh:
            for line in fh:
                parts = line.split()
                mp = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), parts[4])
                ids[mp] = int(parts[0])
    except OSError:
        pass
    return ids


class Checker:
    def __init__(self, a, b, exclude):
        self.top = [os.fsencode(a), os.fsencode(b)]
        self.exclude = exclude
        self.diffs = 0
        self.counts = {}
        self.links = [{}, {}]
        self.maxdepth = 0
        mounts = mount_ids()
        # directories that are mount points (by path), below either tree
        self.mountpaths = set()
        for side in (0, 1):
            real = os.path.realpath(self.top[side])
            for mp in mounts:
                if mp.startswith(real + b"/"):
                    self.mountpaths.add((side, b"." + mp[len(real):]))

    def differ(self, path, what):
        self.diffs += 1
        sys.stdout.buffer.write(path + b": " + what.encode() + b"\n")

    def count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def open(self, dirfd, name, flags):
        nofollow = os.O_NOFOLLOW if dirfd is not None else 0
        try:
            return os.open(name, flags | O_NOATIME | nofollow, dir_fd=dirfd)
        except PermissionError:
            return os.open(name, flags | nofollow, dir_fd=dirfd)

    @staticmethod
    def xattrs(fd, opath):
        target = "/proc/self/fd/%d" % fd if opath else fd
        try:
            names = os.listxattr(target)
        except OSError as e:
            if e.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
                return {}
            raise
        return {n: os.getxattr(target, n) for n in names}

    @staticmethod
    def flags(fd):
        try:
            buf = fcntl.ioctl(fd, FS_IOC_GETFLAGS, b"\0" * 8)
        except OSError:
            return 0
        return struct.unpack("i", buf[:4])[0] & FLAG_MASK

    @staticmethod
    def segments(fd, size):
        segs, off = [], 0
        while off < size:
            try:
                d = os.lseek(fd, off, os.SEEK_DATA)
            except OSError as e:
                if e.errno == errno.ENXIO:
                    break
                raise
            h = min(os.lseek(fd, d, os.SEEK_HOLE), size)
            segs.append((d, h))
            off = h
        return segs

    @staticmethod
    def digest(fd, segs):
        hsh = hashlib.sha256()
        for start, end in segs:
            hsh.update(struct.pack("QQ", start, end))
            os.lseek(fd, start, os.SEEK_SET)
            left = end - start
            while left:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                hsh.update(chunk)
                left -= len(chunk)
        return hsh.hexdigest()

    def meta_of(self, st):
        kind = stat.S_IFMT(st.st_mode)
        m = {"type": kind, "uid": st.st_uid, "gid": st.st_gid, "mtime": st.st_mtime_ns}
        if kind != stat.S_IFLNK:
            m["mode"] = oct(stat.S_IMODE(st.st_mode))
            m["atime"] = st.st_atime_ns
        if kind in (stat.S_IFREG, stat.S_IFLNK):
            m["size"] = st.st_size
        if kind in (stat.S_IFCHR, stat.S_IFBLK):
            m["rdev"] = (os.major(st.st_rdev), os.minor(st.st_rdev))
        if kind != stat.S_IFDIR:
            m["nlink"] = st.st_nlink
        return m

    def read_side(self, dirfd, name, st):
        """Everything about one entry that needs it opened."""
        kind = stat.S_IFMT(st.st_mode)
        out = {}
        if kind == stat.S_IFLNK:
            out["target"] = os.readlink(name, dir_fd=dirfd)
        if kind in (stat.S_IFREG, stat.S_IFDIR):
            fd = self.open(dirfd, name, os.O_RDONLY | os.O_NONBLOCK)
            try:
                out["xattrs"] = self.xattrs(fd, False)
                out["flags"] = self.flags(fd)
                if kind == stat.S_IFREG:
                    segs = self.segments(fd, st.st_size)
                    out["holes"] = segs
                    out["data"] = self.digest(fd, segs)
            finally:
                os.close(fd)
        else:
            fd = os.open(name, O_PATH | os.O_NOFOLLOW, dir_fd=dirfd)
            try:
                out["xattrs"] = self.xattrs(fd, True)
            finally:
                os.close(fd)
        return out

    def is_mount(self, side, path, st):
        return st.st_dev != self.rootdev[side] or (side, path) in self.mountpaths

    def note(self, path, st, extra):
        kind = stat.S_IFMT(st.st_mode)
        self.count({stat.S_IFREG: "reg", stat.S_IFDIR: "dir", stat.S_IFLNK: "lnk",
                    stat.S_IFCHR: "chr", stat.S_IFBLK: "blk", stat.S_IFIFO: "fifo",
                    stat.S_IFSOCK: "sock"}[kind])
        if kind != stat.S_IFDIR and st.st_nlink > 1:
            self.count("hardlinked")
        if st.st_mode & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX):
            self.count("setid-sticky")
        x = extra.get("xattrs", {})
        if x:
            self.count("xattrs")
        if "system.posix_acl_access" in x:
            self.count("acl")
        if "system.posix_acl_default" in x:
            self.count("default-acl")
        if "security.capability" in x:
            self.count("capability")
        if extra.get("flags", 0) & 0x10:
            self.count("immutable")
        if extra.get("flags", 0) & 0x20:
            self.count("append")
        if kind == stat.S_IFREG and st.st_blocks * 512 < st.st_size:
            self.count("sparse")
        if b"\n" in path:
            self.count("newline-name")
        try:
            path.decode()
        except UnicodeDecodeError:
            self.count("non-utf8-name")

    def compare_pair(self, path, fds, name, sts):
        ma, mb = self.meta_of(sts[0]), self.meta_of(sts[1])
        if ma["type"] != mb["type"]:
            self.differ(path, "type %o != %o" % (ma["type"], mb["type"]))
            return False
        for k in ma:
            if ma[k] != mb.get(k):
                self.differ(path, "%s %s != %s" % (k, ma[k], mb.get(k)))
        ea = self.read_side(fds[0], name, sts[0])
        eb = self.read_side(fds[1], name, sts[1])
        for k in ea:
            if ea[k] == eb.get(k):
                continue
            if k == "xattrs":
                for n in sorted(set(ea[k]) | set(eb[k])):
                    if ea[k].get(n) != eb[k].get(n):
                        self.differ(path, "xattr %s differs" % n)
            else:
                self.differ(path, "%s differs: %r != %r" % (k, ea[k], eb.get(k)))
        self.note(path, sts[0], ea)
        if ma["type"] != stat.S_IFDIR and sts[0].st_nlink > 1:
            for side in (0, 1):
                key = (sts[side].st_dev, sts[side].st_ino)
                other = (sts[1 - side].st_dev, sts[1 - side].st_ino)
                seen = self.links[side].setdefault(key, (other, path))
                if seen[0] != other:
                    self.differ(path, "hard link structure differs (side %d, first %r)"
                                % (side, seen[1]))
        return True

    def excluded(self, path):
        return any(re.search(p, path) for p in self.exclude)

    def run(self):
        resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
        fds = [self.open(None, self.top[s], os.O_RDONLY | os.O_DIRECTORY) for s in (0, 1)]
        sts = [os.fstat(fd) for fd in fds]
        self.rootdev = [sts[0].st_dev, sts[1].st_dev]
        self.compare_pair(b".", fds, b".", sts)
        stack = [(fds, b".")]
        while stack:
            fds, dpath = stack.pop()
            depth = dpath.count(b"/")
            self.maxdepth = max(self.maxdepth, depth)
            names = [set(os.fsencode(n) for n in os.listdir(fd)) for fd in fds]
            subdirs = []
            for name in sorted(names[0] | names[1]):
                path = dpath + b"/" + name
                sts = [None, None]
                for s in (0, 1):
                    if name in names[s]:
                        sts[s] = os.stat(name, dir_fd=fds[s], follow_symlinks=False)
                mount = sts[0] is not None and self.is_mount(0, path, sts[0])
                if self.exclude and not mount and self.excluded(path):
                    continue
                if sts[0] is None or sts[1] is None:
                    self.differ(path, "only in %s" % ("A" if sts[1] is None else "B"))
                    continue
                if mount or self.is_mount(1, path, sts[1]):
                    self.count("mountpoint")
                    if stat.S_IFMT(sts[0].st_mode) != stat.S_IFMT(sts[1].st_mode):
                        self.differ(path, "type differs at a mount point")
                    continue
                if self.compare_pair(path, fds, name, sts) and stat.S_ISDIR(sts[0].st_mode):
                    subdirs.append((name, path))
            for name, path in reversed(subdirs):
                sub = [self.open(fds[s], name, os.O_RDONLY | os.O_DIRECTORY) for s in (0, 1)]
                stack.append((sub, path))
            # a directory's descriptors are needed until its subdirectories are opened
            for fd in fds:
                os.close(fd)
        self.counts["maxdepth"] = self.maxdepth
        print("checked: " + " ".join("%s=%d" % kv for kv in sorted(self.counts.items())))
        return 1 if self.diffs else 0


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    cmd = args.pop(0)
    if cmd == "make":
        depth = 5000
        if "--depth" in args:
            i = args.index("--depth")
            depth = int(args[i + 1])
            del args[i:i + 2]
        make(args[0], depth)
    elif cmd == "compare":
        exclude = []
        if "-e" in args:
            i = args.index("-e")
            with open(args[i + 1], "rb") as fh:
                # grep BRE -> Python: good enough for the test lists (no \( \{ used)
                exclude = [re.compile(line.rstrip(b"\n")) for line in fh if line.strip()]
            del args[i:i + 2]
        sys.exit(Checker(args[0], args[1], exclude).run())
    elif cmd == "unlock":
        unlock(args)
    elif cmd == "rm":
        unlock(args, remove=True)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
