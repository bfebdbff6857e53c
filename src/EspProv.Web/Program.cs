using System.Runtime.Versioning;

// The page (wwwroot/js/app.js) starts the runtime and calls EspProv.Web.Page.PageApi's exports; nothing runs at start.
[assembly: SupportedOSPlatform("browser")]

return 0;
