using System.Text;
using EspProv.Device.Security;
using EspProv.Exceptions;
using EspProv.Provisioning;
using EspProv.Security;
using EspProv.Tests.Reliability;
using EspProv.Tests.Support;
using EspProv.Transport.Http;

namespace EspProv.Tests.Provisioning;

/// <summary>The library's 3.0 API: one flow with an observer of default members, immutable exceptions with their step, typed QR security.</summary>
public sealed class ProvisionApiTests
{
    [Fact]
    public async Task ProvisionAsync_ObserverWithOnlyOneMember_HearsEveryStepInOrder()
    {
        await using var device = await TestDevice.InMemory().Security(new DeviceSecurity1("abcd1234")).StartAsync();
        await using var client = new ProvisioningClient(device.CreateInMemoryTransport(), ownsTransport: true);
        var observer = new StepsOnly();
        var outcome = await client.ProvisionAsync(ProvisioningPlan.For(new Security1("abcd1234"), new WifiCredentials("myssid", "mypassword")), observer);
        var joined = Assert.IsType<WifiConnectionInfo>(outcome.Connection);
        Assert.Equal("myssid", joined.Ssid);
        Assert.False(outcome.StoppedBeforeConfig);
        Assert.Equal(
            [ProvisioningStep.ProtocolVersion, ProvisioningStep.Session, ProvisioningStep.SetConfig, ProvisioningStep.ApplyConfig, ProvisioningStep.Status],
            observer.Started);
    }

    [Fact]
    public async Task ProvisionAsync_CredentialsNull_StopsBeforeConfig_AndSendsNoConfig()
    {
        await using var device = await TestDevice.InMemory().Security(new DeviceSecurity1("abcd1234")).StartAsync();
        await using var client = new ProvisioningClient(device.CreateInMemoryTransport(), ownsTransport: true);
        var outcome = await client.ProvisionAsync(new ProvisioningPlan
        {
            ChooseSecurity = (_, _) => ValueTask.FromResult<ISecurity>(new Security1("abcd1234")),
            Credentials = (_, _, _) => ValueTask.FromResult<NetworkCredentials?>(null),
        });
        Assert.True(outcome.StoppedBeforeConfig);
        Assert.Null(device.PendingCredentials);
        Assert.DoesNotContain(device.Requests, r => r.Endpoint == "prov-config");
    }

    [Fact]
    public async Task TransportFailure_IsRaisedAgainWithItsStep_KeepingTypeAndData()
    {
        var transport = new ScriptTransport(ScriptTransport.Fail(TransportFailure.Rejected));
        await using var client = new ProvisioningClient(transport, new ProvisioningClientOptions { VersionRetries = 0 });
        var ex = await Assert.ThrowsAsync<TransportException>(() => client.GetVersionAsync());
        Assert.Equal(ProvisioningStep.ProtocolVersion, ex.Step);
        Assert.Equal(TransportFailure.Rejected, ex.Failure);
        Assert.Equal("proto-ver", ex.Endpoint);
    }

    [Fact]
    public void AtStep_KeepsTheTransportsOwnData()
    {
        var http = new HttpTransportException(TransportFailure.EndpointNotFound, "prov-ctrl", "no such endpoint", statusCode: 404);
        var moved = Assert.IsType<HttpTransportException>(http.AtStep(ProvisioningStep.Control));
        Assert.Equal((ProvisioningStep?)ProvisioningStep.Control, moved.Step);
        Assert.Equal(404, moved.StatusCode);
        Assert.Equal(http.Message, moved.Message);
        Assert.Null(http.Step);
    }

    [Fact]
    public async Task GetVersionAsync_SendsEspProvsDefaultVersion()
    {
        var transport = new ScriptTransport(ScriptTransport.Reply(Encoding.UTF8.GetBytes("V0.1")));
        await using var client = new ProvisioningClient(transport);
        var info = await client.GetVersionAsync();
        Assert.Equal("V0.1", info.Raw);
        Assert.Equal(ProvisioningClient.DefaultVersion, Encoding.UTF8.GetString(Assert.Single(transport.Sent).Body));
    }

    [Theory]
    [InlineData("""{"ver":"v1","name":"PROV_1","security":1}""", SecurityScheme.Sec1)]
    [InlineData("""{"ver":"v1","name":"PROV_1","security":"0"}""", SecurityScheme.Sec0)]
    [InlineData("""{"ver":"v1","name":"PROV_1","username":"wifiprov","pop":"x"}""", SecurityScheme.Sec2)]
    public void QrPayload_Security_IsTyped(string text, SecurityScheme expected)
    {
        Assert.True(QrPayload.TryParse(text, out var payload, out var error), error);
        Assert.Equal(expected, payload.ImpliedSecurity);
    }

    private sealed class StepsOnly : IProvisioningObserver
    {
        public List<ProvisioningStep> Started { get; } = [];

        public ValueTask StepStartingAsync(ProvisioningStep provisioningStep, CancellationToken cancellationToken)
        {
            Started.Add(provisioningStep);
            return ValueTask.CompletedTask;
        }
    }
}
