using EspProv.Cli.Transcript;

namespace EspProv.Cli.Doctor;

/// <summary>Wires one doctor run: the report, the network data, the <c>--transcript</c> when asked for, and the run.</summary>
internal static class DoctorMain
{
    public static async Task<int> RunAsync(TextWriter output, TextWriter error, DoctorSettings settings, INetworkInfo network, CancellationToken cancellationToken,
        string? bleBusAddress = null)
    {
        var transcript = TranscriptSession.Start(settings.Provision, "doctor");
        var report = new DoctorReport(output, settings.Json) { Listener = transcript is null ? null : transcript.Check };
        if (transcript is null)
        {
            return await new DoctorRunner(report, network, bleBusAddress: bleBusAddress).RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }

        transcript.Target = Transports.TransportFactory.For(settings.Provision).DescribeTarget(settings.Provision);
        try
        {
            var code = await new DoctorRunner(report, network, transcript.Wrap, info => transcript.Version = info, bleBusAddress, transcript.ScanResults).RunAsync(settings, cancellationToken).ConfigureAwait(false);
            transcript.Outcome(code, report.Checks.FirstOrDefault(c => c.Status == CheckStatus.Failed) is { } failed ? $"{failed.Name}: {failed.Detail}" : null);
            return code;
        }
        catch (OperationCanceledException)
        {
            transcript.Outcome(ExitCodes.Interrupted, "interrupted");
            throw;
        }
        finally
        {
            if (transcript.Write() is { } problem)
            {
                await error.WriteLineAsync($"esp-prov: {Provision.CliOutput.OneLine(problem)}").ConfigureAwait(false);
            }
        }
    }
}
