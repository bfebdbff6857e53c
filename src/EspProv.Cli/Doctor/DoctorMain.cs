namespace EspProv.Cli.Doctor;

/// <summary>Wires one doctor run: the report, the network data and the run.</summary>
internal static class DoctorMain
{
    public static Task<int> RunAsync(TextWriter output, DoctorSettings settings, INetworkInfo network, CancellationToken cancellationToken) =>
        new DoctorRunner(new DoctorReport(output, settings.Json), network).RunAsync(settings, cancellationToken);
}
