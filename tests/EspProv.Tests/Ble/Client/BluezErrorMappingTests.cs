using EspProv.Exceptions;
using EspProv.Transport.Ble.Bluez;
using Tmds.DBus.Protocol;

namespace EspProv.Tests.Ble.Client;

/// <summary>BlueZ's error replies to a GATT write or read, as neutral failures (docs/ble.md#requests-and-responses,
/// #bluez-central-role); no bus needed.</summary>
public sealed class BluezErrorMappingTests
{
    [Theory]
    [InlineData("org.bluez.Error.Failed", "Operation failed with ATT error: 0x04", TransportFailure.ClosedWithoutResponse, false)]
    [InlineData("org.bluez.Error.Failed", "Operation failed with ATT error: 0x0e", TransportFailure.ClosedWithoutResponse, true)]
    [InlineData("org.bluez.Error.Failed", "Not connected", TransportFailure.LinkLost, true)]
    [InlineData("org.bluez.Error.NotPermitted", "Not paired", TransportFailure.SecureLinkFailed, false)]
    [InlineData("org.bluez.Error.NotAuthorized", "Operation Not Authorized", TransportFailure.SecureLinkFailed, false)]
    [InlineData("org.bluez.Error.Failed", "Operation failed with ATT error: 0x0f", TransportFailure.SecureLinkFailed, false)]
    [InlineData("org.freedesktop.DBus.Error.UnknownObject", "Method \"WriteValue\" doesn't exist", TransportFailure.LinkLost, true)]
    [InlineData("org.freedesktop.DBus.Error.ServiceUnknown", "The name org.bluez was not provided", TransportFailure.Unavailable, true)]
    [InlineData("org.freedesktop.DBus.Error.NoReply", "Did not receive a reply", TransportFailure.Timeout, true)]
    [InlineData("org.bluez.Error.InProgress", "In Progress", TransportFailure.Rejected, false)]
    public void ErrorReply_MapsToANeutralFailure_WithTheBluezName(string name, string message, TransportFailure failure, bool linkGone)
    {
        var mapped = BluezErrors.ForRequest(new DBusErrorReplyException(name, message), "prov-session", out var broken);
        Assert.Equal(failure, mapped.Failure);
        Assert.Equal(linkGone, broken);
        Assert.Equal(name, mapped.BluezError);
        Assert.StartsWith("/prov-session: ", mapped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', mapped.Message);
    }

    [Fact]
    public void PairingDemand_SaysWhatTheFirmwareWants() =>
        Assert.Contains("demands pairing/encryption",
            BluezErrors.ForRequest(new DBusErrorReplyException("org.bluez.Error.NotPermitted", "Not paired"), "proto-ver", out _).Message,
            StringComparison.Ordinal);
}
