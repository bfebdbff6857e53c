using System.Globalization;
using EspProv.Device.Ble.DBus;
using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>
/// The model behind the <c>org.bluez</c> name: the ObjectManager at <c>/</c>, <c>/org/bluez</c>, the central adapter and
/// the peripheral adapters in radio range of it. All state changes happen under <see cref="Gate"/> (the object server's
/// lock), so signals leave in the order of the changes. It also watches NameOwnerChanged, because BlueZ unregisters an
/// application or advertisement whose connection left the bus (src/gatt-database.c and src/advertising.c, client watch).
/// </summary>
internal sealed class BluezRoot : IDisposable
{
    private readonly List<PeripheralAdapter> _peripherals = [];
    private readonly HashSet<int> _discoveryDrops = [];
    private readonly CancellationTokenSource _stopping = new();
    private IDisposable? _nameWatch;

    public BluezRoot(DBusConnection connection, VirtualBluezOptions options)
    {
        Connection = connection;
        Options = options;
        Random = RadioRandom.Create(options.RandomSeed);
        Server = new ObjectServer(connection, "/");
        Server.Export(new ExportedObject("/org/bluez")
            .With("org.bluez.AgentManager1", [])
            .With("org.bluez.ProfileManager1", []));
        Central = new CentralAdapter(this, new VirtualAdapter("hci0", "/org/bluez/hci0", AddressOf(0)));
    }

    public DBusConnection Connection { get; }

    public VirtualBluezOptions Options { get; }

    public ObjectServer Server { get; }

    public Lock Gate => Server.Gate;

    /// <summary>Seedable, used under <see cref="Gate"/> only.</summary>
    public RadioRandom Random { get; }

    public CentralAdapter Central { get; }

    /// <summary>Cancelled when the virtual BlueZ stops: ends calls still waiting for applications.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Device1.Connect calls received, refused ones included. Under <see cref="Gate"/>.</summary>
    public int ConnectCalls { get; set; }

    /// <summary>Links the central set up, numbered from 1 in the order of their Connect. Under <see cref="Gate"/>.</summary>
    public int Connections { get; set; }

    /// <summary>Fault: connection number <paramref name="connection"/> drops during service discovery.</summary>
    public void DropInDiscovery(int connection)
    {
        lock (Gate)
        {
            _discoveryDrops.Add(connection);
        }
    }

    /// <summary>True (once) when connection number <paramref name="connection"/> is to drop during service discovery. Under <see cref="Gate"/>.</summary>
    public bool TakeDiscoveryDrop(int connection) => _discoveryDrops.Remove(connection);

    public IReadOnlyList<PeripheralAdapter> Peripherals
    {
        get
        {
            lock (Gate)
            {
                return [.. _peripherals];
            }
        }
    }

    /// <summary>Watches bus names, then takes <c>org.bluez</c> once the tree is in place.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var rule = new MatchRule
        {
            Type = MessageType.Signal,
            Sender = DBusNames.Bus,
            Interface = DBusNames.Bus,
            Member = "NameOwnerChanged",
        };
        _nameWatch = await Connection.AddMatchAsync(rule,
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                return (Name: r.ReadString(), Old: r.ReadString(), New: r.ReadString());
            },
            (Notification<(string Name, string Old, string New)> n) =>
            {
                if (n.HasValue && n.Value.New.Length == 0 && n.Value.Name.StartsWith(':'))
                {
                    OnClientGone(n.Value.Name);
                }
            },
            false, ObserverFlags.None, null).AsTask().WaitAsync(Options.StartTimeout, cancellationToken).ConfigureAwait(false);
        await Connection.RequestNameAsync(BluezNames.Service, RequestNameOptions.Default)
            .WaitAsync(Options.StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    public PeripheralAdapter AddPeripheral()
    {
        lock (Gate)
        {
            var index = _peripherals.Count + 1;
            var rssi = (short)(Options.Rssi - (4 * (index - 1)));
            var adapter = new PeripheralAdapter(this, new VirtualAdapter("hci" + index.ToString(CultureInfo.InvariantCulture),
                "/org/bluez/hci" + index.ToString(CultureInfo.InvariantCulture), AddressOf(index)), rssi);
            _peripherals.Add(adapter);
            return adapter;
        }
    }

    /// <summary>Takes a link down: pending central calls fail first, then <paramref name="answerFirst"/> (a Disconnect call) is
    /// answered, then both sides see Connected=false and the peripheral resumes advertising (src/device.c,
    /// docs/ble.md#bluez-central-role).</summary>
    public void DropLink(Link link, MethodCall? answerFirst)
    {
        lock (Gate)
        {
            if (!link.IsUp)
            {
                answerFirst?.ReplyEmpty();
                return;
            }
            link.Down();
            answerFirst?.ReplyEmpty();
            link.Device.OnLinkDown(link);
            link.Peripheral.OnLinkDown(link);
            Central.OnAdvertisingChanged(link.Peripheral);
        }
    }

    private void OnClientGone(string uniqueName)
    {
        lock (Gate)
        {
            foreach (var p in _peripherals)
            {
                p.OnClientGone(uniqueName);
            }
            Central.OnClientGone(uniqueName);
        }
    }

    /// <summary>Locally administered public-looking addresses: hci0 = 02:00:00:00:00:00, hciN = 02:00:00:00:00:0N.</summary>
    private static string AddressOf(int index) => "02:00:00:00:00:" + index.ToString("X2", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _stopping.Cancel();
        _nameWatch?.Dispose();
        Central.Dispose();
        _stopping.Dispose();
    }
}
