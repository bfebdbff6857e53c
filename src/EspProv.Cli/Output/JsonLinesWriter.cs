using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EspProv.Cli.Output;

/// <summary>
/// Writes <c>--json</c> output: JSON Lines, one compact object per line (no spaces after <c>:</c> or <c>,</c>), each
/// with <c>"v":1</c> and <c>"event"</c>, written with <see cref="Utf8JsonWriter"/> (no reflection, NativeAOT-safe).
/// Thread-safe: a whole line is built first and written under a lock, so concurrent devices' lines never interleave.
/// Schema: docs/fleet.md. Nothing written here may be a secret: the event types have no field that could hold one.
/// </summary>
internal sealed class JsonLinesWriter(TextWriter output)
{
    /// <summary>The schema version every event carries as <c>"v"</c>.</summary>
    public const int SchemaVersion = 1;

    // Relaxed escaping keeps non-ASCII SSIDs readable; quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();

    public void Write(StepEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        WriteLine("step", e.Device, w =>
        {
            w.WriteString("step", e.Step);
            w.WriteString("status", e.Status);
            w.WriteNumber("elapsed_ms", e.ElapsedMs);
            if (e.Detail is not null)
            {
                w.WriteString("detail", e.Detail);
            }
        });
    }

    public void Write(DeviceResult e)
    {
        ArgumentNullException.ThrowIfNull(e);
        WriteLine("result", e.Device, w =>
        {
            w.WriteString("status", e.Status);
            w.WriteNumber("exit_code", e.ExitCode);
            StringOrNull(w, "ip", e.Ip);
            StringOrNull(w, "bssid", e.Bssid);
            if (e.Channel is { } channel)
            {
                w.WriteNumber("channel", channel);
            }
            else
            {
                w.WriteNull("channel");
            }

            StringOrNull(w, "auth_mode", e.AuthMode);
            StringOrNull(w, "reason", e.Reason);
            if (e.Network is not null)
            {
                w.WriteString("network", e.Network);
            }

            if (e.Thread is { } thread)
            {
                w.WriteString("network_name", thread.NetworkName);
                w.WriteString("pan_id", $"0x{thread.PanId:x4}");
                w.WriteString("ext_pan_id", Convert.ToHexStringLower(thread.ExtendedPanId.Span));
            }

            w.WriteNumber("elapsed_ms", e.ElapsedMs);
            if (e.FromJournal)
            {
                w.WriteBoolean("from_journal", true);
            }
        });
    }

    public void Write(SummaryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        WriteLine("summary", device: null, w =>
        {
            w.WriteNumber("total", e.Total);
            w.WriteNumber("connected", e.Connected);
            w.WriteNumber("failed", e.Failed);
            w.WriteNumber("unknown", e.Unknown);
            w.WriteNumber("from_journal", e.FromJournal);
            w.WriteNumber("exit_code", e.ExitCode);
            w.WriteNumber("elapsed_ms", e.ElapsedMs);
            w.WriteStartArray("failures");
            foreach (var (device, status, reason) in e.Failures)
            {
                w.WriteStartObject();
                w.WriteString("device", device);
                w.WriteString("status", status);
                StringOrNull(w, "reason", reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("slowest");
            foreach (var (device, elapsed) in e.Slowest)
            {
                w.WriteStartObject();
                w.WriteString("device", device);
                w.WriteNumber("elapsed_ms", elapsed);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    public void Write(ScanEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        WriteLine("scan", e.Device, w =>
        {
            w.WriteString("ssid", e.Network.Ssid);
            w.WriteString("bssid", e.Network.BssidHex);
            w.WriteNumber("channel", e.Network.Channel);
            w.WriteNumber("rssi", e.Network.Rssi);
            w.WriteString("auth_mode", JsonNames.AuthMode(e.Network.AuthMode));
        });
    }

    public void Write(ThreadScanEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        WriteLine("scan", e.Device, w =>
        {
            w.WriteString("network", "thread");
            w.WriteString("network_name", e.Network.NetworkName);
            w.WriteString("pan_id", $"0x{e.Network.PanId:x4}");
            w.WriteString("ext_pan_id", Convert.ToHexStringLower(e.Network.ExtendedPanId.Span));
            w.WriteString("ext_addr", Convert.ToHexStringLower(e.Network.ExtendedAddress.Span));
            w.WriteNumber("channel", e.Network.Channel);
            w.WriteNumber("rssi", e.Network.Rssi);
            w.WriteNumber("lqi", e.Network.Lqi);
        });
    }

    /// <summary>
    /// Writes one object with the common head (<c>v</c>, <c>event</c>, <c>device</c> when given) and the event's
    /// fields; for events this class does not model (e.g. a batch report's rows).
    /// </summary>
    public void WriteLine(string eventName, string? device, Action<Utf8JsonWriter> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", SchemaVersion);
            if (eventName.Length > 0)
            {
                writer.WriteString("event", eventName);
            }

            if (device is not null)
            {
                writer.WriteString("device", device);
            }

            fields(writer);
            writer.WriteEndObject();
        }

        var line = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        lock (_gate)
        {
            output.Write(line + "\n");
            output.Flush();
        }
    }

    private static void StringOrNull(Utf8JsonWriter w, string name, string? value)
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
}
