#!/bin/bash
# qemu/vm's ending of a guest that runs a payload, with a stand-in for
# qemu-system-x86_64 (first on PATH) that writes a serial console and
# behaves as told: each case its exit status, the time it may take, and what
# vm says. A boot that falls into systemd's emergency shell must end at once,
# not at --timeout (a Debian fixture's failed boot waited 40 minutes there).
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
cat >"$tmp/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# stand-in: the serial console is "-serial file:LOG"; $FAKE_QEMU says what to do
for a; do case $a in file:*) log=${a#file:} ;; esac; done
case $FAKE_QEMU in
emergency)
	printf 'You are in emergency mode. After logging in, type "journalctl -xb"\n' >>"$log"
	printf 'Give root password for maintenance\n(or press Control-D to continue): ' >>"$log"
	exec sleep 60 ;;
payload-ok) printf 'altkit-payload-exit: 0\n' >>"$log"; exit 0 ;;
payload-3) printf 'altkit-payload-exit: 3\n' >>"$log"; exit 0 ;;
silent) exec sleep 60 ;;
esac
EOF
chmod 755 "$tmp/bin/qemu-system-x86_64"
: >"$tmp/vmlinuz"
printf 'true\n' >"$tmp/payload.sh"

# case        status  seconds  message
cases="
emergency     125     15       emergency shell after [0-9]+ s; stopped
payload-ok    0       15       -
payload-3     3       15       -
silent        124     15       timed out after 3 s
"
while read -r what want secs msg; do
	[ -n "$what" ] || continue
	t0=$(date +%s)
	out=$(PATH="$tmp/bin:$PATH" FAKE_QEMU=$what "$TOP/qemu/vm" --accel tcg --boot kernel \
		--kernel "$tmp/vmlinuz" --timeout 3 --payload "$tmp/payload.sh" 2>&1)
	st=$? took=$(($(date +%s) - t0))
	is "$st" "$want" "$what: vm exits $want"
	ok "$([ "$took" -le "$secs" ]; echo $?)" "$what: within $secs s (took $took s)"
	if [ "$msg" != - ]; then
		like "$out" "$msg" "$what: vm says so"
	fi
done <<<"$cases"

# --ssh-port: a NIC with the loopback port forwarded to the guest's sshd
# (tests/vm/debian_lifecycle.t runs ansible-playbook through it)
# port      status  the QEMU command line has (or what vm says)
ports="
2222      0       -netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22 -device virtio-net-pci,netdev=net0,romfile=
65535     0       hostfwd=tcp:127.0.0.1:65535-:22
65536     125     --ssh-port '65536': expected a TCP port number
0         125     --ssh-port '0': expected a TCP port number
22;id     125     --ssh-port '22;id': expected a TCP port number
"
while read -r port want says; do
	[ -n "$port" ] || continue
	out=$("$TOP/qemu/vm" --dry-run --accel tcg --boot kernel --kernel "$tmp/vmlinuz" --ssh-port "$port" 2>&1)
	st=$?
	is "$st" "$want" "--ssh-port $port: exit $want"
	ok "$(grep -qF -- "$says" <<<"${out//\\/}"; echo $?)" "  $says" || diag "$out"
done <<<"$ports"
done_testing
