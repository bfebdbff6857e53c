using EspProv.Device.Ble.DBus;
using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>
/// A peripheral adapter <c>hciN</c> (N ≥ 1): <c>Adapter1</c>, <c>GattManager1</c> and <c>LEAdvertisingManager1</c> as
/// docs/ble.md#bluez-peripheral-role describes them. What applications register here is what the central adapter sees
/// of this "host"; the central appears here as a Device1 at <c>/org/bluez/hciN/dev_&lt;hci0 address&gt;</c> while
/// connected.
/// </summary>
internal sealed class PeripheralAdapter
{
    private const int SupportedInstances = 4;

    private static readonly string[] Roles = ["central", "peripheral"];
    private static readonly string[] Includes = ["tx-power", "appearance", "local-name"];

    private readonly BluezRoot _root;
    private readonly ExportedObject _object;
    private readonly List<GattApplication> _apps = [];
    private readonly List<AdvertisementData> _advertisements = [];
    private readonly HashSet<string> _registering = new(StringComparer.Ordinal);
    private ExportedObject? _peer;

    public PeripheralAdapter(BluezRoot root, VirtualAdapter info, short rssi)
    {
        _root = root;
        Info = info;
        Rssi = rssi;
        _object = new ExportedObject(info.Path) { Methods = HandleMethod, Setter = SetProperty }
            .With(BluezNames.Adapter, new()
            {
                ["Address"] = info.Address,
                ["AddressType"] = "public",
                ["Name"] = "vbluez-" + info.Name,
                ["Alias"] = "vbluez-" + info.Name,
                ["Class"] = VariantValue.UInt32(0),
                // Powered starts false: bleak takes the first powered adapter of an unordered set, so only hci0 may be.
                ["Powered"] = false,
                ["Discoverable"] = false,
                ["Pairable"] = false,
                ["Discovering"] = false,
                ["UUIDs"] = VariantValue.Array(Array.Empty<string>()),
                ["Roles"] = VariantValue.Array(Roles),
            })
            .With(BluezNames.GattManager, [])
            .With(BluezNames.AdvertisingManager, new()
            {
                ["ActiveInstances"] = VariantValue.Byte(0),
                ["SupportedInstances"] = VariantValue.Byte(SupportedInstances),
                ["SupportedIncludes"] = VariantValue.Array(Includes),
            });
        root.Server.Export(_object);
    }

    public VirtualAdapter Info { get; }

    public short Rssi { get; }

    /// <summary>The current link with the central, if any.</summary>
    public Link? Link { get; private set; }

    /// <summary>Registered GATT applications in registration order (their services get handles in that order).</summary>
    public IReadOnlyList<GattApplication> Applications => _apps;

    /// <summary>Bumped whenever the set of applications changes, so a cached GATT mirror knows it is stale.</summary>
    public int GattGeneration { get; private set; }

    /// <summary>The advertisement a scanner hears, or null when not advertising (none registered, or suspended by a link).</summary>
    public AdvertisementData? OnAir => Link is null && _advertisements.Count > 0 ? _advertisements[0] : null;

    /// <summary>The adapter's Alias, which BlueZ uses for the local-name include and the GAP Device Name.</summary>
    public string Alias => _object.TryGet(BluezNames.Adapter, "Alias", out var v) ? v.GetString() : Info.Name;

    public void OnLinkUp(Link link)
    {
        Link = link;
        if (_peer is null || _peer.Path != link.PeerPath)
        {
            _peer = new ExportedObject(link.PeerPath) { Methods = HandlePeerMethod }
                .With(BluezNames.Device, new()
                {
                    ["Address"] = link.Device.Central.Info.Address,
                    ["AddressType"] = "public",
                    ["Alias"] = BluezNames.AddressAlias(link.Device.Central.Info.Address),
                    ["Paired"] = false,
                    ["Bonded"] = false,
                    ["Trusted"] = false,
                    ["Blocked"] = false,
                    ["LegacyPairing"] = false,
                    ["Connected"] = true,
                    ["ServicesResolved"] = false,
                    ["UUIDs"] = VariantValue.Array(Array.Empty<string>()),
                    ["Adapter"] = VariantValue.ObjectPath(Info.Path),
                });
            _root.Server.Export(_peer);
        }
        else
        {
            _root.Server.SetProperty(_peer, BluezNames.Device, "Connected", true);
        }
    }

    public void OnLinkDown(Link link)
    {
        if (Link == link)
        {
            Link = null;
        }
        if (_peer is not null)
        {
            _root.Server.SetProperty(_peer, BluezNames.Device, "Connected", false);
        }
    }

    public void OnClientGone(string uniqueName)
    {
        foreach (var app in _apps.Where(a => a.Owner == uniqueName).ToList())
        {
            RemoveApplication(app);
        }
        foreach (var adv in _advertisements.Where(a => a.Owner == uniqueName).ToList())
        {
            RemoveAdvertisement(adv);
        }
    }

    private bool HandleMethod(MethodCall call)
    {
        switch (call.Interface, call.Member)
        {
            case (BluezNames.GattManager, "RegisterApplication"):
                Register(call, isApplication: true);
                return true;
            case (BluezNames.GattManager, "UnregisterApplication"):
            {
                var path = call.GetReader().ReadObjectPathAsString();
                var app = _apps.Find(a => a.Path == path && a.Owner == call.Sender);
                if (app is null)
                {
                    call.ReplyError(BluezNames.ErrorDoesNotExist, "Does Not Exist");
                    return true;
                }
                RemoveApplication(app);
                call.ReplyEmpty();
                return true;
            }
            case (BluezNames.AdvertisingManager, "RegisterAdvertisement"):
                Register(call, isApplication: false);
                return true;
            case (BluezNames.AdvertisingManager, "UnregisterAdvertisement"):
            {
                var path = call.GetReader().ReadObjectPathAsString();
                var adv = _advertisements.Find(a => a.Path == path && a.Owner == call.Sender);
                if (adv is null)
                {
                    call.ReplyError(BluezNames.ErrorDoesNotExist, "Does Not Exist");
                    return true;
                }
                RemoveAdvertisement(adv);
                call.ReplyEmpty();
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>RegisterApplication/RegisterAdvertisement: the reply is deferred until the object was read
    /// (docs/ble.md#bluez-peripheral-role).</summary>
    private void Register(MethodCall call, bool isApplication)
    {
        var reader = call.GetReader();
        var path = reader.ReadObjectPathAsString();
        reader.ReadDictionaryOfStringToVariantValue();
        var key = (isApplication ? "app " : "adv ") + call.Sender + " " + path;
        var exists = isApplication
            ? _apps.Exists(a => a.Path == path && a.Owner == call.Sender)
            : _advertisements.Exists(a => a.Path == path && a.Owner == call.Sender);
        if (exists || !_registering.Add(key))
        {
            call.ReplyError(BluezNames.ErrorAlreadyExists, "Already Exists");
            return;
        }
        if (!isApplication && _advertisements.Count >= SupportedInstances)
        {
            _registering.Remove(key);
            call.ReplyError(BluezNames.ErrorNotPermitted, "Maximum advertisements reached");
            return;
        }
        call.Defer();
        _ = CompleteRegistrationAsync(call, path, key, isApplication);
    }

    private async Task CompleteRegistrationAsync(MethodCall call, string path, string key, bool isApplication)
    {
        try
        {
            GattApplication? app = null;
            AdvertisementData? adv = null;
            if (isApplication)
            {
                app = await GattApplication.ReadAsync(_root.Connection, call.Sender, path, _root.Options.CallTimeout, _root.Stopping).ConfigureAwait(false);
            }
            else
            {
                adv = await AdvertisementReader.ReadAsync(_root.Connection, call.Sender, path, _root.Options.CallTimeout, _root.Stopping).ConfigureAwait(false);
            }
            lock (_root.Gate)
            {
                if (app is not null)
                {
                    _apps.Add(app);
                    GattGeneration++;
                    call.ReplyEmpty();
                    _root.Central.OnGattChanged(this);
                }
                else if (adv is not null)
                {
                    _advertisements.Add(adv);
                    UpdateActiveInstances();
                    call.ReplyEmpty();
                    _root.Central.OnAdvertisingChanged(this);
                }
            }
        }
        catch (BluezException e)
        {
            call.ReplyError(e.Name, e.Message);
        }
        catch (Exception e) when (e is TimeoutException or DBusExceptionBase or OperationCanceledException)
        {
            call.ReplyError(BluezNames.ErrorFailed, isApplication ? "No object received" : "Failed to parse advertisement.");
        }
        finally
        {
            lock (_root.Gate)
            {
                _registering.Remove(key);
            }
        }
    }

    private void RemoveApplication(GattApplication app)
    {
        _apps.Remove(app);
        GattGeneration++;
        _root.Central.OnGattChanged(this);
    }

    private void RemoveAdvertisement(AdvertisementData adv)
    {
        _advertisements.Remove(adv);
        UpdateActiveInstances();
        _root.Central.OnAdvertisingChanged(this);
    }

    private void UpdateActiveInstances() =>
        _root.Server.SetProperty(_object, BluezNames.AdvertisingManager, "ActiveInstances", VariantValue.Byte((byte)_advertisements.Count));

    private (string, string)? SetProperty(string iface, string property, VariantValue value)
    {
        if (iface == BluezNames.Adapter && property is "Powered" or "Discoverable" or "Pairable" && value.Type == VariantValueType.Bool)
        {
            _root.Server.SetProperty(_object, iface, property, value.GetBool());
            return null;
        }
        if (iface == BluezNames.Adapter && property == "Alias" && value.Type == VariantValueType.String)
        {
            _root.Server.SetProperty(_object, iface, property, value.GetString());
            return null;
        }
        return (BluezNames.ErrorInvalidArguments, "Invalid arguments in method call");
    }

    private bool HandlePeerMethod(MethodCall call)
    {
        switch (call.Interface, call.Member)
        {
            case (BluezNames.Device, "Disconnect"):
                if (Link is { } link && link.PeerPath == call.Path)
                {
                    _root.DropLink(link, call);
                }
                else
                {
                    call.ReplyEmpty();
                }
                return true;
            case (BluezNames.Device, "Connect"):
                call.ReplyError(BluezNames.ErrorNotSupported, "Operation is not supported");
                return true;
            default:
                return false;
        }
    }
}
