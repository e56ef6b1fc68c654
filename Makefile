# altkit: a thin front over scripts/. Every stage caches its output under build/
# and rebuilds only what changed. See README.md.

B := build
SYSROOT := $(B)/sysroot
MUSL_ENV := CC=$(CURDIR)/$(SYSROOT)/bin/musl-cc PKG_CONFIG=$(CURDIR)/$(SYSROOT)/bin/pkg-config-static

all: deps altkit kernel initramfs efi iso

deps:
	@scripts/install-deps

# Static musl libraries and helper programs (lvm, mke2fs, busybox, ...).
sysroot:
	@scripts/build-sysroot

# The product: one static binary.
altkit: sysroot
	@$(MAKE) --no-print-directory -s -C src O=$(CURDIR)/$(B) STATIC=1 $(MUSL_ENV)

# A host (glibc) build for quick edit-test loops; SANITIZE=1 for ASan/UBSan.
host:
	@$(MAKE) --no-print-directory -s -C src O=$(CURDIR)/$(B)/host

kernel:
	@scripts/build-kernel

initramfs: altkit sysroot
	@scripts/build-initramfs

efi: kernel initramfs
	@scripts/build-efi

iso: efi
	@scripts/build-iso

# The test system (GPT + rootvg) that the alt_disk_copy tests clone; made in a guest.
testsys: initramfs kernel
	@scripts/build-testsys

# Boot the recovery image in QEMU: a system on rootvg, a blank disk, an optical drive.
run: all testsys
	@scripts/run-demo

# The Debian fixtures build in the background meanwhile (scripts/start-fixtures).
test: deps
	@scripts/start-fixtures
	@$(MAKE) --no-print-directory all testsys deb
	@scripts/run-tests

# The libFuzzer harnesses (fuzz/), FUZZ_TIME seconds each (scripts/run-fuzz,
# docs/fuzzing.md). make test runs each for a few seconds (tests/unit/fuzz.t).
FUZZ_TIME ?= 600
fuzz: deps
	@FUZZ_TIME=$(FUZZ_TIME) scripts/run-fuzz

bench: all
	@scripts/run-bench $(BENCH)

# make install: the binary, a link per command, the man pages (gzip -9n) and
# the boot integration for the distribution's initramfs (dist/). The hook
# directories are where initramfs-tools and dracut look, whatever PREFIX is.
PREFIX ?= /usr
DESTDIR ?=
SBINDIR := $(PREFIX)/sbin
MAN8DIR := $(PREFIX)/share/man/man8
INITRAMFS_TOOLS_DIR ?= /usr/share/initramfs-tools
DRACUT_MODULES_DIR ?= /usr/lib/dracut/modules.d
SUBST_SBINDIR = sed 's|@SBINDIR@|$(SBINDIR)|g'

install: altkit
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MAN8DIR) \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-premount \
		$(DESTDIR)$(DRACUT_MODULES_DIR)/90altkit
	install -m 0755 $(B)/bin/altkit $(DESTDIR)$(SBINDIR)/altkit
	for n in $$($(B)/bin/altkit --list); do ln -sfn altkit $(DESTDIR)$(SBINDIR)/$$n || exit; done
	for m in docs/*.8; do gzip -9n <$$m >$(DESTDIR)$(MAN8DIR)/$${m##*/}.gz || exit; \
		chmod 0644 $(DESTDIR)$(MAN8DIR)/$${m##*/}.gz; done
	$(SUBST_SBINDIR) dist/initramfs-tools/hooks/altkit >$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/altkit
	install -m 0755 dist/initramfs-tools/scripts/init-premount/altkit \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-premount/altkit
	$(SUBST_SBINDIR) dist/dracut/90altkit/module-setup.sh >$(DESTDIR)$(DRACUT_MODULES_DIR)/90altkit/module-setup.sh
	install -m 0755 dist/dracut/90altkit/altkit-rename.sh $(DESTDIR)$(DRACUT_MODULES_DIR)/90altkit/altkit-rename.sh
	chmod 0755 $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/altkit $(DESTDIR)$(DRACUT_MODULES_DIR)/90altkit/module-setup.sh

# build/altkit_<version>_amd64.deb from a `make install` tree (scripts/build-deb).
deb: altkit
	@scripts/build-deb

clean:
	rm -rf $(B)

.PHONY: all deps sysroot altkit host kernel initramfs efi iso testsys run test fuzz bench install deb clean
