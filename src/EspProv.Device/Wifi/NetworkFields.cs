using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EspProv.Provisioning;

namespace EspProv.Device.Wifi;

/// <summary>Collects the optional fields of a network definition (text or JSON) and builds a validated <see cref="SimulatedNetwork"/>.</summary>
internal sealed class NetworkFields(string ssid, string passphrase)
{
    private int? _channel;
    private int? _rssi;
    private WifiAuthMode? _auth;
    private byte[]? _bssid;
    private IPAddress? _ip;

    public void Set(string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "channel":
                _channel = ParseInt(key, value);
                break;
            case "rssi":
                _rssi = ParseInt(key, value);
                break;
            case "auth":
                _auth = SimulatedNetwork.TryParseAuthMode(value, out var mode)
                    ? mode
                    : throw new FormatException($"network '{ssid}': auth '{value}' is not one of Open, WEP, WPA_PSK, WPA2_PSK, WPA_WPA2_PSK, WPA2_ENTERPRISE, WPA3_PSK, WPA2_WPA3_PSK");
                break;
            case "bssid":
                _bssid = SimulatedNetwork.ParseBssid(ssid, value);
                break;
            case "ip":
                _ip = IPAddress.TryParse(value, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork
                    ? ip
                    : throw new FormatException($"network '{ssid}': ip '{value}' is not an IPv4 address");
                break;
            default:
                throw new FormatException($"network '{ssid}': unknown option '{key}' (expected channel, rssi, auth, bssid, ip)");
        }
    }

    public SimulatedNetwork Build()
    {
        var network = new SimulatedNetwork(ssid, passphrase);
        if (_channel is { } channel)
        {
            network = network with { Channel = channel };
        }

        if (_rssi is { } rssi)
        {
            network = network with { Rssi = rssi };
        }

        if (_auth is { } auth)
        {
            network = network with { AuthMode = auth };
        }

        if (_bssid is { } bssid)
        {
            network = network with { Bssid = bssid };
        }
        else if (ssid == SimulatedNetwork.Default.Ssid)
        {
            network = network with { Bssid = SimulatedNetwork.Default.Bssid };
        }

        if (_ip is { } ip)
        {
            network = network with { IPAddress = ip };
        }

        try
        {
            network.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }

        return network;
    }

    private int ParseInt(string key, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"network '{ssid}': {key} '{value}' is not an integer");
}
