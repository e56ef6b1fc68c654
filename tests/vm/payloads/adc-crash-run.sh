# First boot: a clone that loses its power half way (the host cuts it).
alt_disk_copy -d vdb -B
