using EspProv.Device;
using EspProv.Device.Security;
using EspProv.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspProv.Fuzz.Device.Targets;

/// <summary>
/// Fuzz targets for the simulated device, in-process and without sockets. Byte 0 picks the device: flavor (ESP-IDF or
/// ESP8266), security (0; 1 with PoP; 1 without; 2 patch 1; 2 patch 0 — ESP8266 has no security 2, so the ESP8266
/// choices with security 2 pick a network_provisioning device with security 1 instead: patch 1 a Thread device, patch 0
/// a Wi-Fi device retrying 3 attempts), whether a client handshake runs first, and the mode:
/// <list type="bullet">
/// <item><b>protocomm</b>: the rest is a sequence of operations on <c>ProtocommCore</c> (raw request to any endpoint on
/// any connection with no / the right / a wrong / an over-long cookie; a request encrypted by a real client session so
/// the handlers see fuzzed plaintext; a full client handshake; connection closed; clock advanced; session discarded).</item>
/// <item><b>http</b>: the rest is raw bytes of up to four TCP connections, fed to <c>DeviceHttpServer</c> (the
/// <c>Hosting/</c> request parser and dispatcher) through in-memory pipes; <c>@@</c> in the bytes is replaced by the
/// current session id so cookies can match.</item>
/// <item><b>ble</b> (bit 6 of byte 0): operations on the BLE front-end's GATT value logic, see <see cref="BleGattRun"/>.</item>
/// </list>
/// Contract: no exception escapes, nothing hangs, a client handshake with the right credentials always succeeds and
/// its session then works, a security 2 answer the device encrypted always authenticates on the client, and every
/// byte the HTTP server writes is a well-formed response. Any violation throws (a finding). Also compiled into the
/// test project, which replays the corpus and every saved finding.
/// </summary>
public static class DeviceTargets
{
    public const string Pop = "abcd1234";
    public const string Username = "wifiprov";
    public const string Password = "abcd1234";
    internal const int MaxOperations = 64;
    internal const int MaxHandshakes = 3;
    private static readonly byte[] Salt = Convert.FromHexString("0123456789abcdef0123456789abcdef");
    private static readonly Lazy<byte[]> Verifier = new(() => Security2Credentials.ComputeVerifier(Username, Password, Salt));
    internal static readonly string[] EndpointNames =
        ["proto-ver", "prov-session", "prov-config", "prov-scan", "prov-ctrl", "custom-config", "custom-data", "prov-config?x", "PROV-CONFIG", "unknown"];

    internal enum SecurityChoice
    {
        Sec0,
        Sec1Pop,
        Sec1NoPop,
        Sec2Patch1,
        Sec2Patch0,
    }

    /// <summary>What byte 0 selects, for logs and docs.</summary>
    public static string Describe(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return "empty";
        }

        if (IsBle(input[0]))
        {
            return $"{DeviceFlavor.Idf} {(SecurityChoice)((input[0] >> 1) % 5)} ble {(((input[0] >> 5) & 1) != 0 ? "bluedroid" : "nimble")}";
        }

        var (flavor, network, security, handshake, http) = Decode(input[0]);
        return $"{flavor}{(flavor == DeviceFlavor.Netprov ? " " + network : string.Empty)} {security}{(handshake ? " after handshake" : string.Empty)} {(http ? "http" : "protocomm")}";
    }

    /// <summary>Runs one input. Throws only on a finding.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        if (IsBle(input[0]))
        {
            // Bit 6: the BLE front-end's GATT value logic (ESP-IDF only; bit 5 then picks Bluedroid over NimBLE).
            var choice = (SecurityChoice)((input[0] >> 1) % 5);
            var stack = ((input[0] >> 5) & 1) != 0 ? EspProv.Device.Ble.Peripheral.BleStack.Bluedroid : EspProv.Device.Ble.Peripheral.BleStack.NimBle;
            BleGattRun.Run(stack, DeviceSecurity(choice, new CountingRandom(0x40)), [Pop, Password], input[1..]);
            return;
        }

        var (flavor, network, security, handshake, http) = Decode(input[0]);
        var clock = new FuzzClock();
        var deviceRandom = new CountingRandom(0x40);
        var options = new SimulatedDeviceOptions
        {
            Flavor = flavor,
            Security = DeviceSecurity(security, deviceRandom),
            TimeProvider = clock,
            ConnectDelay = TimeSpan.FromSeconds(1),
            NetworkType = network,
            ConnectionAttempts = flavor == DeviceFlavor.Netprov && network == EspProv.Provisioning.NetworkKind.Wifi ? 3 : 0,
            AutoStop = (input[0] & 0x80) == 0,
            Rearm = (input[0] & 0x80) != 0,
        };
        using var core = new DeviceCore(options, NullLoggerFactory.Instance);
        var run = new DeviceRun(core, clock, security);
        if (handshake)
        {
            run.ClientHandshake();
        }

        if (http)
        {
            run.Http(input[1..], options);
        }
        else
        {
            run.Operations(input[1..]);
        }
    }

    private static bool IsBle(byte selector) => ((selector >> 6) & 1) != 0;

    private static (DeviceFlavor Flavor, EspProv.Provisioning.NetworkKind Network, SecurityChoice Security, bool Handshake, bool Http) Decode(byte selector)
    {
        var flavor = (selector & 1) == 0 ? DeviceFlavor.Idf : DeviceFlavor.Esp8266;
        var security = (SecurityChoice)((selector >> 1) % 5);
        var network = EspProv.Provisioning.NetworkKind.Wifi;
        if (flavor == DeviceFlavor.Esp8266 && security is SecurityChoice.Sec2Patch0 or SecurityChoice.Sec2Patch1)
        {
            flavor = DeviceFlavor.Netprov;
            network = security == SecurityChoice.Sec2Patch1 ? EspProv.Provisioning.NetworkKind.Thread : EspProv.Provisioning.NetworkKind.Wifi;
            security = SecurityChoice.Sec1Pop;
        }

        return (flavor, network, security, ((selector >> 4) & 1) != 0, ((selector >> 5) & 1) != 0);
    }

    private static IDeviceSecurity DeviceSecurity(SecurityChoice choice, IRandomSource random) => choice switch
    {
        SecurityChoice.Sec0 => DeviceSecurity0.Instance,
        SecurityChoice.Sec1Pop => new DeviceSecurity1(Pop, random),
        SecurityChoice.Sec1NoPop => new DeviceSecurity1(null, random),
        SecurityChoice.Sec2Patch1 => new DeviceSecurity2(Username, Salt, Verifier.Value, 1, random),
        _ => new DeviceSecurity2(Username, Salt, Verifier.Value, 0, random),
    };

    internal static ISecurity ClientSecurity(SecurityChoice choice, IRandomSource random) => choice switch
    {
        SecurityChoice.Sec0 => Security0.Instance,
        SecurityChoice.Sec1Pop => new Security1(Pop, random),
        SecurityChoice.Sec1NoPop => new Security1((string?)null, random),
        SecurityChoice.Sec2Patch1 => new Security2(Username, Password, 1, random),
        _ => new Security2(Username, Password, 0, random),
    };

    internal static InvalidOperationException Finding(string what) => new("finding: " + what);
}
