using EspProv.Device.Handlers;
using EspProv.Device.Protocomm;
using EspProv.Device.Security;
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
        var station = new SimulatedStation(networks, options.ConnectDelay, time, loggers.CreateLogger<SimulatedStation>());
        Manager = new ProvisioningManager(options.Flavor, options.AutoStop, options.Rearm, time, networks, station, loggers.CreateLogger<ProvisioningManager>());
        Endpoints = new EndpointRegistry();
        var security = options.Security ?? new DeviceSecurity1(SimulatedDeviceOptions.DefaultPop, options.Random);
        var version = VersionDocument.For(options.Flavor, security);
        var config = new WifiConfigHandler(Manager);
        var custom = new CustomEndpointHandlers(Manager);
        Endpoints.Add(EspProv.Transport.Endpoints.ProtoVer, EndpointKind.Version, _ => (byte[])version.Clone());
        Endpoints.Add(EspProv.Transport.Endpoints.Session, EndpointKind.Session, _ => null);
        Endpoints.Add(EspProv.Transport.Endpoints.Config, EndpointKind.Encrypted, config.Handle);
        Endpoints.Add(EspProv.Transport.Endpoints.CustomConfig, EndpointKind.Encrypted, custom.HandleCustomConfig);
        if (options.Flavor == DeviceFlavor.Idf)
        {
            Endpoints.Add(EspProv.Transport.Endpoints.Scan, EndpointKind.Encrypted, new WifiScanHandler(Manager).Handle);
            Endpoints.Add(EspProv.Transport.Endpoints.Control, EndpointKind.Encrypted, new WifiCtrlHandler(Manager).Handle);
            Endpoints.Add(EspProv.Transport.Endpoints.CustomData, EndpointKind.Encrypted, custom.HandleCustomData);
        }

        Protocomm = new ProtocommCore(options.Flavor, security, Endpoints, loggers.CreateLogger<ProtocommCore>()) { AfterResponse = Manager.AfterResponse };
        Manager.SessionDiscardRequested = Protocomm.DiscardSession;
    }

    public DeviceFlavor Flavor { get; }

    public EndpointRegistry Endpoints { get; }

    public ProtocommCore Protocomm { get; }

    public ProvisioningManager Manager { get; }

    public void Dispose()
    {
        Protocomm.Dispose();
        Manager.Dispose();
    }
}
