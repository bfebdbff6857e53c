#!/usr/bin/python3
"""Fidelity check of the virtual BlueZ with bleak 0.20.2 (docs/ble.md#esp_prov-over-ble, #a-bluez-stand-in-for-bleak):
run with DBUS_SYSTEM_BUS_ADDRESS set.

Does what esp_prov's BLE client does: scan, find the device by exact name, connect, read every 0x2901 descriptor of
the provisioning service, write a request with response to proto-ver and read the answer back. Prints one line per step.
"""
import asyncio
import json
import sys

from bleak import BleakClient, BleakScanner

SERVICE = "021a9004-0382-4aea-bff4-6b3f1c5adfb4"


async def main(name: str, scan_seconds: float) -> int:
    found = await BleakScanner.discover(timeout=scan_seconds, return_adv=True)
    matches = [(d, adv) for d, adv in found.values() if d.name == name]
    if not matches:
        print("NOT-FOUND", json.dumps(sorted(str(d.name) for d, _ in found.values())))
        return 2
    device, adv = matches[-1]
    print("FOUND", device.address, json.dumps(adv.service_uuids), adv.local_name, adv.rssi)
    async with BleakClient(device) as client:
        print("CONNECTED", client.is_connected)
        service = client.services.get_service(SERVICE)
        endpoints = {}
        for characteristic in service.characteristics:
            for descriptor in characteristic.descriptors:
                if descriptor.uuid[4:8] == "2901":
                    text = bytes(await client.read_gatt_descriptor(descriptor.handle)).decode("latin-1").lower()
                    endpoints[text] = characteristic.uuid
        print("ENDPOINTS", json.dumps(sorted(endpoints), separators=(",", ":")))
        await client.write_gatt_char(endpoints["proto-ver"], b"ESP", response=True)
        answer = await client.read_gatt_char(endpoints["proto-ver"])
        print("PROTO-VER", bytes(answer).decode("latin-1"))
    print("DISCONNECTED")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)))
