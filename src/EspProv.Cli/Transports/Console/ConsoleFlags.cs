using System.CommandLine;

namespace EspProv.Cli.Transports.Console;

/// <summary>The console transport's settings: <c>--serial</c> and <c>--baud</c>.</summary>
/// <param name="Serial">The device's serial port; null when not given.</param>
/// <param name="Baud">The port's speed.</param>
internal sealed record ConsoleSettings(string? Serial, int Baud = ConsoleSettings.DefaultBaud)
{
    public const int DefaultBaud = 115200;

    /// <summary>The settings of <paramref name="settings"/>, or the defaults when its flags were not read.</summary>
    public static ConsoleSettings Of(ProvisionSettings settings) => settings.Get<ConsoleSettings>() ?? new ConsoleSettings(Serial: null);
}

/// <summary>The console transport's flags.</summary>
internal sealed class ConsoleFlags : ITransportFlags
{
    private readonly Option<string?> _serial = new("--serial")
    {
        Description = "with --transport console: the device's serial port (e.g. /dev/ttyUSB0, /dev/cu.usbserial-0001, a pty)",
        HelpName = "port",
    };

    private readonly Option<int> _baud = new("--baud")
    {
        Description = "with --transport console: the serial port's speed",
        DefaultValueFactory = _ => ConsoleSettings.DefaultBaud,
    };

    public IEnumerable<Option> All => [_serial, _baud];

    public ProvisionSettings Read(ParseResult result, ProvisionSettings settings) =>
        settings.With(new ConsoleSettings(result.GetValue(_serial), result.GetValue(_baud)));
}
