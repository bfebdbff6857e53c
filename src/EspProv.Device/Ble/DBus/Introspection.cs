using System.Text;

namespace EspProv.Device.Ble.DBus;

/// <summary>
/// Introspection XML of the interfaces we serve. Clients such as dbus-python take argument signatures from it (an empty
/// Python dict only marshals as <c>a{sv}</c> when the signature says so), so methods are listed with their arguments.
/// </summary>
internal static class Introspection
{
    private static readonly Dictionary<string, ReadOnlyMemory<byte>> Known = new(StringComparer.Ordinal)
    {
        ["org.freedesktop.DBus.ObjectManager"] = Xml("org.freedesktop.DBus.ObjectManager",
            """<method name="GetManagedObjects"><arg name="objects" type="a{oa{sa{sv}}}" direction="out"/></method><signal name="InterfacesAdded"><arg name="object" type="o"/><arg name="interfaces" type="a{sa{sv}}"/></signal><signal name="InterfacesRemoved"><arg name="object" type="o"/><arg name="interfaces" type="as"/></signal>"""),
        ["org.bluez.Adapter1"] = Xml("org.bluez.Adapter1",
            """<method name="StartDiscovery"/><method name="StopDiscovery"/><method name="SetDiscoveryFilter"><arg name="properties" type="a{sv}" direction="in"/></method><method name="GetDiscoveryFilters"><arg name="filters" type="as" direction="out"/></method><method name="RemoveDevice"><arg name="device" type="o" direction="in"/></method>"""),
        ["org.bluez.Device1"] = Xml("org.bluez.Device1",
            """<method name="Connect"/><method name="Disconnect"/>"""),
        ["org.bluez.GattManager1"] = Xml("org.bluez.GattManager1",
            """<method name="RegisterApplication"><arg name="application" type="o" direction="in"/><arg name="options" type="a{sv}" direction="in"/></method><method name="UnregisterApplication"><arg name="application" type="o" direction="in"/></method>"""),
        ["org.bluez.LEAdvertisingManager1"] = Xml("org.bluez.LEAdvertisingManager1",
            """<method name="RegisterAdvertisement"><arg name="advertisement" type="o" direction="in"/><arg name="options" type="a{sv}" direction="in"/></method><method name="UnregisterAdvertisement"><arg name="service" type="o" direction="in"/></method>"""),
        ["org.bluez.GattService1"] = Xml("org.bluez.GattService1", ""),
        ["org.bluez.GattCharacteristic1"] = Xml("org.bluez.GattCharacteristic1", ReadWrite),
        ["org.bluez.GattDescriptor1"] = Xml("org.bluez.GattDescriptor1", ReadWrite),
    };

    private const string ReadWrite =
        """<method name="ReadValue"><arg name="options" type="a{sv}" direction="in"/><arg name="value" type="ay" direction="out"/></method><method name="WriteValue"><arg name="value" type="ay" direction="in"/><arg name="options" type="a{sv}" direction="in"/></method>""";

    /// <summary>The XML fragments for an object's interfaces (unknown interfaces are listed without members).</summary>
    public static ReadOnlyMemory<byte>[] For(IEnumerable<string> interfaces, bool isManager)
    {
        var list = new List<ReadOnlyMemory<byte>> { Tmds.DBus.Protocol.IntrospectionXml.DBusProperties };
        if (isManager)
        {
            list.Add(Known[DBusNames.ObjectManager]);
        }
        foreach (var iface in interfaces)
        {
            list.Add(Known.TryGetValue(iface, out var xml) ? xml : Xml(iface, ""));
        }
        return [.. list];
    }

    private static ReadOnlyMemory<byte> Xml(string name, string members) =>
        Encoding.UTF8.GetBytes($"""<interface name="{name}">{members}</interface>""" + "\n");
}
