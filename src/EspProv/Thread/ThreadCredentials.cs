using EspProv.Provisioning;
using EspProv.Transport;

namespace EspProv.Thread;

/// <summary>
/// The credentials of a Thread device (capability <c>thread_prov</c>): its operational dataset, as a
/// <see cref="ProvisioningPlan"/> carries them. The dataset holds the network key: it is never printed.
/// </summary>
/// <param name="Dataset">The dataset to send; a complete active dataset (<see cref="ThreadDataset.IsCompleteActive"/>) is what a device needs to attach.</param>
public sealed record ThreadCredentials(ThreadDataset Dataset) : NetworkCredentials
{
    /// <summary>Largest dataset a Thread stack takes (OpenThread's <c>OT_OPERATIONAL_DATASET_MAX_LENGTH</c>).</summary>
    public const int MaxDatasetBytes = 254;

    /// <inheritdoc />
    public override void Validate()
    {
        if (Dataset is null)
        {
            throw new ArgumentException("a Thread dataset is required", nameof(Dataset));
        }

        if (Dataset.Length == 0 || Dataset.Length > MaxDatasetBytes)
        {
            throw new ArgumentException($"the Thread dataset has {Dataset.Length} bytes: devices take 1 to {MaxDatasetBytes}", nameof(Dataset));
        }
    }

    /// <summary>Never shows the dataset (it holds the network key).</summary>
    public override string ToString() => $"ThreadCredentials {{ Dataset = {Dataset?.Length ?? 0} bytes }}";
}

/// <summary>The Thread device reported that it could not attach (<c>AttachingFailed</c>), with its reason.</summary>
public sealed class ThreadAttachFailedException : NetworkConnectionFailedException
{
    /// <summary>Creates the exception.</summary>
    public ThreadAttachFailedException(ThreadFailureReason reason, string message)
        : base(message, Endpoints.Config)
    {
        Reason = reason;
    }

    /// <summary>The reason the device gave.</summary>
    public ThreadFailureReason Reason { get; }
}
