# In the guest (first OVMF boot): write a variable through efivarfs.
. "$PAYLOAD/guest-tap.sh"
var=AltkitTest-6a2f3a3e-8c1e-4b8f-9d52-7c7a6d1f0a11
t "efivarfs is mounted" test -d /sys/firmware/efi/efivars
# 4 bytes of attributes (NV|BS|RT = 7), then the data, in one write
t "write $var" sh -c "printf '\\007\\000\\000\\000altkit-was-here' > /sys/firmware/efi/efivars/$var"
done_testing
