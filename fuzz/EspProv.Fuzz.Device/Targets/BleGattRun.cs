using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Core;
using EspProv.Device.Security;
using Microsoft.Extensions.Logging;

namespace EspProv.Fuzz.Device.Targets;

/// <summary>
/// The BLE mode of <see cref="DeviceTargets"/>: operations on the BLE front-end's value logic
/// (<see cref="GattProvisioningServer"/>, in-process, no D-Bus) as BlueZ would deliver them: characteristic writes of any
/// size to any endpoint from one of three centrals with a chosen MTU and offset, reads and descriptor reads at any offset,
/// descriptor writes, and disconnects. Contract: nothing throws, reads honour the offset rule, a refused or failed write
/// leaves every stored value as it was, a stored value never exceeds the stack's limit, descriptors always read their exact
/// name, and no secret ever reaches the device log.
/// </summary>
internal sealed class BleGattRun
{
    private const int MaxOperations = 64;
    private static readonly string[] Centrals = ["/org/bluez/hci1/dev_02_00_00_00_00_00", "/org/bluez/hci1/dev_02_00_00_00_00_07", string.Empty];

    private readonly GattProvisioningServer _server;
    private readonly List<string> _log;
    private readonly string[] _secrets;

    private BleGattRun(GattProvisioningServer server, List<string> log, string[] secrets)
    {
        _server = server;
        _log = log;
        _secrets = secrets;
    }

    public static void Run(BleStack stack, IDeviceSecurity security, string[] secrets, ReadOnlySpan<byte> rest)
    {
        var log = new List<string>();
        var options = new SimulatedDeviceOptions { Security = security, ConnectDelay = TimeSpan.Zero, AutoStop = false, LoggerFactory = new LogLines(log) };
        var device = SimulatedDevice.CreateInMemory(options);
        try
        {
            var layout = GattLayout.For([.. device.Service.EndpointNames], BleDeviceOptions.ExampleServiceUuid);
            var server = new GattProvisioningServer(device.Service, layout, stack, options.LoggerFactory.CreateLogger("EspProv.Device.Ble.Peripheral.GattProvisioningServer"));
            new BleGattRun(server, log, secrets).Operations(rest);
        }
        finally
        {
            device.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private void Operations(ReadOnlySpan<byte> rest)
    {
        for (var count = 0; count < MaxOperations && rest.Length > 0; count++)
        {
            var op = FuzzInput.Next(ref rest);
            var index = FuzzInput.Next(ref rest) % _server.Endpoints.Count;
            switch (op % 6)
            {
                case 0:
                case 1:
                    Write(index, op, ref rest);
                    break;
                case 2:
                    Read(index, Offset(ref rest));
                    break;
                case 3:
                    var name = _server.ReadDescriptor(index, 0).Value ?? throw Finding("a descriptor read at offset 0 failed");
                    if (System.Text.Encoding.ASCII.GetString(name) != _server.Endpoints[index].Name)
                    {
                        throw Finding("a descriptor does not read its exact endpoint name");
                    }

                    var offset = Offset(ref rest);
                    var part = _server.ReadDescriptor(index, offset);
                    if ((part.Value is null) != (offset > name.Length))
                    {
                        throw Finding("a descriptor read broke the offset rule");
                    }

                    break;
                case 4:
                    if (GattProvisioningServer.WriteDescriptor().Action != GattWriteAction.Fail)
                    {
                        throw Finding("a descriptor write was accepted");
                    }

                    break;
                default:
                    _server.CentralDisconnectedAsync(Centrals[op / 6 % Centrals.Length]).GetAwaiter().GetResult();
                    break;
            }
        }

        lock (_log)
        {
            foreach (var line in _log)
            {
                if (_secrets.Any(s => line.Contains(s, StringComparison.Ordinal)))
                {
                    throw Finding("a secret reached the device log");
                }
            }
        }
    }

    private void Write(int index, byte op, ref ReadOnlySpan<byte> rest)
    {
        var central = Centrals[op / 6 % Centrals.Length];
        var mtu = 23 + (FuzzInput.Next(ref rest) * 2);
        var offset = (op & 0x80) != 0 ? Offset(ref rest) : 0;
        // Lengths up to ~600 so both stacks' limits (481, 512) are crossed.
        var length = Math.Min((FuzzInput.Next(ref rest) * 3) + (op & 0x40) / 16, 600);
        var value = new byte[length];
        var available = Math.Min(length, rest.Length);
        rest[..available].CopyTo(value);
        rest = rest[available..];

        var before = Snapshot();
        var outcome = _server.WriteCharacteristicAsync(central, index, value, offset, mtu, CancellationToken.None).GetAwaiter().GetResult();
        var after = Snapshot();
        var limit = _server.Stack == BleStack.Bluedroid ? GattProvisioningServer.BluedroidMaxBytes : GattProvisioningServer.AttributeMaxBytes;
        for (var i = 0; i < after.Length; i++)
        {
            if (i != index && !after[i].AsSpan().SequenceEqual(before[i]))
            {
                throw Finding("a write changed another characteristic's value");
            }

            if (after[i].Length > limit)
            {
                throw Finding("a stored value exceeds the stack's limit");
            }
        }

        if (outcome.Action != GattWriteAction.Acknowledge && !after[index].AsSpan().SequenceEqual(before[index]))
        {
            throw Finding("a refused write changed the stored value");
        }

        if (outcome.Action == GattWriteAction.DropLink)
        {
            _server.CentralDisconnectedAsync(central).GetAwaiter().GetResult();
        }
    }

    private void Read(int index, int offset)
    {
        var full = _server.ReadCharacteristic(index, 0).Value ?? throw Finding("a read at offset 0 failed");
        var part = _server.ReadCharacteristic(index, offset);
        if (offset > full.Length ? part.Error is null : part.Value is null || !part.Value.AsSpan().SequenceEqual(full.AsSpan(offset)))
        {
            throw Finding("a read broke the offset rule");
        }
    }

    private byte[][] Snapshot() => [.. Enumerable.Range(0, _server.Endpoints.Count).Select(i => _server.ReadCharacteristic(i, 0).Value!)];

    private static int Offset(ref ReadOnlySpan<byte> rest) => FuzzInput.Next(ref rest) * 3;

    private static InvalidOperationException Finding(string what) => new("finding: ble: " + what);
}
