using EspProv.Device.Handlers;
using EspProv.Device.Protocomm;
using EspProv.Device.Security;
using EspProv.Device.Thread;
using EspProv.Device.Wifi;
using Microsoft.Extensions.Logging;

namespace EspProv.Device;

/// <summary>
/// Everything of a simulated device except the network: endpoints of the flavor, protocomm, the provisioning manager
/// and station. The HTTP host drives it; tests can drive it directly.
/// </summary>
internal sealed class DeviceCore : IDisposable
{
    public DeviceCore(SimulatedDeviceOptions options, ILoggerFactory loggers)
    {
        Flavor = options.Flavor;
        var time = options.TimeProvider ?? TimeProvider.System;
        var networks = options.Networks.ToArray();
        var station = new SimulatedStation(networks, options.ConnectDelay, time, loggers.CreateLogger<SimulatedStation>(), options.ConnectionAttempts);
        Manager = new ProvisioningManager(options.Flavor, options.AutoStop, options.Rearm, time, networks, station, loggers.CreateLogger<ProvisioningManager>());
        Endpoints = new EndpointRegistry();
        var security = options.Security ?? new DeviceSecurity1(SimulatedDeviceOptions.DefaultPop, options.Random);
        var netprov = options.Flavor == DeviceFlavor.Netprov;
        var kind = netprov ? options.NetworkType : EspProv.Provisioning.NetworkKind.Wifi;
        Thread = kind == EspProv.Provisioning.NetworkKind.Thread ? new ThreadProvisioning(options, time, Manager, loggers.CreateLogger<ThreadProvisioning>()) : null;
        var version = VersionDocument.For(options.Flavor, security, kind);
        var config = new WifiConfigHandler(Manager);
        var custom = new CustomEndpointHandlers(Manager);
        Endpoints.Add(EspProv.Transport.Endpoints.ProtoVer, EndpointKind.Version, _ => (byte[])version.Clone());
        Endpoints.Add(EspProv.Transport.Endpoints.Session, EndpointKind.Session, _ => null);
        Endpoints.Add(EspProv.Transport.Endpoints.Config, EndpointKind.Encrypted, netprov ? new NetworkConfigHandler(kind, config, Thread).Handle : config.Handle);
        Endpoints.Add(EspProv.Transport.Endpoints.CustomConfig, EndpointKind.Encrypted, custom.HandleCustomConfig);
        if (options.Flavor != DeviceFlavor.Esp8266)
        {
            var scan = new WifiScanHandler(Manager);
            Endpoints.Add(EspProv.Transport.Endpoints.Scan, EndpointKind.Encrypted, netprov ? new NetworkScanHandler(kind, scan, Thread).Handle : scan.Handle);
            Endpoints.Add(EspProv.Transport.Endpoints.Control, EndpointKind.Encrypted, netprov ? new NetworkCtrlHandler(kind, Manager, Thread).Handle : new WifiCtrlHandler(Manager).Handle);
            Endpoints.Add(EspProv.Transport.Endpoints.CustomData, EndpointKind.Encrypted, custom.HandleCustomData);
        }

        var thread = Thread;
        Action afterResponse = thread is null ? Manager.AfterResponse : () =>
        {
            Manager.AfterResponse();
            thread.AfterResponse();
        };
        Protocomm = new ProtocommCore(options.Flavor, security, Endpoints, loggers.CreateLogger<ProtocommCore>()) { AfterResponse = afterResponse };
        Manager.SessionDiscardRequested = Protocomm.DiscardSession;
    }

    public DeviceFlavor Flavor { get; }

    public EndpointRegistry Endpoints { get; }

    public ProtocommCore Protocomm { get; }

    public ProvisioningManager Manager { get; }

    /// <summary>The Thread side of a Thread device; null for a Wi-Fi device.</summary>
    public ThreadProvisioning? Thread { get; }

    /// <summary>The provisioning state of the device's network kind.</summary>
    public ProvisioningState State => Thread?.State ?? Manager.State;

    public void Dispose()
    {
        Protocomm.Dispose();
        Thread?.Dispose();
        Manager.Dispose();
    }
}
