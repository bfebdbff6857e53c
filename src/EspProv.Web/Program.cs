using EspProv.Web;
using EspProv.Web.Bluetooth;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.Services.AddScoped<WebBluetooth>();
// Warnings and errors only: the library logs no secrets, but the console is no place for a run's details either.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
await builder.Build().RunAsync().ConfigureAwait(false);
