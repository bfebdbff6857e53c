using System.Text.Json;
using System.Text.Json.Serialization;

namespace EspProv.Transport.SoftAp.NetworkManager;

/// <summary>
/// What a join changed, written before the change and deleted once the interface is given back: if the process dies
/// in between (kill -9, power cut), the next run (or <c>esp-prov --restore-wifi</c>) reads it and restores.
/// </summary>
/// <param name="Interface">The Wi-Fi interface that joined.</param>
/// <param name="PreviousUuid">The profile that was active on it before (null = it was disconnected).</param>
/// <param name="PreviousId">That profile's name, for messages.</param>
/// <param name="JoinedSsid">The device's soft AP.</param>
/// <param name="JoinedUuid">The temporary profile of the join (deleted on restore if still there).</param>
/// <param name="ProcessId">The process that joined (a note of a live process is not acted on).</param>
public sealed record JoinRestoreNote(string Interface, string? PreviousUuid, string? PreviousId, string JoinedSsid, string JoinedUuid, int ProcessId)
{
    /// <summary>
    /// <c>$XDG_STATE_HOME/esp-prov/join-restore.json</c>, or <c>~/.local/state/esp-prov/join-restore.json</c> when
    /// XDG_STATE_HOME is not set (the XDG base directory rule for state that outlives a run).
    /// </summary>
    public static string DefaultPath(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var state = environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(state, "esp-prov", "join-restore.json");
    }

    /// <summary>Reads the note at <paramref name="path"/>; null when there is none or it is unreadable (then it is removed).</summary>
    public static JoinRestoreNote? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), JoinRestoreNoteJson.Default.JoinRestoreNote);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            Delete(path);
            return null;
        }
    }

    /// <summary>Writes the note (to a temporary file first, so a crash never leaves half a note).</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, JoinRestoreNoteJson.Default.JoinRestoreNote));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes the note, if any.</summary>
    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

[JsonSerializable(typeof(JoinRestoreNote))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class JoinRestoreNoteJson : JsonSerializerContext;
