using EspProv.Device.Ble.DBus;
using EspProv.Transport.Ble.Bluez;
using Tmds.DBus.Protocol;

namespace EspProv.VirtualBluez;

/// <summary>A descriptor of a registered application: its object path, 128-bit UUID and flags.</summary>
internal sealed record AppDescriptor(string Path, string Uuid, IReadOnlyList<string> Flags);

/// <summary>A characteristic of a registered application, with its descriptors in the order the application listed them.</summary>
internal sealed record AppCharacteristic(string Path, string Uuid, IReadOnlyList<string> Flags, IReadOnlyList<AppDescriptor> Descriptors);

/// <summary>A service of a registered application.</summary>
internal sealed record AppService(string Path, string Uuid, bool Primary, IReadOnlyList<AppCharacteristic> Characteristics);

/// <summary>
/// A GATT application registered with <c>GattManager1.RegisterApplication</c>, as BlueZ's database holds it after reading
/// the application's <c>GetManagedObjects</c> (src/gatt-database.c: client_ready_cb → create_service/database_add_app).
/// </summary>
internal sealed class GattApplication
{
    private GattApplication(string owner, string path, IReadOnlyList<AppService> services)
    {
        Owner = owner;
        Path = path;
        Services = services;
    }

    /// <summary>Unique bus name of the connection that registered it; its disappearance unregisters it.</summary>
    public string Owner { get; }

    public string Path { get; }

    public IReadOnlyList<AppService> Services { get; }

    /// <summary>
    /// Reads the application tree. Objects keep the application's order (BlueZ allocates handles in that order);
    /// references must be object paths (<c>o</c>), as BlueZ ignores objects whose Service/Characteristic is a string.
    /// </summary>
    /// <exception cref="BluezException">BlueZ's RegisterApplication error for an unusable tree.</exception>
    public static async Task<GattApplication> ReadAsync(DBusConnection connection, string owner, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        List<ManagedObject> objects;
        try
        {
            objects = await BusCalls.CallAsync(connection, owner, path, DBusNames.ObjectManager, "GetManagedObjects", null, null,
                ManagedObjects.Read, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException)
        {
            throw new BluezException(BluezNames.ErrorFailed, "No object received");
        }
        if (objects.Count == 0)
        {
            throw new BluezException(BluezNames.ErrorFailed, "No object received");
        }

        var services = new List<AppService>();
        foreach (var service in objects)
        {
            if (!service.Interfaces.TryGetValue(BluezNames.GattService, out var props)
                || !service.Path.StartsWith(path, StringComparison.Ordinal)
                || Uuid(props) is not { } uuid)
            {
                continue;
            }
            var primary = !props.TryGet("Primary", VariantValueType.Bool, out var p) || p.GetBool();
            var characteristics = new List<AppCharacteristic>();
            foreach (var chr in objects)
            {
                if (chr.Interfaces.TryGetValue(BluezNames.GattCharacteristic, out var c)
                    && Reference(c, "Service") == service.Path && Uuid(c) is { } chrUuid)
                {
                    characteristics.Add(new AppCharacteristic(chr.Path, chrUuid, Flags(c), Descriptors(objects, chr.Path)));
                }
            }
            services.Add(new AppService(service.Path, uuid, primary, characteristics));
        }
        if (services.Count == 0)
        {
            throw new BluezException(BluezNames.ErrorFailed, "No valid service object found");
        }
        return new GattApplication(owner, path, services);
    }

    private static List<AppDescriptor> Descriptors(List<ManagedObject> objects, string characteristicPath)
    {
        var list = new List<AppDescriptor>();
        foreach (var desc in objects)
        {
            if (desc.Interfaces.TryGetValue(BluezNames.GattDescriptor, out var d)
                && Reference(d, "Characteristic") == characteristicPath && Uuid(d) is { } uuid)
            {
                list.Add(new AppDescriptor(desc.Path, uuid, Flags(d)));
            }
        }
        return list;
    }

    private static string? Uuid(Dictionary<string, VariantValue> props) =>
        props.TryGet("UUID", VariantValueType.String, out var v) ? BluezNames.NormalizeUuid(v.GetString()) : null;

    private static string? Reference(Dictionary<string, VariantValue> props, string name) =>
        props.TryGet(name, VariantValueType.ObjectPath, out var v) ? v.GetObjectPathAsString() : null;

    private static string[] Flags(Dictionary<string, VariantValue> props) =>
        props.TryGet("Flags", VariantValueType.Array, out var v) && v.ItemType == VariantValueType.String
            ? v.GetArray<string>()
            : [];
}

/// <summary>A D-Bus error reply a BlueZ method answers with.</summary>
internal sealed class BluezException(string name, string message) : Exception(message)
{
    public string Name { get; } = name;
}
