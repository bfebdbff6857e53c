#!/usr/bin/python3
"""The simulated device's BLE front-end seen by bleak 0.20.2, as esp_prov uses it (docs/ble.md#esp_prov-over-ble): run
with DBUS_SYSTEM_BUS_ADDRESS set. Scans, finds the device by exact name, connects, reads every 0x2901 descriptor of the
advertised service (hex, in handle order), writes "ESP" to proto-ver with response and prints the answer as one JSON line.
"""
import asyncio
import json
import sys

from bleak import BleakClient, BleakScanner


async def main(name: str, scan_seconds: float) -> int:
    found = await BleakScanner.discover(timeout=scan_seconds, return_adv=True)
    matches = [(d, adv) for d, adv in found.values() if d.name == name]
    if not matches:
        print("NOT-FOUND", json.dumps(sorted(str(d.name) for d, _ in found.values())))
        return 2
    device, adv = matches[-1]
    print("FOUND", device.address, json.dumps(adv.service_uuids), adv.local_name)
    async with BleakClient(device) as client:
        service = client.services.get_service(adv.service_uuids[0])
        endpoints = {}
        descriptions = []
        for characteristic in sorted(service.characteristics, key=lambda c: c.handle):
            for descriptor in characteristic.descriptors:
                if descriptor.uuid[4:8] == "2901":
                    raw = bytes(await client.read_gatt_descriptor(descriptor.handle))
                    descriptions.append(raw.hex())
                    endpoints[raw.decode("latin-1").lower()] = characteristic.uuid
        print("DESCRIPTORS", json.dumps(descriptions, separators=(",", ":")))
        await client.write_gatt_char(endpoints["proto-ver"], b"ESP", response=True)
        answer = await client.read_gatt_char(endpoints["proto-ver"])
        print("PROTO-VER", json.dumps(json.loads(bytes(answer).decode("latin-1")), separators=(",", ":")))
    print("DISCONNECTED")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)))
