using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EspProv.Cli.Transcript;

/// <summary>
/// The transcript document (schema in docs/doctor.md): written with <see cref="Utf8JsonWriter"/> (no reflection,
/// NativeAOT-safe); every string goes through the network redactor and the secret scrubber on its way out.
/// </summary>
internal static class TranscriptWriter
{
    public const int SchemaVersion = 1;

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(TranscriptSession s, (string Tool, string Version, string Os, string Runtime) run)
    {
        var secrets = s.Secrets().ToArray();
        string Clean(string text)
        {
            text = s.Redactor.Text(text);
            foreach (var secret in secrets)
            {
                text = text.Replace(secret, "(secret)", StringComparison.Ordinal);
            }

            return text;
        }

        void Str(Utf8JsonWriter w, string name, string? value)
        {
            if (value is null)
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteString(name, Clean(value));
            }
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteNumber("transcript", SchemaVersion);
            w.WriteString("tool", run.Tool);
            Str(w, "tool_version", run.Version);
            Str(w, "os", run.Os);
            w.WriteString("runtime", run.Runtime);
            w.WriteString("command", s.Command);
            w.WriteString("started_at", s.StartedAt.ToString("o", CultureInfo.InvariantCulture));
            w.WriteNumber("duration_ms", (long)s.Recorder.Elapsed.TotalMilliseconds);
            w.WriteString("transport", s.Settings.Transport ?? Transports.TransportFactory.DefaultName);
            Str(w, "target", s.Target is null ? null : s.Redactor.Text(s.Target));
            w.WriteBoolean("redacted_network", s.Redactor.Enabled);
            WriteVersion(w, s, Str);
            w.WriteStartArray("exchanges");
            foreach (var x in s.Recorder.Exchanges)
            {
                w.WriteStartObject();
                w.WriteNumber("index", x.Index);
                w.WriteString("endpoint", x.Endpoint);
                Str(w, "step", x.Label);
                w.WriteNumber("started_ms", Math.Round(x.StartedAt.TotalMilliseconds, 1));
                w.WriteNumber("elapsed_ms", Math.Round(x.Elapsed.TotalMilliseconds, 1));
                w.WriteNumber("request_bytes", x.RequestBytes);
                if (x.ResponseBytes is { } n)
                {
                    w.WriteNumber("response_bytes", n);
                }
                else
                {
                    w.WriteNull("response_bytes");
                }

                w.WriteString("outcome", x.Outcome);
                w.WriteStartObject("decoded");
                foreach (var (key, value) in x.Fields)
                {
                    Str(w, key, value);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("events");
            foreach (var e in s.Events)
            {
                w.WriteStartObject();
                w.WriteNumber("at_ms", Math.Round(e.At.TotalMilliseconds, 1));
                w.WriteString("event", e.Kind);
                foreach (var (key, value) in e.Fields)
                {
                    Str(w, key, value);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("outcome");
            if (s.ExitCode is { } code)
            {
                w.WriteNumber("exit_code", code);
                w.WriteString("status", code switch { 0 => "ok", ExitCodes.Interrupted => "interrupted", _ => "failed" });
            }
            else
            {
                w.WriteNull("exit_code");
                w.WriteString("status", "unknown");
            }

            Str(w, "message", s.Message);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteVersion(Utf8JsonWriter w, TranscriptSession s, Action<Utf8JsonWriter, string, string?> str)
    {
        if (s.Version is not { } v)
        {
            w.WriteNull("device_version");
            return;
        }

        w.WriteStartObject("device_version");
        w.WriteBoolean("json", v.IsJson);
        str(w, "raw", v.Raw);
        str(w, "ver", v.Version);
        if (v.SecurityVersion is { } sec)
        {
            w.WriteNumber("sec_ver", sec);
        }

        if (v.SecurityPatchVersion is { } patch)
        {
            w.WriteNumber("sec_patch_ver", patch);
        }

        w.WriteStartArray("cap");
        foreach (var cap in v.Capabilities)
        {
            w.WriteStringValue(cap);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
