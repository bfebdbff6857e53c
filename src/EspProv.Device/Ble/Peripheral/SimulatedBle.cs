using EspProv.Device.Ble.Peripheral;

namespace EspProv.Device;

/// <summary>The BLE front-end's entry points on <see cref="SimulatedDevice"/>: a BlueZ peripheral (docs/ble.md#bluez-peripheral-role).</summary>
public static class SimulatedBle
{
    extension(SimulatedDevice device)
    {
        /// <summary>
        /// Validates the options and starts a device that BLE centrals reach through BlueZ
        /// (docs/ble.md#bluez-peripheral-role): it registers a GATT application and an advertisement on
        /// <paramref name="ble"/>'s adapter, laid out and behaving as ESP-IDF firmware (in-memory links work too).
        /// Auto-stop unregisters both and drops the link, as firmware stops its BLE stack.
        /// </summary>
        /// <example>
        /// <code>
        /// // With the virtual BlueZ (no Bluetooth hardware): a central on hci0 finds "PROV_TEST01".
        /// await using var bluez = await VirtualBluezService.StartAsync();
        /// await using var device = await SimulatedDevice.StartBleAsync(new SimulatedDeviceOptions(),
        ///     new BleDeviceOptions { Name = "PROV_TEST01", Adapter = "hci1", BusAddress = bluez.BusAddress });
        /// </code>
        /// </example>
        /// <exception cref="ArgumentException">Invalid options, or an ESP8266 flavor (it has no BLE).</exception>
        /// <exception cref="BleUnavailableException">No bus, no BlueZ, no suitable adapter, or BlueZ refused a registration.</exception>
        public static async Task<SimulatedDevice> StartBleAsync(SimulatedDeviceOptions options, BleDeviceOptions ble, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(ble);
            ble.Validate();
            if (options.Flavor == DeviceFlavor.Esp8266)
            {
                throw new ArgumentException("the ESP8266 has no BLE: use the idf flavor for a BLE device", nameof(options));
            }

            return await SimulatedDevice.StartWithAsync(options, async (service, ct) =>
                await BleFrontEnd.StartAsync(service, ble, options.LoggerFactory, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The name the device advertises over BLE; null when it serves no BLE.</summary>
        public string? BleName => device.Ble?.DeviceName;

        /// <summary>The BLE front-end, when the device has one.</summary>
        internal BleFrontEnd? Ble => device.FrontEnd<BleFrontEnd>();
    }
}
