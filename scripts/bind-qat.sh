#!/bin/sh
# Bind Intel QAT virtual functions to vfio-pci for DPDK's crypto_qat.
#   scripts/bind-qat.sh                 list the QAT VFs and their drivers
#   scripts/bind-qat.sh BDF [BDF...]    bind those VFs to vfio-pci
# The BDFs are the ones the config allows EAL to use (-a BDF).
set -eu

# QAT VF device IDs, gen1..gen4: DH895xCC, C62x, C3xxx, D15xx, 200xx, C4xxx, 4xxx (x2)
QAT_VF_IDS="0443 37c9 19e3 6f55 18ef 18a1 4941 4943"

devbind=$(command -v dpdk-devbind.py || command -v dpdk-devbind || true)

list() {
	found=0
	for dev in /sys/bus/pci/devices/*; do
		[ "$(cat "$dev/vendor")" = "0x8086" ] || continue
		id=$(sed 's/^0x//' "$dev/device")
		for want in $QAT_VF_IDS; do
			[ "$id" = "$want" ] || continue
			drv=none
			[ -e "$dev/driver" ] && drv=$(basename "$(readlink "$dev/driver")")
			echo "$(basename "$dev") 8086:$id driver=$drv"
			found=1
		done
	done
	[ "$found" = 1 ] || echo "no QAT VF found (SR-IOV enabled? sriov_numvfs set on the PF?)" >&2
}

if [ $# -eq 0 ]; then
	list
	exit 0
fi

[ -n "$devbind" ] || { echo "dpdk-devbind.py not found (package dpdk)" >&2; exit 1; }
[ -d /sys/kernel/iommu_groups ] && [ -n "$(ls /sys/kernel/iommu_groups)" ] ||
	echo "warning: no IOMMU groups: boot with intel_iommu=on, or VFIO needs no-IOMMU mode" >&2
modprobe vfio-pci
for bdf in "$@"; do
	id=$(sed 's/^0x//' "/sys/bus/pci/devices/$bdf/device" 2>/dev/null) ||
		{ echo "$bdf: no such PCI device" >&2; exit 1; }
	case " $QAT_VF_IDS " in
	*" $id "*) ;;
	*) echo "$bdf: 8086:$id is not a QAT VF; refusing" >&2; exit 1 ;;
	esac
	"$devbind" -b vfio-pci "$bdf"
	echo "$bdf 8086:$id -> vfio-pci"
done
