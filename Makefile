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

# Boot the recovery image in QEMU with two blank 2 GiB disks and an optical drive.
run: all
	@scripts/run-demo

test: all testsys
	@scripts/run-tests

bench: all
	@scripts/run-bench $(BENCH)

clean:
	rm -rf $(B)

.PHONY: all deps sysroot altkit host kernel initramfs efi iso testsys run test bench clean
