using EspProv.Exceptions;

namespace EspProv.Provisioning;

/// <summary>
/// The credentials of the network a device is to join, as a <see cref="ProvisioningPlan"/> carries them. The device's
/// kind of network decides the concrete type: <see cref="WifiCredentials"/> for a Wi-Fi device; a network of another
/// kind (a Thread dataset) takes their place through a type of its own. Only this library defines kinds of network,
/// because the flow has to know how to send each.
/// </summary>
public abstract record NetworkCredentials
{
    private protected NetworkCredentials()
    {
    }

    /// <summary>Throws <see cref="ArgumentException"/> if a field is out of the range firmware accepts; nothing is sent then.</summary>
    public abstract void Validate();
}

/// <summary>What a device reports once it has joined its network: <see cref="WifiConnectionInfo"/> for Wi-Fi.</summary>
public abstract record NetworkConnection
{
    private protected NetworkConnection()
    {
    }
}

/// <summary>One answer to a status poll after apply: <see cref="WifiStatus"/> for Wi-Fi.</summary>
public abstract record NetworkStatus
{
    private protected NetworkStatus()
    {
    }
}

/// <summary>
/// The device reported that it could not join its network, with a reason of the network's kind
/// (<see cref="WifiConnectionFailedException.Reason"/>). Catch this type to handle every kind of network alike.
/// </summary>
public abstract class NetworkConnectionFailedException : ProvisioningException
{
    private protected NetworkConnectionFailedException(string message, string endpoint)
        : base(message, ProvisioningStep.Status, endpoint)
    {
    }
}
