# In the guest (second OVMF boot, same variable store): read the variable back.
. "$PAYLOAD/guest-tap.sh"
var=/sys/firmware/efi/efivars/AltkitTest-6a2f3a3e-8c1e-4b8f-9d52-7c7a6d1f0a11
t "the variable exists after a reboot" test -f $var
is "$(tail -c +5 $var)" altkit-was-here "its data survived"
is "$(head -c 1 $var | od -An -tu1 | tr -d ' ')" 7 "its attributes are NV|BS|RT"
# efivarfs files are immutable by default
t "delete it" sh -c "chattr -i $var; rm $var"
done_testing
