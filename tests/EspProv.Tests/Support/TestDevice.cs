using System.Linq.Expressions;
using System.Reflection;
using EspProv.Device;
using EspProv.Device.Ble.Peripheral;
using EspProv.Device.Security;
using EspProv.Device.Wifi;

namespace EspProv.Tests.Support;

/// <summary>
/// The one way tests start a simulated device: <c>await TestDevice.Http().Security(...).StartAsync()</c>. Immutable, so a
/// test class can keep a preset (<c>static TestDevice NewDevice =&gt; TestDevice.Http().ConnectDelayMs(20)</c>) and refine it
/// per test. Starts from the library's defaults except a free port (HTTP) and no connect delay; any other setting goes
/// through <see cref="With{T}"/> or <see cref="Options"/>, so new device options need no change here.
/// </summary>
internal sealed class TestDevice
{
    private static readonly MethodInfo CloneMethod =
        typeof(object).GetMethod(nameof(MemberwiseClone), BindingFlags.Instance | BindingFlags.NonPublic)!;

    private readonly SimulatedDeviceOptions _options;
    private readonly HttpDeviceOptions _http;
    private readonly Link _link;

    private TestDevice(SimulatedDeviceOptions options, Link link, HttpDeviceOptions? http = null)
    {
        _options = options;
        _link = link;
        _http = http ?? new HttpDeviceOptions { Port = 0 };
    }

    private enum Link
    {
        Http,
        InMemory,
        Ble,
    }

    /// <summary>A device serving HTTP on 127.0.0.1 on a free port (see <see cref="SimulatedDevice.EndPoint"/>).</summary>
    public static TestDevice Http() => new(Defaults(), Link.Http);

    /// <summary>A device reached through <see cref="SimulatedDevice.CreateInMemoryTransport"/>; no socket.</summary>
    public static TestDevice InMemory() => new(Defaults(), Link.InMemory);

    /// <summary>A device on a virtual BlueZ bus: a BLE test bed starts it with <see cref="StartBleAsync"/>.</summary>
    public static TestDevice Ble() => new(Defaults(), Link.Ble);

    public TestDevice Security(IDeviceSecurity security) => With(o => o.Security, security);

    public TestDevice Flavor(DeviceFlavor flavor) => With(o => o.Flavor, flavor);

    public TestDevice Networks(params SimulatedNetwork[] networks) => With(o => o.Networks, (IReadOnlyList<SimulatedNetwork>)networks);

    public TestDevice AutoStop(bool autoStop) => With(o => o.AutoStop, autoStop);

    public TestDevice ConnectDelay(TimeSpan delay) => With(o => o.ConnectDelay, delay);

    public TestDevice ConnectDelayMs(int milliseconds) => ConnectDelay(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>Any setting of <see cref="SimulatedDeviceOptions"/>: <c>.With(o =&gt; o.ConnectDelay, TimeSpan.FromMilliseconds(50))</c>.</summary>
    public TestDevice With<T>(Expression<Func<SimulatedDeviceOptions, T>> setting, T value)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var property = (setting.Body as MemberExpression)?.Member as PropertyInfo
            ?? throw new ArgumentException("must name a property, as in o => o.ConnectDelay", nameof(setting));
        var copy = Build();
        property.SetValue(copy, value); // an init-only setter; the copy is ours until it is handed out
        return new TestDevice(copy, _link, _http);
    }

    /// <summary>The HTTP front-end's settings, from a free port on 127.0.0.1: <c>.Http(h =&gt; h with { IdleTimeout = … })</c>.</summary>
    public TestDevice Http(Func<HttpDeviceOptions, HttpDeviceOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _link == Link.Http ? new TestDevice(_options, _link, change(_http)) : throw new InvalidOperationException($"a {_link} device has no HTTP front end");
    }

    /// <summary>The HTTP front-end's settings as configured (for a <see cref="SimulatedFleet"/>).</summary>
    public HttpDeviceOptions HttpOptions => _http;

    /// <summary>Replaces the options with what <paramref name="change"/> makes of a copy of them.</summary>
    public TestDevice Options(Func<SimulatedDeviceOptions, SimulatedDeviceOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new TestDevice(change(Build()), _link, _http);
    }

    /// <summary>A copy of the options as configured (for a <see cref="SimulatedFleet"/>).</summary>
    public SimulatedDeviceOptions Build() => (SimulatedDeviceOptions)CloneMethod.Invoke(_options, null)!;

    /// <summary>Creates an in-memory device (nothing to start; no socket).</summary>
    public SimulatedDevice Create() =>
        _link == Link.InMemory ? SimulatedDevice.CreateInMemory(Build()) : throw new InvalidOperationException($"a {_link} device is started, not created");

    public async Task<SimulatedDevice> StartAsync(CancellationToken cancellationToken = default) => _link switch
    {
        Link.Http => await SimulatedDevice.StartAsync(Build(), _http, cancellationToken),
        Link.InMemory => Create(),
        _ => throw new InvalidOperationException("a BLE device needs its bus: use StartBleAsync"),
    };

    /// <summary>Starts a <see cref="Ble"/> device on the bus and adapter <paramref name="ble"/> names.</summary>
    public Task<SimulatedDevice> StartBleAsync(BleDeviceOptions ble, CancellationToken cancellationToken = default) =>
        _link == Link.Ble ? SimulatedDevice.StartBleAsync(Build(), ble, cancellationToken) : throw new InvalidOperationException($"a {_link} device has no BLE front end");

    private static SimulatedDeviceOptions Defaults() => new() { ConnectDelay = TimeSpan.Zero };
}
