using System.CommandLine;
using System.Globalization;
using System.Text;
using EspProv.Cli.Output;
using EspProv.Cli.Provision;
using Microsoft.Data.Sqlite;
using Spectre.Console;

namespace EspProv.Cli.Batch;

/// <summary>
/// <c>esp-prov batch report --journal run.db [--json | --csv]</c>: every device's state from a journal (also while a
/// run writes it: no lock needed). Exit 0 whenever the journal could be read.
/// </summary>
internal static class ReportCommand
{
    private static readonly string[] Columns = ["device", "status", "attempts", "ip", "bssid", "channel", "auth_mode", "reason", "exit_code", "updated_at"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var journal = new Option<string>("--journal") { Description = "the batch journal to read", Required = true, HelpName = "run.db" };
        var json = new Option<bool>("--json") { Description = "one compact JSON object per device per line" };
        var csv = new Option<bool>("--csv") { Description = "CSV with a header row" };
        var command = new Command("report", "show each device's state from a batch journal") { journal, json, csv };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(json) && result.GetValue(csv))
            {
                await error.WriteLineAsync("esp-prov: --json and --csv exclude each other").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var path = result.GetValue(journal)!;
            JournalContents contents;
            try
            {
                contents = await SqliteJournal.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException or FormatException)
            {
                await error.WriteLineAsync($"esp-prov: cannot read the journal '{path}': {CliOutput.OneLine(ex.Message)}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (result.GetValue(json))
            {
                WriteJson(output, contents);
            }
            else if (result.GetValue(csv))
            {
                WriteCsv(output, contents);
            }
            else
            {
                WriteTable(output, contents);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string?[] Values(DeviceRecord d) =>
    [
        d.Name, d.State.Name(), d.Attempts.ToString(CultureInfo.InvariantCulture), d.Ip, d.Bssid, d.Channel?.ToString(CultureInfo.InvariantCulture),
        d.AuthMode, d.Reason, d.ExitCode?.ToString(CultureInfo.InvariantCulture), d.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
    ];

    private static void WriteJson(TextWriter output, JournalContents contents)
    {
        var writer = new JsonLinesWriter(output);
        foreach (var d in contents.Devices)
        {
            // No "event": a report row is a record, not something that happened.
            writer.WriteLine(string.Empty, d.Name, w =>
            {
                w.WriteString("status", d.State.Name());
                w.WriteNumber("attempts", d.Attempts);
                Nullable(w, "ip", d.Ip);
                Nullable(w, "bssid", d.Bssid);
                if (d.Channel is { } channel)
                {
                    w.WriteNumber("channel", channel);
                }
                else
                {
                    w.WriteNull("channel");
                }

                Nullable(w, "auth_mode", d.AuthMode);
                Nullable(w, "reason", d.Reason);
                if (d.ExitCode is { } code)
                {
                    w.WriteNumber("exit_code", code);
                }
                else
                {
                    w.WriteNull("exit_code");
                }

                w.WriteString("updated_at", d.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
            });
        }
    }

    private static void Nullable(System.Text.Json.Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteCsv(TextWriter output, JournalContents contents)
    {
        output.Write(string.Join(',', Columns) + "\n");
        foreach (var d in contents.Devices)
        {
            output.Write(string.Join(',', Values(d).Select(Quote)) + "\n");
        }
    }

    /// <summary>RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.</summary>
    private static string Quote(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static void WriteTable(TextWriter output, JournalContents contents)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        var table = new Table().Border(TableBorder.Ascii);
        foreach (var column in Columns.Take(Columns.Length - 1))
        {
            table.AddColumn(column);
        }

        foreach (var d in contents.Devices)
        {
            table.AddRow(Values(d).Take(Columns.Length - 1).Select(v => Markup.Escape(CliOutput.Shown(v ?? string.Empty))).ToArray());
        }

        console.Write(table);
        var counts = contents.Devices.GroupBy(d => d.State).OrderBy(g => g.Key).Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {g.Key.Name()}");
        var line = new StringBuilder($"{contents.Devices.Count.ToString(CultureInfo.InvariantCulture)} devices: {string.Join(", ", counts)}");
        if (contents.LastStartedAt is { } last)
        {
            line.Append(CultureInfo.InvariantCulture, $"; {contents.Runs} run(s), the last started {last:u}");
        }

        output.WriteLine(line.ToString());
    }
}
