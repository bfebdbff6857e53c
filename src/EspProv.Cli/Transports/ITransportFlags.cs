using System.CommandLine;

namespace EspProv.Cli.Transports;

/// <summary>
/// A transport's own flags of the provisioning command and <c>doctor</c>, made per command
/// (<see cref="ITransportProvider.CreateFlags"/>): the flags, and reading them into the transport's own settings.
/// </summary>
internal interface ITransportFlags
{
    /// <summary>The flags, in the order help shows them.</summary>
    IEnumerable<Option> All { get; }

    /// <summary>
    /// <paramref name="settings"/> with this transport's settings read from <paramref name="result"/>
    /// (<see cref="ProvisionSettings.With{T}"/>), whichever transport the run uses.
    /// </summary>
    ProvisionSettings Read(ParseResult result, ProvisionSettings settings);
}
