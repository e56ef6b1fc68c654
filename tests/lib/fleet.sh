# shellcheck shell=bash
# Host side of the playbook over SSH in tests/vm/debian_lifecycle.t (variant
# a): ansible-playbook on this host runs tests/vm/playbooks/fleet.yml against
# the Debian test system while a start runs, through a loopback port that
# QEMU forwards to the guest's sshd (qemu/vm --ssh-port). The guest side is
# fleet() in tests/vm/payloads/debian-lifecycle.sh. Source after tap.sh, with
# $tmp and the array payload_files.
#   fleet_setup    a key (its public half into the payload), a port, the
#                  inventory; sets fleet_opts (qemu/vm options)
#   fleet_play     in the background during the start
#   fleet_check    afterwards: each task's result, by its name
. "$TOP/tests/lib/ansible.sh"

fleet_setup() {
	ansible_env "$tmp/ansible"
	ssh-keygen -q -t ed25519 -N '' -C altkit-test -f "$tmp/ansible_key" ||
		fail_all "ssh-keygen makes the playbook's key (scripts/install-deps: openssh-client)"
	cp "$tmp/ansible_key.pub" "$tmp/ansible.pub"
	payload_files+=("$tmp/ansible.pub")
	ssh_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	fleet_opts=(--ssh-port "$ssh_port")
	# a throw-away guest: its host key is not kept anywhere
	local unknown="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
	# shellcheck disable=SC2206 # the words of $unknown
	ssh_to=(ssh -q -i "$tmp/ansible_key" -p "$ssh_port" -o BatchMode=yes -o ConnectTimeout=20 $unknown root@127.0.0.1)
	printf 'debian ansible_host=127.0.0.1 ansible_port=%s ansible_user=root ansible_ssh_private_key_file=%s ansible_ssh_common_args="%s"\n' \
		"$ssh_port" "$tmp/ansible_key" "$unknown" >"$tmp/inventory"
}

# fleet_play: once the guest's sshd answers (or $tmp/fleet.ended is there),
# the playbook; its JSON in $tmp/fleet.json, exit status and seconds in
# fleet.rc and fleet.secs; then the guest is told over SSH to go on
fleet_play() {
	local t0
	until "${ssh_to[@]}" true 2>/dev/null; do
		[ ! -e "$tmp/fleet.ended" ] || return 0
		sleep 5
	done
	t0=$(date +%s)
	ANSIBLE_TIMEOUT=60 ANSIBLE_PIPELINING=True ansible-playbook -i "$tmp/inventory" "$TOP/tests/vm/playbooks/fleet.yml" \
		>"$tmp/fleet.json" 2>"$tmp/fleet.err"
	echo $? >"$tmp/fleet.rc"
	echo $(($(date +%s) - t0)) >"$tmp/fleet.secs"
	"${ssh_to[@]}" touch /run/altkit-ansible-done
}
fleet_check() {
	out=$(cat "$tmp/fleet.json" 2>/dev/null)
	if ! is "$(cat "$tmp/fleet.rc" 2>/dev/null)" 0 "ansible-playbook ran over SSH against the Debian test system"; then
		tail -n 20 "$tmp/fleet.err" "$tmp/fleet.json" 2>/dev/null | sed 's/^/# /' >&2
	fi
	diag "measured: the playbook (tests/vm/playbooks/fleet.yml) over SSH took $(cat "$tmp/fleet.secs" 2>/dev/null) s"
	local want
	task_result "vdb before"; want=$(field 'r["stdout"]')
	task_result "a bad disk name"
	is "$(field 'r.get("failed")')" True "a bad disk name (vdb, vdz): the task fails"
	like "$(field 'r["msg"]')" "^alt_disk_copy: .*vdz.*" "  with altkit's own message: $(field 'r["msg"]')"
	task_result "vdb after the bad disk name"
	is "$(field 'r["stdout"]')" "$want" "  vdb's first MiB is as it was"
	task_result clone
	is "$(outcome)" True/False "clone: a change"
	is "$(field 'r["clone"]["name"] + " " + r["clone"]["phases"] + " " + r["clone"]["source"] + " " + r["clone"]["disks"]')" \
		"altinst_rootvg 1,2,3 rootvg vdb2" "  altinst_rootvg, all phases, of rootvg, on vdb2 (alt_rootvg_op -l --json)"
	task_result "clone again"
	is "$(outcome)" False/False "clone again: no change"
	task_result facts
	is "$(field '" ".join(sorted(v["name"] + ":" + v["role"] + ":" + v["disks"] for v in r["ansible_facts"]["alt_rootvg"]))')" \
		"altinst_rootvg:alternate:vdb2 rootvg:booted:vda2" "alt_rootvg_facts: rootvg booted on vda2, the clone on vdb2"
	task_result "boot list"
	is "$(field 'r["changed"]')" True "bootlist normal vda vdb: a change (the clone was first)"
	is "$(field '" ".join(e["disk"] + ":" + e["vg"] for e in r["bootlist"]["normal"][:2])')" "vda:rootvg vdb:altinst_rootvg" \
		"  the list after, from bootlist -o --json"
	task_result "boot list again"
	is "$(outcome)" False/False "bootlist again: no change"
	task_result absent
	is "$(outcome)" True/False "state: absent: a change"
	task_result "absent again"
	is "$(outcome)" False/False "state: absent again: no change"
	task_result "facts after"
	is "$(field '" ".join(v["name"] for v in r["ansible_facts"]["alt_rootvg"])')" rootvg "facts after: rootvg alone"
}
